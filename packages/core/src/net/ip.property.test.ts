import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, ipFamily, normalizeIp, parseIPv4, parseIPv6 } from './ip.js';

/**
 * Address text both ways against plain models: IPv4 as four octets, IPv6 as eight 16-bit words,
 * with RFC 5952's canonical text (lower case, no leading zeros, the longest run of two or more
 * zero words as "::", the first such run on a tie; ::ffff:a.b.c.d for IPv4-mapped) written here.
 */
function rfc5952(words: number[]): string {
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff)
    return `::ffff:${words[6] >> 8}.${words[6] & 255}.${words[7] >> 8}.${words[7] & 255}`;
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  return best < 0 ? hex(words) : `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLength))}`;
}

const bytesOf = (words: number[]): number[] => words.flatMap((w) => [w >> 8, w & 255]);

/** Words biased to zeros, so that runs of every length and position occur. */
const words = fc.array(
  fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })),
  {
    minLength: 8,
    maxLength: 8,
  },
);

describe('IPv6 text against RFC 5952', () => {
  it('the full form parses to its words and formats canonically', () => {
    fc.assert(
      fc.property(words, fc.boolean(), (ws, upper) => {
        const full = ws.map((w) => w.toString(16).padStart(4, '0')).join(':');
        const bytes = parseIPv6(upper ? full.toUpperCase() : full);
        expect(Array.from(bytes ?? [])).toEqual(bytesOf(ws));
        expect(formatIPv6(bytes as Uint8Array)).toBe(rfc5952(ws));
        expect(normalizeIp(full)).toBe(rfc5952(ws));
      }),
      propertyRuns('IPv6 full form', 300),
    );
  });

  it('the canonical form parses back to the same words (round trip)', () => {
    fc.assert(
      fc.property(words, (ws) => {
        expect(Array.from(parseIPv6(rfc5952(ws)) ?? [])).toEqual(bytesOf(ws));
      }),
      propertyRuns('IPv6 canonical round trip', 300),
    );
  });

  it('"::" may stand for any run of zero words, of any length', () => {
    fc.assert(
      fc.property(words, fc.nat({ max: 7 }), fc.nat({ max: 8 }), (ws, start, length) => {
        const run = Math.min(Math.max(length, 1), 8 - start);
        const zeroed = ws.map((w, i) => (i >= start && i < start + run ? 0 : w));
        const hex = zeroed.map((w) => w.toString(16));
        const text = `${hex.slice(0, start).join(':')}::${hex.slice(start + run).join(':')}`;
        expect(Array.from(parseIPv6(text) ?? [])).toEqual(bytesOf(zeroed));
      }),
      propertyRuns('IPv6 any zero run', 300),
    );
  });
});

describe('IPv4 text against four octets', () => {
  it('every dotted quad parses to its number and formats back', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 255 }), { minLength: 4, maxLength: 4 }), (octets) => {
        const text = octets.join('.');
        const value = ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3];
        expect(parseIPv4(text)).toBe(value);
        expect(formatIPv4(value)).toBe(text);
      }),
      propertyRuns('IPv4 dotted quad', 300),
    );
  });

  it('rejects an octet over 255 or with a leading zero, wherever it is', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 255 }), { minLength: 4, maxLength: 4 }),
        fc.nat({ max: 3 }),
        fc.oneof(
          fc.integer({ min: 256, max: 999 }).map(String),
          fc.nat({ max: 99 }).map((n) => `0${n}`),
        ),
        (octets, at, bad) => {
          const parts = octets.map(String);
          parts[at] = bad;
          expect(parseIPv4(parts.join('.'))).toBeNull();
        },
      ),
      propertyRuns('IPv4 bad octets', 300),
    );
  });
});

describe('address text corner cases (named)', () => {
  const rejected: Array<[string, string]> = [
    ['IPv4 with a letter where a dot should be', '1.2.3x4'],
    ['IPv4 with a letter inside an octet', '1a2.3.4'],
    ['IPv4 before "::" (only the last group may be IPv4)', '1.2.3.4::'],
    ['IPv4 before "::" with a tail', '1.2.3.4::5'],
    ['IPv4 not last, after "::"', '::1.2.3.4:5'],
    ['IPv4 not last, full form', '1:2:3:4:5:1.2.3.4:7'],
    ['eight groups and "::" (too many)', '1:2:3:4::5:6:7:8'],
    ['seven groups and "::" plus IPv4 (too many)', '1:2:3:4:5:6::1.2.3.4'],
    ['a group with a letter first', 'g1::'],
    ['a group with a letter last', '1g::'],
    ['a group with a letter inside', '1:2:3:4:5:6:7:1x2'],
  ];
  it.each(rejected)('rejects %s: %s', (_name, text) => {
    expect(text.includes(':') ? parseIPv6(text) : parseIPv4(text)).toBeNull();
    expect(normalizeIp(text)).toBeNull();
  });

  const accepted: Array<[string, string, string]> = [
    ['IPv4 as the last group of the full form', '0:0:0:0:0:ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['IPv4 as the last group after other groups', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['IPv4 after "::"', '::1.2.3.4', '::102:304'],
    ['four zero words then ffff is not IPv4-mapped', '0:0:0:0:1:ffff:1.2.3.4', '::1:ffff:102:304'],
    ['IPv4 text normalizes to itself', '10.0.0.1', '10.0.0.1'],
    [
      'the longest address text, 45 characters (six full groups and a dotted quad)',
      'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ],
  ];
  it.each(accepted)('accepts %s: %s', (_name, text, canonical) => {
    expect(normalizeIp(text)).toBe(canonical);
  });

  const families: Array<[string, 4 | 6 | null]> = [
    ['10.0.0.1', 4],
    ['::1', 6],
    ['10.0.0.256', null],
    ['1::2::3', null],
    ['example.com', null],
  ];
  it.each(families)('ipFamily(%s) is %s', (text, family) => expect(ipFamily(text)).toBe(family));
});
