/** A pcapng Interface Description Block: link type, snap length, name and time resolution. */
export interface PcapngInterface {
  linkType: number;
  snaplen: number;
  name: string | undefined;
  /** Timestamp units per second (10^6 unless if_tsresol says otherwise). */
  unitsPerSecond: number;
  /** if_tsoffset: seconds added to every timestamp. */
  offsetSeconds: number;
}

const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** Reads an IDB body (after the 8-byte block header) without throwing: bad options are ignored. */
export function readInterface(b: Uint8Array, at: number, end: number, le: boolean): PcapngInterface {
  const iface: PcapngInterface = {
    linkType: u16(b, at, le),
    snaplen: u32(b, at + 4, le),
    name: undefined,
    unitsPerSecond: 1_000_000,
    offsetSeconds: 0,
  };
  let o = at + 8;
  while (o + 4 <= end) {
    const code = u16(b, o, le);
    const length = u16(b, o + 2, le);
    if (code === 0 || o + 4 + length > end) break;
    const v = o + 4;
    if (code === IF_NAME) {
      let e = v + length;
      while (e > v && b[e - 1] === 0) e--;
      iface.name = Buffer.from(b.buffer, b.byteOffset + v, e - v).toString('utf8');
    } else if (code === IF_TSRESOL && length >= 1) {
      const r = b[v];
      const exponent = r & 0x7f;
      // At most 2^127 or 10^127 units per second: finite, and at least 1.
      iface.unitsPerSecond = r & 0x80 ? 2 ** exponent : 10 ** exponent;
    } else if (code === IF_TSOFFSET && length >= 8) {
      const hi = u32(b, le ? v + 4 : v, le) | 0;
      const lo = u32(b, le ? v : v + 4, le);
      iface.offsetSeconds = hi * 4294967296 + lo;
    }
    o = v + ((length + 3) & ~3);
  }
  return iface;
}

export function u16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
}

export function u32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
    : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Splits a 64-bit timestamp (hi, lo) in the interface's units into seconds and nanoseconds. */
export function splitTimestamp(
  hi: number,
  lo: number,
  iface: PcapngInterface,
  out: { sec: number; nsec: number },
): void {
  const ups = iface.unitsPerSecond;
  // Doubles are exact here: units < 2^53; for 10^k per second (k ≤ 9) rem · 10^9 / ups is an
  // integer, and for 2^k (k ≤ 29) rem · 10^9 = rem · 5^9 · 2^9 with rem · 5^9 < 2^53, divided by a
  // power of two. Finer resolutions (10^10 …) would round a nanosecond away: BigInt below.
  if (hi < 0x200000 && ups <= 1e9) {
    const units = hi * 4294967296 + lo;
    const sec = Math.floor(units / ups);
    const rem = units - sec * ups;
    out.sec = sec + iface.offsetSeconds;
    out.nsec = Math.floor((rem * 1e9) / ups);
    return;
  }
  const units = (BigInt(hi) << 32n) | BigInt(lo);
  const bigUps = BigInt(ups);
  const sec = units / bigUps;
  const rem = units - sec * bigUps;
  out.sec = Number(sec) + iface.offsetSeconds;
  out.nsec = Number((rem * 1_000_000_000n) / bigUps);
}
