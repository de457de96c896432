import { describe, expect, it } from 'vitest';
import { eventToJson, eventToRecord, toHex } from './event-json.js';

const base = {
  ts: 1_700_000_000_123_456_789n,
  iface: 'eth0',
  dir: 'ingress',
  src: '10.0.0.1',
  dst: 'fd00::2',
  sport: 40000,
  dport: 443,
  proto: 'tcp',
};

const cases: Array<{ name: string; event: object; topic?: string }> = [
  { name: 'flow event with a topic', event: { ...base, packets: 3, bytes: 180 }, topic: 'flow' },
  { name: 'without a topic', event: { ...base, vni: 7 } },
  {
    name: 'byte arrays as hex, empty and in a larger buffer',
    event: {
      ...base,
      options: new Uint8Array(0),
      payload: new Uint8Array([0, 1, 0xab, 0xff, 9, 9]).subarray(1, 5),
      message: Buffer.from('hello'),
    },
    topic: 'banner',
  },
  {
    name: 'a byte array larger than the scratch buffer',
    event: { payload: new Uint8Array(70000).fill(0x5a) },
  },
  { name: 'undefined fields are left out', event: { ...base, mss: undefined, wscale: 7 }, topic: 'conn' },
  {
    name: 'strings that need escaping, odd numbers, null, booleans, nested',
    event: {
      s: 'a"b\\c\n\u2028é',
      n: -0,
      f: 1.5e-7,
      inf: Infinity,
      nan: NaN,
      z: null,
      t: true,
      no: false,
      o: { a: [1, 'x'] },
    },
    topic: 'x"y',
  },
  { name: 'functions and symbols are left out', event: { a: 1, f: () => 1, s: Symbol('s'), b: 2 } },
  { name: "the event's own topic takes the topic's place", event: { a: 1, topic: 'own' }, topic: 'dns' },
  { name: 'empty event', event: {}, topic: 'flow' },
  { name: 'empty event without a topic', event: {} },
];

describe('eventToJson', () => {
  it.each(cases)('writes what JSON.stringify(eventToRecord()) writes: $name', ({ event, topic }) => {
    expect(eventToJson(event, topic)).toBe(JSON.stringify(eventToRecord(event, topic)));
  });

  it('ignores inherited fields', () => {
    const event = Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 });
    expect(eventToJson(event, 'flow')).toBe('{"topic":"flow","own":2}');
  });
});

describe('toHex', () => {
  it.each([
    { name: 'empty', bytes: new Uint8Array(0), want: '' },
    { name: 'a view into a larger buffer', bytes: new Uint8Array([1, 2, 3, 0xfe]).subarray(2), want: '03fe' },
    { name: 'a Buffer', bytes: Buffer.from([0, 16, 255]), want: '0010ff' },
  ])('$name', ({ bytes, want }) => {
    expect(toHex(bytes)).toBe(want);
  });

  it('encodes arrays larger than its scratch buffer, and smaller ones after', () => {
    const big = new Uint8Array(5000).map((_, i) => i);
    expect(toHex(big)).toBe(Buffer.from(big).toString('hex'));
    expect(toHex(new Uint8Array([7]))).toBe('07');
    const huge = new Uint8Array((1 << 20) + 1).fill(1);
    expect(toHex(huge)).toBe('01'.repeat(huge.length));
  });
});

describe('eventToRecord', () => {
  // Written by hand from the rules in event-json.ts's header: ts as decimal nanoseconds, bytes as
  // lower-case hex, undefined fields absent (not present with the value undefined).
  it.each([
    {
      name: 'with a topic, first',
      event: { ts: 5n, payload: Uint8Array.from([0xab, 1]), mss: undefined, ok: false },
      topic: 'conn',
      want: { topic: 'conn', ts: '5', payload: 'ab01', ok: false },
    },
    {
      name: 'without a topic: no topic key at all',
      event: { ts: 1_700_000_000_123_456_789n, sport: 53, vni: undefined },
      topic: undefined,
      want: { ts: '1700000000123456789', sport: 53 },
    },
  ])('$name', ({ event, topic, want }) => {
    const record = eventToRecord(event, topic);
    expect(record).toStrictEqual(want);
    expect(Object.keys(record)).toEqual(Object.keys(want));
  });
});
