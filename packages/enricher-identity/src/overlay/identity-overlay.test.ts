import { describe, expect, it } from 'vitest';
import type { IdentityRecord } from '../record/identity-record.js';
import { readIdentityDelta, type IdentityDelta } from './identity-delta.js';
import { IdentityOverlay } from './identity-overlay.js';

const rec = (workload: string): IdentityRecord => ({
  namespace: 'n',
  workload,
  labels: new Map(),
  internet_exposed: false,
  control_plane: false,
});
const delta = (upserts: Array<[string, string]>, removes: string[] = []): IdentityDelta => ({
  epoch: 'e',
  seq: 1,
  upserts: upserts.map(([ip, w]) => ({ ip, record: rec(w) })),
  removes,
});

describe('IdentityOverlay', () => {
  const overlay = new IdentityOverlay();
  overlay.apply(
    delta(
      [
        ['10.0.0.1', 'host'],
        ['10.1.0.0/16', 'net16'],
        ['10.2.3.0/24', 'net24'],
        ['2001:db8::/48', 'v6net'],
      ],
      ['10.0.0.2', '10.9.0.0/16'],
    ),
  );
  const cases: Array<[string, string, string | null | undefined, number | undefined]> = [
    ['a host upsert', '10.0.0.1', 'host', 32],
    ['a host remove is a tombstone', '10.0.0.2', null, 32],
    ['an address inside an upserted /16', '10.1.200.3', 'net16', 16],
    ['an address inside a /24', '10.2.3.255', 'net24', 24],
    ['next to the /24 says nothing', '10.2.4.1', undefined, undefined],
    ['inside a removed network', '10.9.1.1', null, 16],
    ['IPv6 inside a /48', '2001:db8:0:ffff::1', 'v6net', 48],
    ['IPv6 outside', '2001:db9::1', undefined, undefined],
    ['an unknown address', '192.168.0.1', undefined, undefined],
  ];
  it.each(cases)('%s', (_name, ip, workload, prefix) => {
    const found = overlay.lookup(ip);
    expect(found === undefined ? undefined : (found.record?.workload ?? null)).toBe(workload);
    expect(found?.prefix).toBe(prefix);
  });

  it('a later delta replaces an entry and clear() forgets them all', () => {
    const o = new IdentityOverlay();
    o.apply(
      delta([
        ['10.0.0.1', 'a'],
        ['10.1.0.0/16', 'b'],
      ]),
    );
    o.apply(delta([['10.1.0.0/16', 'c']], ['10.0.0.1']));
    expect(o.lookup('10.1.0.1')?.record?.workload).toBe('c');
    expect(o.lookup('10.0.0.1')?.record).toBeNull();
    expect(o.size).toBe(2);
    o.clear();
    expect(o.lookup('10.1.0.1')).toBeUndefined();
    expect(o.size).toBe(0);
  });
});

describe('readIdentityDelta', () => {
  it('reads upserts and removes into canonical addresses', () => {
    const read = readIdentityDelta({
      epoch: 7,
      seq: 3,
      upserts: [{ ip: '2001:DB8::0001', namespace: 'a', workload: 'b', app: 'c', labels: { x: 'y' } }],
      removes: ['10.0.0.1', '10.1.0.0/16'],
    });
    expect(read).toEqual({
      delta: {
        epoch: '7',
        seq: 3,
        upserts: [
          {
            ip: '2001:db8::1',
            record: {
              namespace: 'a',
              workload: 'b',
              app: 'c',
              labels: new Map([['x', 'y']]),
              internet_exposed: false,
              control_plane: false,
            },
          },
        ],
        removes: ['10.0.0.1', '10.1.0.0/16'],
      },
    });
  });

  it('a head has no changes', () => {
    expect(readIdentityDelta({ epoch: 'e', seq: 4, head: true })).toEqual({
      delta: { epoch: 'e', seq: 4, head: true, upserts: [], removes: [] },
    });
  });

  const bad: Array<[string, unknown, string]> = [
    ['not an object', [1], 'a delta must be a JSON object'],
    ['no epoch', { seq: 1 }, 'epoch: must be a non-empty string or a number'],
    ['a negative seq', { epoch: 'e', seq: -1 }, 'seq: must be a non-negative integer'],
    ['a fractional seq', { epoch: 'e', seq: 1.5 }, 'seq: must be a non-negative integer'],
    ['upserts not a list', { epoch: 'e', seq: 1, upserts: {} }, 'upserts: must be a list'],
    [
      'a bad upsert address',
      { epoch: 'e', seq: 1, upserts: [{ ip: 'x', namespace: 'a', workload: 'b' }] },
      'upserts[0].ip: "x" is not an address',
    ],
    [
      'an upsert without workload',
      { epoch: 'e', seq: 1, upserts: [{ ip: '10.0.0.1', namespace: 'a' }] },
      'upserts[0] (10.0.0.1): "workload" must be a non-empty string',
    ],
    ['a bad remove', { epoch: 'e', seq: 1, removes: [5] }, 'removes[0]: 5 is not an address or network'],
    ['head not a boolean', { epoch: 'e', seq: 1, head: 'yes' }, 'head: must be true or false'],
  ];
  it.each(bad)('refuses %s', (_name, value, problem) => {
    const read = readIdentityDelta(value);
    expect('problem' in read && read.problem).toContain(problem);
  });
});
