import { parseCidr, parseIPv4, parseIPv6, type BannedEdge } from '@glia/core';

/** struct glia_edge_key (bpf/include/glia_abi.h): client[16], server[16], port, proto, family. */
export const EDGE_KEY_BYTES = 40;

function addressBytes(address: string): { family: 4 | 6; bytes: Uint8Array } {
  const v4 = parseIPv4(address);
  if (v4 !== null) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, v4);
    return { family: 4, bytes };
  }
  const v6 = parseIPv6(address);
  if (v6 !== null) return { family: 6, bytes: v6 };
  throw new Error(`${JSON.stringify(address)} is not an IP address`);
}

export function edgeKey(edge: BannedEdge): Buffer {
  const client = addressBytes(edge.client);
  const server = addressBytes(edge.server);
  if (client.family !== server.family)
    throw new Error(`edge ${edge.client} → ${edge.server} mixes IPv4 and IPv6`);
  const key = Buffer.alloc(EDGE_KEY_BYTES);
  key.set(client.bytes, 0);
  key.set(server.bytes, 16);
  key.writeUInt16LE(edge.port, 32);
  key[34] = edge.proto === 'tcp' ? 6 : 17;
  key[35] = client.family;
  return key;
}

/** struct glia_lpm_key: prefixlen (the family byte's 8 bits plus the CIDR's), family, addr[16]. */
export function lpmKey(cidr: string): Buffer {
  const parsed = parseCidr(cidr);
  if (parsed === null) throw new Error(`${JSON.stringify(cidr)} is not a CIDR`);
  const key = Buffer.alloc(24);
  key.writeUInt32LE(8 + parsed.prefix, 0);
  key[4] = parsed.family;
  key.set(parsed.address, 5);
  return key;
}
