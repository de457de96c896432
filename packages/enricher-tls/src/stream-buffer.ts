/**
 * The first bytes of one direction of a TCP stream, written at their stream offsets in any order,
 * with retransmissions and overlaps (the last write of a byte wins); bytes at or beyond `capacity`
 * are dropped (and flagged). The backing array grows on demand up to the capacity, and at most
 * MAX_RANGES separate holes-apart ranges are tracked so a hostile pattern of 1-byte writes stays cheap.
 */
export const MAX_RANGES = 64;

export class StreamBuffer {
  private bytes: Uint8Array;
  /** Covered ranges [start, end), sorted and merged. */
  private ranges: Array<[number, number]> = [];
  /** Whether some write reached past the capacity. */
  overflowed = false;

  constructor(readonly capacity: number) {
    this.bytes = new Uint8Array(Math.min(capacity, 512));
  }

  /** Length of the contiguous prefix from offset 0. */
  get contiguous(): number {
    const first = this.ranges[0];
    return first !== undefined && first[0] === 0 ? first[1] : 0;
  }

  /** The contiguous prefix (a view, valid until the next write). */
  prefix(): Uint8Array {
    return this.bytes.subarray(0, this.contiguous);
  }

  write(offset: number, payload: Uint8Array): void {
    if (!Number.isInteger(offset) || offset < 0) return;
    let data = payload;
    if (offset + data.length > this.capacity) {
      this.overflowed = true;
      if (offset >= this.capacity) return;
      data = data.subarray(0, this.capacity - offset);
    }
    if (data.length === 0) return;
    if (this.ranges.length >= MAX_RANGES && !this.touches(offset, offset + data.length)) {
      this.overflowed = true;
      return;
    }
    const end = offset + data.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.min(this.capacity, Math.max(end, this.bytes.length * 2)));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(data, offset);
    this.cover(offset, end);
  }

  private touches(start: number, end: number): boolean {
    return this.ranges.some((r) => r[0] <= end && r[1] >= start);
  }

  private cover(start: number, end: number): void {
    const merged: Array<[number, number]> = [];
    let s = start;
    let e = end;
    let placed = false;
    for (const range of this.ranges) {
      if (range[1] < s) merged.push(range);
      else if (range[0] > e) {
        if (!placed) merged.push([s, e]);
        placed = true;
        merged.push(range);
      } else {
        s = Math.min(s, range[0]);
        e = Math.max(e, range[1]);
      }
    }
    if (!placed) merged.push([s, e]);
    this.ranges = merged;
  }
}
