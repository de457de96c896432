import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '@glia/core';

/** An IP address as a number: IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit bigint. */
export type IpNumber = { family: 4; value: number } | { family: 6; value: bigint };

/** An inclusive range of addresses of one family (an address, a CIDR or `a..b`). */
export type IpRange = { family: 4; lo: number; hi: number } | { family: 6; lo: bigint; hi: bigint };

/** An address string as a number, or null when it is not an address. */
export function ipNumber(text: string): IpNumber | null {
  if (text.includes(':')) {
    if (text.includes('%')) return null;
    const bytes = parseIPv6(text);
    if (bytes === null) return null;
    let value = 0n;
    for (const b of bytes) value = (value << 8n) | BigInt(b);
    return { family: 6, value };
  }
  const v4 = parseIPv4(text);
  return v4 === null ? null : { family: 4, value: v4 };
}

/**
 * A set item: an address, a CIDR (its host bits must be zero, as the cidr crate wirefilter uses
 * requires) or a range `first..last` of one family with first <= last.
 */
export function parseIpRange(text: string): IpRange | { error: string } {
  const dots = text.indexOf('..');
  if (dots >= 0) {
    const first = ipNumber(text.slice(0, dots));
    const last = ipNumber(text.slice(dots + 2));
    if (first === null || last === null) {
      return { error: `expected an IP address range like 10.0.0.0..10.0.255.255, found "${text}"` };
    }
    if (first.family !== last.family || first.value > last.value) {
      return {
        error: `incompatible range bounds in ${text}: both ends must be of one family, the first not above the last`,
      };
    }
    return { family: first.family, lo: first.value, hi: last.value } as IpRange;
  }
  const slash = text.indexOf('/');
  const address = ipNumber(slash < 0 ? text : text.slice(0, slash));
  if (address === null) return { error: `expected an IP address, CIDR or range, found "${text}"` };
  const bits = address.family === 4 ? 32 : 128;
  if (slash < 0) return { family: address.family, lo: address.value, hi: address.value } as IpRange;
  const prefixText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return { error: `"${prefixText}" is not a prefix length` };
  const prefix = Number(prefixText);
  if (prefix > bits) return { error: `prefix length ${prefix} is longer than ${bits} bits in ${text}` };
  if (address.family === 4) {
    const size = 2 ** (32 - prefix);
    if (address.value % size !== 0) return { error: hostBitsError(text) };
    return { family: 4, lo: address.value, hi: address.value + size - 1 };
  }
  const size = 1n << BigInt(128 - prefix);
  if (address.value % size !== 0n) return { error: hostBitsError(text) };
  return { family: 6, lo: address.value, hi: address.value + size - 1n };
}

function hostBitsError(text: string): string {
  const slash = text.indexOf('/');
  return `the host part of ${text} is not zero: write the network address, e.g. ${networkOf(text)}${text.slice(slash)}`;
}

function networkOf(text: string): string {
  const slash = text.indexOf('/');
  const prefix = Number(text.slice(slash + 1));
  const address = ipNumber(text.slice(0, slash)) as IpNumber;
  if (address.family === 4) {
    const size = 2 ** (32 - prefix);
    return formatIPv4(address.value - (address.value % size));
  }
  const size = 1n << BigInt(128 - prefix);
  let net = address.value - (address.value % size);
  const bytes = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(net & 255n);
    net >>= 8n;
  }
  return formatIPv6(bytes);
}

/** -1, 0 or 1 for two addresses of one family; null across families (they are not ordered). */
export function compareIp(a: IpNumber, b: IpNumber): number | null {
  if (a.family !== b.family) return null;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
