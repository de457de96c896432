import type { Writable } from 'node:stream';

/**
 * Buffered line output: many small writes become few large ones, and the caller can wait for the
 * stream to drain at the end so nothing is lost on exit.
 */
export class LineWriter {
  private buffer: string[] = [];
  private bytes = 0;
  lines = 0;

  constructor(
    private readonly out: Writable,
    private readonly highWater = 1 << 16,
  ) {}

  write(line: string): void {
    this.buffer.push(line);
    this.bytes += line.length + 1;
    this.lines++;
    if (this.bytes >= this.highWater) this.flushBuffer();
  }

  async close(): Promise<void> {
    this.flushBuffer();
    await new Promise<void>((done) => {
      if (this.out.writableNeedDrain) this.out.once('drain', () => done());
      else done();
    });
  }

  private flushBuffer(): void {
    if (this.buffer.length === 0) return;
    this.out.write(this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.bytes = 0;
  }
}

/** JSON with bigint as decimal strings and byte arrays as hex, the stable output encoding. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
    if (v instanceof Map) return Object.fromEntries(v);
    return v;
  });
}
