import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, normalizeIp, parseIPv4, parseIPv6 } from './ip.js';

describe('IPv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['10.0.0.1', 0x0a000001],
  ])('parses %s', (text, value) => {
    expect(parseIPv4(text)).toBe(value);
    expect(formatIPv4(value)).toBe(text);
  });
  it.each(['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1..2.3', '1.2.3.4 ', 'a.b.c.d', '1.2.3.'])(
    'rejects %j',
    (text) => expect(parseIPv4(text)).toBeNull(),
  );
});

describe('IPv6', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ])('normalizes %s → %s', (text, canonical) => {
    const bytes = parseIPv6(text);
    expect(bytes).not.toBeNull();
    expect(formatIPv6(bytes as Uint8Array)).toBe(canonical);
    expect(normalizeIp(text)).toBe(canonical);
  });
  it.each(['', ':', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7', '::1.2.3'])(
    'rejects %j',
    (text) => expect(parseIPv6(text)).toBeNull(),
  );
});
