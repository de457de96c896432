import type { Writable } from 'node:stream';
import { toHex } from '@glia/packet';

/**
 * Buffered line output: lines are encoded straight into one chunk of bytes, written out when it is
 * full, and the caller can wait for the stream to drain at the end so nothing is lost on exit.
 *
 * With `reuseChunk`, the chunk is reused when the stream reports nothing buffered once write()
 * returns: right for process.stdout and stderr (files, pipes and TTYs are written synchronously on
 * Linux; an asynchronous write stays counted in writableLength). A Transform may keep the chunk with
 * nothing counted, so by default each flush gets a new chunk.
 */
export class LineWriter {
  private chunk: Buffer;
  private used = 0;
  lines = 0;

  private readonly reuseChunk: boolean;

  constructor(
    private readonly out: Writable,
    options: { highWater?: number; reuseChunk?: boolean } = {},
  ) {
    this.chunk = Buffer.allocUnsafe(options.highWater ?? 1 << 16);
    this.reuseChunk = options.reuseChunk ?? false;
  }

  write(line: string): void {
    this.lines++;
    if (this.out.destroyed) return;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = line.length * 3 + 1;
    if (most > this.chunk.length) {
      this.flushBuffer();
      this.out.write(line + '\n');
      return;
    }
    if (this.used + most > this.chunk.length) this.flushBuffer();
    this.used += this.chunk.write(line, this.used);
    this.chunk[this.used++] = 0x0a;
  }

  async close(): Promise<void> {
    this.flushBuffer();
    await new Promise<void>((done) => {
      // A stream whose reader went away (EPIPE) never drains: nothing more can be delivered.
      if (this.out.writableNeedDrain && !this.out.destroyed) {
        this.out.once('drain', () => done());
        this.out.once('close', () => done());
      } else done();
    });
  }

  private flushBuffer(): void {
    if (this.used === 0) return;
    if (this.out.destroyed) {
      this.used = 0;
      return;
    }
    this.out.write(this.chunk.subarray(0, this.used));
    this.used = 0;
    if (!this.reuseChunk || this.out.writableLength > 0) this.chunk = Buffer.allocUnsafe(this.chunk.length);
  }
}

/** JSON with bigint as decimal strings and byte arrays as hex, the stable output encoding. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return toHex(v);
    if (v instanceof Map) return Object.fromEntries(v);
    return v;
  });
}
