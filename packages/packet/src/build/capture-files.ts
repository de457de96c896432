/**
 * Writes pcap and pcapng files in memory, for tests of readers (this one and others).
 */
export interface FrameRecord {
  frame: Uint8Array;
  /** Packet time in nanoseconds since the epoch. */
  ts: bigint;
  /** pcapng interface index. */
  interfaceId?: number;
}

export interface PcapWriteOptions {
  linkType: number;
  nanosecond?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
}

export function pcapFile(records: readonly FrameRecord[], options: PcapWriteOptions): Uint8Array {
  const le = options.bigEndian !== true;
  const size = 24 + records.reduce((n, r) => n + 16 + r.frame.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, options.nanosecond === true ? 0xa1b23c4d : 0xa1b2c3d4, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setUint32(16, options.snaplen ?? 262144, le);
  v.setUint32(20, options.linkType, le);
  let at = 24;
  for (const r of records) {
    const sec = Number(r.ts / 1_000_000_000n);
    const ns = Number(r.ts % 1_000_000_000n);
    v.setUint32(at, sec, le);
    v.setUint32(at + 4, options.nanosecond === true ? ns : Math.floor(ns / 1000), le);
    v.setUint32(at + 8, r.frame.length, le);
    v.setUint32(at + 12, r.frame.length, le);
    out.set(r.frame, at + 16);
    at += 16 + r.frame.length;
  }
  return out;
}

export interface PcapngInterfaceSpec {
  linkType: number;
  name?: string;
  /** The if_tsresol byte (default: none, meaning microseconds). */
  tsresol?: number;
  /** if_tsoffset: seconds added to every timestamp of the interface (a signed 64-bit number). */
  tsoffset?: bigint;
}

export interface PcapngSectionSpec {
  bigEndian?: boolean;
  interfaces: readonly PcapngInterfaceSpec[];
  records: readonly FrameRecord[];
  /** Write Simple Packet Blocks (interface 0, no timestamp) instead of Enhanced ones. */
  simple?: boolean;
  /** Blocks of unknown type to put before the packets (they must be skipped). */
  unknownBlocks?: number;
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = Math.ceil(body.length / 4) * 4;
  const out = new Uint8Array(12 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, out.length, le);
  out.set(body, 8);
  v.setUint32(out.length - 4, out.length, le);
  return out;
}

function option(code: number, value: Uint8Array, le: boolean): Uint8Array {
  const out = new Uint8Array(4 + Math.ceil(value.length / 4) * 4);
  const v = new DataView(out.buffer);
  v.setUint16(0, code, le);
  v.setUint16(2, value.length, le);
  out.set(value, 4);
  return out;
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function pcapngFile(sections: readonly PcapngSectionSpec[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const s of sections) {
    const le = s.bigEndian !== true;
    const shb = new Uint8Array(16);
    const sv = new DataView(shb.buffer);
    sv.setUint32(0, 0x1a2b3c4d, le);
    sv.setUint16(4, 1, le);
    sv.setInt32(8, -1, le);
    sv.setInt32(12, -1, le);
    blocks.push(block(0x0a0d0d0a, shb, le));
    for (const i of s.interfaces) {
      const opts: Uint8Array[] = [];
      if (i.name !== undefined) opts.push(option(2, new TextEncoder().encode(i.name), le));
      if (i.tsresol !== undefined) opts.push(option(9, Uint8Array.from([i.tsresol]), le));
      if (i.tsoffset !== undefined) {
        const value = new Uint8Array(8);
        new DataView(value.buffer).setBigInt64(0, i.tsoffset, le);
        opts.push(option(14, value, le));
      }
      if (opts.length > 0) opts.push(new Uint8Array(4));
      const head = new Uint8Array(8);
      const hv = new DataView(head.buffer);
      hv.setUint16(0, i.linkType, le);
      hv.setUint32(4, 262144, le);
      blocks.push(block(1, join([head, ...opts]), le));
    }
    for (let k = 0; k < (s.unknownBlocks ?? 0); k++)
      blocks.push(block(0x0bad0000 + k, Uint8Array.from([1, 2, 3]), le));
    for (const r of s.records) {
      if (s.simple === true) {
        const head = new Uint8Array(4);
        new DataView(head.buffer).setUint32(0, r.frame.length, le);
        blocks.push(block(3, join([head, r.frame]), le));
        continue;
      }
      const id = r.interfaceId ?? 0;
      const resol = s.interfaces[id]?.tsresol;
      const units = resolutionUnits(resol);
      const t = (r.ts * units) / 1_000_000_000n;
      const head = new Uint8Array(20);
      const hv = new DataView(head.buffer);
      hv.setUint32(0, id, le);
      hv.setUint32(4, Number(t >> 32n), le);
      hv.setUint32(8, Number(t & 0xffffffffn), le);
      hv.setUint32(12, r.frame.length, le);
      hv.setUint32(16, r.frame.length, le);
      blocks.push(block(6, join([head, r.frame]), le));
    }
  }
  return join(blocks);
}

function resolutionUnits(resol: number | undefined): bigint {
  if (resol === undefined) return 1_000_000n;
  return resol & 0x80 ? 1n << BigInt(resol & 0x7f) : 10n ** BigInt(resol);
}
