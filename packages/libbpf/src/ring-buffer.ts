import { nativeCall } from './bpf-error.js';
import { MapType } from './constants.js';
import type { BpfMap } from './map.js';
import { native, type NativeRingBuffer } from './native.js';

/** Called with each record of a batch: bytes[offset, offset + length) is the record. */
export type RecordVisitor = (bytes: Buffer, offset: number, length: number) => void;

/**
 * Visits the records of a batch as the addon lays them out: a little-endian u32 length, the
 * record, zero padding to a multiple of 8 bytes (length included). No record is copied.
 */
export function forEachRecord(batch: Buffer, visit: RecordVisitor): number {
  let at = 0;
  let n = 0;
  while (at + 4 <= batch.length) {
    const length = batch.readUInt32LE(at);
    if (at + 4 + length > batch.length) break;
    visit(batch, at + 4, length);
    n++;
    at += (4 + length + 7) & ~7;
  }
  return n;
}

/**
 * Reads a BPF ring buffer map from Node's event loop: libbpf's epoll descriptor is watched by
 * libuv, and when records are there they are all consumed and handed to `onBatch` in one call.
 * Nothing runs between batches: no thread, no timer. Without a callback, consume() reads on demand
 * (tests drive a program with BPF_PROG_TEST_RUN and then consume).
 */
export class RingBufferReader {
  private handle: NativeRingBuffer | null;
  batches = 0;
  records = 0;

  constructor(
    readonly map: BpfMap,
    onBatch?: (batch: Buffer, count: number) => void,
  ) {
    if (map.type !== MapType.RINGBUF) throw new TypeError(`map ${map.name} is not a ring buffer`);
    const callback =
      onBatch === undefined
        ? null
        : (batch: Buffer, count: number): void => {
            this.batches++;
            this.records += count;
            onBatch(batch, count);
          };
    this.handle = nativeCall(`ring buffer ${map.name}`, () => new (native().RingBuffer)(map.fd, callback));
  }

  /** Every record available now, as one batch (null when there is none). */
  consume(): Buffer | null {
    if (this.handle === null) throw new Error(`ring buffer ${this.map.name} is closed`);
    const handle = this.handle;
    return nativeCall(`ring buffer ${this.map.name}`, () => handle.consume());
  }

  /** Stops watching and frees the reader. Idempotent. */
  close(): void {
    this.handle?.close();
    this.handle = null;
  }
}
