import { formatIPv4, formatIPv6, type ConnEvent } from '@glia/core';
import { parseTcpOptions } from '@glia/packet';

/**
 * One entry of the XDP recorder's map as a conn event (phase synack): key
 * struct glia_synack_key {server[16], port, family, pad, vni}, value struct glia_synack {ts,
 * ifindex, client[16], client_port, flags, ttl, window, optlen, pad[5], options[40]}
 * (bpf/include/glia_abi.h).
 */
export function synackEvent(
  key: Buffer,
  value: Buffer,
  ifaceName: (ifindex: number) => string,
  tsOffsetNs: bigint,
): ConnEvent {
  const family = key[18];
  const address = (b: Buffer, at: number): string =>
    family === 4 ? formatIPv4(b.readUInt32BE(at)) : formatIPv6(b, at);
  const optlen = Math.min(value[34], 40);
  const options = new Uint8Array(value.subarray(40, 40 + optlen));
  const e: ConnEvent = {
    ts: value.readBigUInt64LE(0) + tsOffsetNs,
    iface: ifaceName(value.readUInt32LE(8)),
    dir: 'ingress',
    src: address(key, 0),
    dst: address(value, 12),
    sport: key.readUInt16LE(16),
    dport: value.readUInt16LE(28),
    proto: 'tcp',
    phase: 'synack',
    flags: value[30],
    ttl: value[31],
    window: value.readUInt16LE(32),
    options,
  };
  const vni = key.readInt32LE(20);
  if (vni >= 0) e.vni = vni;
  if (optlen > 0) {
    const parsed = parseTcpOptions(options, 0, optlen);
    if (parsed.mss !== undefined) e.mss = parsed.mss;
    if (parsed.wscale !== undefined) e.wscale = parsed.wscale;
  }
  return e;
}
