import { describe, expect, it } from 'vitest';
import { CidrSet, parseCidr } from './cidr-set.js';

describe('CidrSet', () => {
  const entries = ['10.0.0.0/8', '192.168.1.1', '172.16.0.0/12', '2001:db8::/32', 'fc00::/7', '::1'];
  const cases: Array<[string, string, boolean]> = [
    ['inside /8', '10.1.2.3', true],
    ['first of /8', '10.0.0.0', true],
    ['last of /8', '10.255.255.255', true],
    ['just past /8', '11.0.0.0', false],
    ['single host', '192.168.1.1', true],
    ['neighbour of single host', '192.168.1.2', false],
    ['inside /12', '172.31.255.255', true],
    ['past /12', '172.32.0.0', false],
    ['v6 inside /32', '2001:db8:1::5', true],
    ['v6 outside /32', '2001:db9::1', false],
    ['v6 ula', 'fd12:3456::1', true],
    ['v6 loopback', '::1', true],
    ['v6 unspecified', '::', false],
    ['not an address', 'example.com', false],
    ['empty', '', false],
    ['v4 zone of v6 text', '::ffff:10.0.0.1', false],
  ];
  it.each(cases)('%s: %s → %s', (_name, ip, expected) => {
    expect(CidrSet.parse(entries).has(ip)).toBe(expected);
  });

  it('merges overlapping and nested prefixes', () => {
    const merged = CidrSet.parse(['10.0.0.0/8', '10.1.0.0/16', '10.0.0.0/9', '0.0.0.0/0']);
    expect(merged.has('255.255.255.255')).toBe(true);
    expect(merged.has('0.0.0.0')).toBe(true);
    expect(CidrSet.parse(['::/0']).has('ffff::1')).toBe(true);
  });

  it('clears host bits', () => {
    const c = parseCidr('10.1.2.3/8');
    expect(Array.from(c?.address ?? [])).toEqual([10, 0, 0, 0]);
  });

  it('rejects bad entries with their index', () => {
    expect(() => CidrSet.parse(['10.0.0.0/8', '10.0.0.0/33'])).toThrow(/entry 1 "10.0.0.0\/33"/);
    for (const bad of ['1.2.3', '1.2.3.4/', '1.2.3.4/x', '1:2:3::4::5', '256.1.1.1', '2001:db8::/129']) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });
});
