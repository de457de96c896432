import { describe, expect, it } from 'vitest';
import { parseIpRange, type IpRange } from './ip-literal.js';

/** Set items as ranges, worked out by hand: CIDR edges (/0, full length), host bits, one-address ranges. */
const V6 = 0x20010db8n << 96n; // 2001:db8::
const ALL6 = (1n << 128n) - 1n;

describe('parseIpRange (named)', () => {
  const cases: Array<[string, string, IpRange | { error: string }]> = [
    [
      'dots at the very start make a range with no first address',
      '..10.0.0.1',
      { error: 'expected an IP address range like 10.0.0.0..10.0.255.255, found "..10.0.0.1"' },
    ],
    ['a /8', '10.0.0.0/8', { family: 4, lo: 0x0a000000, hi: 0x0affffff }],
    ['/0 is every IPv4 address', '0.0.0.0/0', { family: 4, lo: 0, hi: 0xffffffff }],
    ['/32 is one address', '10.0.0.1/32', { family: 4, lo: 0x0a000001, hi: 0x0a000001 }],
    ['/31 of an even address', '10.0.0.2/31', { family: 4, lo: 0x0a000002, hi: 0x0a000003 }],
    [
      '/31 of an odd address has a host bit',
      '10.0.0.3/31',
      { error: 'the host part of 10.0.0.3/31 is not zero: write the network address, e.g. 10.0.0.2/31' },
    ],
    ['/33 is too long', '10.0.0.0/33', { error: 'prefix length 33 is longer than 32 bits in 10.0.0.0/33' }],
    ['an IPv6 /32', '2001:db8::/32', { family: 6, lo: V6, hi: V6 + (1n << 96n) - 1n }],
    ['::/0 is every IPv6 address', '::/0', { family: 6, lo: 0n, hi: ALL6 }],
    ['/128 is one address', '2001:db8::1/128', { family: 6, lo: V6 + 1n, hi: V6 + 1n }],
    ['/129 is too long', '::/129', { error: 'prefix length 129 is longer than 128 bits in ::/129' }],
    [
      'an IPv6 host part, with the network written canonically',
      '2001:db8::1:0:0:1/64',
      {
        error:
          'the host part of 2001:db8::1:0:0:1/64 is not zero: write the network address, e.g. 2001:db8::/64',
      },
    ],
    [
      'a host bit just past a /127',
      '2001:db8::3/127',
      {
        error:
          'the host part of 2001:db8::3/127 is not zero: write the network address, e.g. 2001:db8::2/127',
      },
    ],
    ['four prefix digits are no prefix', '10.0.0.0/0008', { error: '"0008" is not a prefix length' }],
    ['an empty prefix', '10.0.0.0/', { error: '"" is not a prefix length' }],
    ['a range of one address', '10.0.0.5..10.0.0.5', { family: 4, lo: 0x0a000005, hi: 0x0a000005 }],
    ['an IPv6 range', '::1..::ff', { family: 6, lo: 1n, hi: 255n }],
    [
      'a range with a bad end',
      '10.0.0.1..x',
      { error: 'expected an IP address range like 10.0.0.0..10.0.255.255, found "10.0.0.1..x"' },
    ],
    [
      'a range with a bad start',
      'x..10.0.0.1',
      { error: 'expected an IP address range like 10.0.0.0..10.0.255.255, found "x..10.0.0.1"' },
    ],
    ['no address', '10.0.0', { error: 'expected an IP address, CIDR or range, found "10.0.0"' }],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(parseIpRange(text)).toEqual(expected);
  });
});
