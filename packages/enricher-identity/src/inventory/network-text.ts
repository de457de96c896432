import { formatIPv4, formatIPv6, parseCidr, parseIPv4, type Cidr } from '@glia/core';

/** Canonical text of a network: a bare address for a /32 or /128, else address/prefix. */
export function networkText(network: Cidr): string {
  const a = network.address;
  const address =
    network.family === 4
      ? formatIPv4(((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0)
      : formatIPv6(a);
  return network.prefix === (network.family === 4 ? 32 : 128) ? address : `${address}/${network.prefix}`;
}

/** Canonical text of an address or network given as text, or null when it is neither. */
export function canonicalNetwork(text: string): string | null {
  // A dotted quad that parses is canonical already (parseIPv4 refuses leading zeros).
  if (parseIPv4(text) !== null) return text;
  const network = parseCidr(text);
  return network === null ? null : networkText(network);
}
