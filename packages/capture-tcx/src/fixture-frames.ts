import { LinkType, frames, readCaptureFile, type PacketRecord } from '@glia/packet';

export interface TimedFrame {
  frame: Uint8Array;
  ts: bigint;
}

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;

/**
 * A captured frame as an Ethernet frame (what a tcx program on an Ethernet device sees): Ethernet
 * as it is; Linux cooked, raw IP and BSD loopback frames under an Ethernet header of the same
 * ethertype. Null for link types that carry no IP.
 */
export function asEthernet(r: PacketRecord): Uint8Array | null {
  const b = r.data.subarray(r.offset, r.offset + r.caplen);
  switch (r.linkType) {
    case LinkType.ETHERNET:
      return Uint8Array.from(b);
    case LinkType.LINUX_SLL:
      return b.length < 16 ? null : frames.ethernet((b[14] << 8) | b[15], b.subarray(16));
    case LinkType.LINUX_SLL2:
      return b.length < 20 ? null : frames.ethernet((b[0] << 8) | b[1], b.subarray(20));
    case LinkType.RAW:
    case LinkType.RAW_12:
    case LinkType.RAW_14:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return b.length < 1 ? null : frames.ethernet(b[0] >> 4 === 6 ? ETH_IPV6 : ETH_IPV4, b);
    case LinkType.NULL:
    case LinkType.LOOP:
      return b.length < 5 ? null : frames.ethernet(b[4] >> 4 === 6 ? ETH_IPV6 : ETH_IPV4, b.subarray(4));
    default:
      return null;
  }
}

/** The frames of a capture file as Ethernet frames with their times (see asEthernet). */
export async function ethernetFrames(path: string): Promise<TimedFrame[]> {
  const out: TimedFrame[] = [];
  await readCaptureFile(path, (r) => {
    const frame = asEthernet(r);
    if (frame !== null) out.push({ frame, ts: BigInt(r.sec) * 1_000_000_000n + BigInt(r.nsec) });
  });
  return out;
}
