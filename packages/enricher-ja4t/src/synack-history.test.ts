import { describe, expect, it } from 'vitest';
import { JA4TS_MAX_SYNACKS } from './ja4ts-delays.js';
import { SYNACK_RETRANSMIT_HORIZON_NS, SynAckHistory, type SynAckConnection } from './synack-history.js';

const S = 1_000_000_000n;
const conn = (i: number): SynAckConnection => ({
  src: `10.0.${i >> 8}.${i & 255}`,
  sport: 443,
  dst: '10.9.0.1',
  dport: 40000 + (i % 20000),
});

/** The plain model: times per connection key, each history restarting past the horizon. */
class Model {
  readonly times = new Map<string, bigint[]>();
  record(c: SynAckConnection, ts: bigint): void {
    const key = `${c.src}:${c.sport}>${c.dst}:${c.dport}`;
    const t = this.times.get(key);
    if (t === undefined || ts - t[t.length - 1] > SYNACK_RETRANSMIT_HORIZON_NS) this.times.set(key, [ts]);
    else if (t.length < JA4TS_MAX_SYNACKS && !t.includes(ts)) t.push(ts);
  }
  timesUpTo(c: SynAckConnection, ts: bigint): bigint[] {
    const t = this.times.get(`${c.src}:${c.sport}>${c.dst}:${c.dport}`) ?? [];
    return [...t.filter((x) => x < ts && ts - x <= SYNACK_RETRANSMIT_HORIZON_NS), ts];
  }
}

describe('SynAckHistory', () => {
  it.each([
    { name: 'one SYN-ACK', steps: [0n] },
    { name: 'retransmissions 1 s, 3 s, 7 s later', steps: [0n, 1n * S, 3n * S, 7n * S] },
    { name: 'the same SYN-ACK twice', steps: [0n, 0n, 2n * S] },
    { name: 'port reused after the horizon', steps: [0n, 1n * S, 200n * S, 201n * S] },
    { name: 'a retransmission recorded twice', steps: [0n, 1n * S, 1n * S, 2n * S] },
    { name: 'a SYN-ACK exactly the horizon after the last', steps: [0n, 120n * S, 240n * S, 361n * S] },
    { name: 'more than 10 SYN-ACKs', steps: Array.from({ length: 14 }, (_, i) => BigInt(i) * S) },
  ])('$name: the times the plain model keeps', ({ steps }) => {
    const history = new SynAckHistory(64);
    const model = new Model();
    const c = conn(1);
    for (const ts of steps) {
      expect(history.timesUpTo(c, ts)).toEqual(model.timesUpTo(c, ts));
      history.record(c, ts);
      model.record(c, ts);
      expect(history.timesUpTo(c, ts)).toEqual(model.timesUpTo(c, ts));
    }
  });

  it('matches the model over many interleaved connections while nothing is evicted', () => {
    const history = new SynAckHistory(5000);
    const model = new Model();
    let state = 7;
    for (let n = 0; n < 20_000; n++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const c = conn(state % 4000);
      const ts = BigInt(n) * 100_000_000n;
      history.record(c, ts);
      model.record(c, ts);
      if (n % 97 === 0) expect(history.timesUpTo(c, ts + S)).toEqual(model.timesUpTo(c, ts + S));
    }
    expect(history.evictions).toBe(0);
    expect(history.size).toBe(model.times.size);
  });

  it('matches the model with a capacity, through many evictions and shared hash buckets', () => {
    // A small table (16 buckets for 8 entries): chains are long and entries leave from every
    // position of them. The model forgets the connection first recorded, as the table does.
    for (const capacity of [1, 2, 3, 8]) {
      const history = new SynAckHistory(capacity);
      const model = new Model();
      let evictions = 0;
      let state = capacity;
      for (let n = 0; n < 3000; n++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        const c = conn((state >>> 8) % (capacity * 3));
        const ts = BigInt(n) * 10_000_000n;
        const key = `${c.src}:${c.sport}>${c.dst}:${c.dport}`;
        if (!model.times.has(key) && model.times.size === capacity) {
          model.times.delete(model.times.keys().next().value as string);
          evictions++;
        }
        history.record(c, ts);
        model.record(c, ts);
        expect(history.timesUpTo(c, ts + S)).toEqual(model.timesUpTo(c, ts + S));
        if (n % 16 === 0)
          for (let i = 0; i < capacity * 3; i++)
            expect(history.timesUpTo(conn(i), ts + S)).toEqual(model.timesUpTo(conn(i), ts + S));
      }
      expect(history.size).toBe(model.times.size);
      expect(history.evictions).toBe(evictions);
    }
  });

  it('forgets the oldest connection first at capacity, and counts it', () => {
    const history = new SynAckHistory(3);
    for (let i = 0; i < 5; i++) history.record(conn(i), BigInt(i) * S);
    expect(history.size).toBe(3);
    expect(history.evictions).toBe(2);
    // conn(0) and conn(1) are gone: a retransmission of theirs has no earlier time.
    expect(history.timesUpTo(conn(0), 5n * S)).toEqual([5n * S]);
    expect(history.timesUpTo(conn(1), 5n * S)).toEqual([5n * S]);
    expect(history.timesUpTo(conn(4), 5n * S)).toEqual([4n * S, 5n * S]);
    history.record(conn(2), 6n * S);
    expect(history.timesUpTo(conn(2), 7n * S)).toEqual([2n * S, 6n * S, 7n * S]);
  });

  it('a SYN-ACK exactly 120 s after the previous one is a retransmission; 1 ns later, a new history', () => {
    const history = new SynAckHistory(8);
    const horizon = SYNACK_RETRANSMIT_HORIZON_NS;
    expect(horizon).toBe(120n * S);
    history.record(conn(1), 0n);
    expect(history.timesUpTo(conn(1), horizon)).toEqual([0n, horizon]);
    expect(history.timesUpTo(conn(1), horizon + 1n)).toEqual([horizon + 1n]);
    history.record(conn(1), horizon);
    expect(history.timesUpTo(conn(1), horizon)).toEqual([0n, horizon]);
    expect(history.timesUpTo(conn(1), 2n * horizon)).toEqual([horizon, 2n * horizon]);
    history.record(conn(2), 0n);
    history.record(conn(2), horizon + 1n);
    expect(history.timesUpTo(conn(2), horizon + 2n)).toEqual([horizon + 1n, horizon + 2n]);
    // A retransmission's time exactly the horizon back still counts; one more ns, it does not.
    history.record(conn(3), 0n);
    history.record(conn(3), 1n * S);
    expect(history.timesUpTo(conn(3), horizon + 1n * S)).toEqual([1n * S, horizon + 1n * S]);
    expect(history.timesUpTo(conn(3), horizon + 1n * S + 1n)).toEqual([horizon + 1n * S + 1n]);
  });

  it('two connections of the same hosts with the same hash are told apart by their ports', () => {
    // These two collide under the table's FNV-1a (found by search); any hash keeps them apart.
    const a = { src: '10.0.0.1', sport: 8967, dst: '10.0.0.2', dport: 443 };
    const b = { src: '10.0.0.1', sport: 32768, dst: '10.0.0.2', dport: 43278 };
    const history = new SynAckHistory(4);
    history.record(a, 0n);
    history.record(b, 1n * S);
    history.record(b, 2n * S);
    expect(history.size).toBe(2);
    expect(history.timesUpTo(a, 3n * S)).toEqual([0n, 3n * S]);
    expect(history.timesUpTo(b, 3n * S)).toEqual([1n * S, 2n * S, 3n * S]);
  });

  it.each([
    ['sources', { src: '10.0.107.237', dst: '10.255.0.1' }, { src: '10.2.219.40', dst: '10.255.0.1' }],
    ['destinations', { src: '10.255.0.1', dst: '10.3.250.18' }, { src: '10.255.0.1', dst: '10.4.230.176' }],
  ])('two connections with the same hash and ports are told apart by their %s', (_name, ends1, ends2) => {
    // Each pair collides under the table's FNV-1a (found by search); any hash keeps them apart.
    const a = { ...ends1, sport: 1000, dport: 443 };
    const b = { ...ends2, sport: 1000, dport: 443 };
    const history = new SynAckHistory(4);
    history.record(a, 0n);
    history.record(b, 1n * S);
    expect(history.size).toBe(2);
    expect(history.timesUpTo(a, 3n * S)).toEqual([0n, 3n * S]);
    expect(history.timesUpTo(b, 3n * S)).toEqual([1n * S, 3n * S]);
  });

  it('connections differing only in the addresses, or only in one port, are apart', () => {
    const base = { src: '10.0.0.1', sport: 1000, dst: '10.0.0.2', dport: 443 };
    const others = [
      { ...base, src: '10.0.0.3' },
      { ...base, dst: '10.0.0.3' },
      { ...base, src: '10.0.0.2', dst: '10.0.0.1' },
      { ...base, sport: 1001 },
      { ...base, dport: 444 },
      { ...base, sport: 443, dport: 1000 },
    ];
    const history = new SynAckHistory(16);
    history.record(base, 0n);
    others.forEach((c, i) => history.record(c, BigInt(i + 1) * S));
    expect(history.size).toBe(7);
    expect(history.timesUpTo(base, 10n * S)).toEqual([0n, 10n * S]);
    others.forEach((c, i) => expect(history.timesUpTo(c, 10n * S)).toEqual([BigInt(i + 1) * S, 10n * S]));
  });

  it.each([
    ['0', 0],
    ['negative', -1],
    ['a fraction', 2.5],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
  ])('rejects a capacity that is %s', (_name, capacity) => {
    expect(() => new SynAckHistory(capacity)).toThrow(
      new RangeError('SynAckHistory capacity must be a positive integer'),
    );
  });

  it('works at capacity 1: each new connection forgets the one before', () => {
    const history = new SynAckHistory(1);
    history.record(conn(0), 0n);
    history.record(conn(0), 1n * S);
    expect(history.timesUpTo(conn(0), 2n * S)).toEqual([0n, 1n * S, 2n * S]);
    history.record(conn(1), 3n * S);
    expect(history.size).toBe(1);
    expect(history.evictions).toBe(1);
    expect(history.timesUpTo(conn(0), 4n * S)).toEqual([4n * S]);
    expect(history.timesUpTo(conn(1), 4n * S)).toEqual([3n * S, 4n * S]);
  });
});
