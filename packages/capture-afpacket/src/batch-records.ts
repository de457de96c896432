/**
 * Reads the packet records the native binding writes into a batch buffer (native/pcap_live.c):
 * u32 sec, u32 nsec, u32 caplen, u32 wirelen in host byte order, then caplen bytes padded to 4.
 */
export const RECORD_HEADER_BYTES = 16;

export interface BatchRecordSink {
  (bytes: Uint8Array, offset: number, caplen: number, wireLength: number, sec: number, nsec: number): void;
}

/**
 * Calls `sink` for each of the `count` records in the first `used` bytes of the batch. Returns how
 * many records were read; stops early (and says so by a smaller number) on a record that does not
 * fit, which only a corrupt buffer can produce.
 */
export function readBatch(
  bytes: Uint8Array,
  words: Uint32Array,
  count: number,
  used: number,
  sink: BatchRecordSink,
): number {
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + RECORD_HEADER_BYTES > used) return i;
    const w = at >>> 2;
    const caplen = words[w + 2];
    const next = at + RECORD_HEADER_BYTES + ((caplen + 3) & ~3);
    if (next > used) return i;
    sink(bytes, at + RECORD_HEADER_BYTES, caplen, words[w + 3], words[w], words[w + 1]);
    at = next;
  }
  return count;
}

/** Writes one record the way the binding does (for tests and benchmarks). Returns the next offset. */
export function writeRecord(
  bytes: Uint8Array,
  at: number,
  frame: Uint8Array,
  sec: number,
  nsec: number,
  wireLength = frame.length,
): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  view.setUint32(at, sec, little);
  view.setUint32(at + 4, nsec, little);
  view.setUint32(at + 8, frame.length, little);
  view.setUint32(at + 12, wireLength, little);
  bytes.set(frame, at + RECORD_HEADER_BYTES);
  return at + RECORD_HEADER_BYTES + ((frame.length + 3) & ~3);
}
