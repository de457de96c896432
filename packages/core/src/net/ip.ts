/**
 * IPv4 and IPv6 address parsing and formatting. IPv4 addresses are unsigned 32-bit numbers;
 * IPv6 addresses are 16 bytes. Parsers return null on bad input rather than throwing.
 */

export type IpFamily = 4 | 6;

/** Parses dotted-quad IPv4 ("10.0.0.1") into an unsigned 32-bit number. */
export function parseIPv4(text: string): number | null {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return null; // leading zero ("01") is ambiguous (octal)
      octet = octet * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return null;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + octet;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Parses IPv6 text (RFC 4291 forms, embedded IPv4, a %zone suffix is ignored) into 16 bytes. */
export function parseIPv6(input: string): Uint8Array | null {
  const zone = input.indexOf('%');
  const text = zone >= 0 ? input.slice(0, zone) : input;
  if (text.length < 2 || text.length > 45) return null;
  const double = text.indexOf('::');
  if (double >= 0 && text.indexOf('::', double + 1) >= 0) return null;
  const head = double >= 0 ? text.slice(0, double) : text;
  const tail = double >= 0 ? text.slice(double + 2) : '';
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const words: number[] = [];
  const tailWords: number[] = [];
  if (!pushGroups(headGroups, words, double < 0 && tailGroups.length === 0)) return null;
  if (!pushGroups(tailGroups, tailWords, true)) return null;
  const total = words.length + tailWords.length;
  if (double >= 0 ? total > 7 : total !== 8) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < words.length; i++) {
    out[i * 2] = words[i] >> 8;
    out[i * 2 + 1] = words[i] & 255;
  }
  const offset = 8 - tailWords.length;
  for (let i = 0; i < tailWords.length; i++) {
    out[(offset + i) * 2] = tailWords[i] >> 8;
    out[(offset + i) * 2 + 1] = tailWords[i] & 255;
  }
  return out;
}

function pushGroups(groups: string[], words: number[], lastMayBeV4: boolean): boolean {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (lastMayBeV4 && i === groups.length - 1 && g.includes('.')) {
      const v4 = parseIPv4(g);
      if (v4 === null) return false;
      words.push(v4 >>> 16, v4 & 0xffff);
      continue;
    }
    if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return false;
    words.push(parseInt(g, 16));
  }
  return true;
}

/** Formats 16 bytes as canonical RFC 5952 text: lower case, longest zero run compressed. */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  const words = new Array<number>(8);
  for (let i = 0; i < 8; i++) words[i] = (bytes[offset + i * 2] << 8) | bytes[offset + i * 2 + 1];
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart === 0 && bestLen === 5 && words[5] === 0xffff) {
    return `::ffff:${bytes[offset + 12]}.${bytes[offset + 13]}.${bytes[offset + 14]}.${bytes[offset + 15]}`;
  }
  const hex = (from: number, to: number): string =>
    words
      .slice(from, to)
      .map((w) => w.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

export function ipFamily(text: string): IpFamily | null {
  if (text.includes(':')) return parseIPv6(text) === null ? null : 6;
  return parseIPv4(text) === null ? null : 4;
}

/** Returns the canonical text of an address, or null if it is not one. */
export function normalizeIp(text: string): string | null {
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    return bytes === null ? null : formatIPv6(bytes);
  }
  const v4 = parseIPv4(text);
  return v4 === null ? null : formatIPv4(v4);
}
