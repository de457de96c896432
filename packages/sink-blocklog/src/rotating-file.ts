import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { LineOutput } from './output.js';

export interface RotationPolicy {
  /** Rotate before a line would take the live file past this size. */
  maxBytes: number;
  /** Rotated files kept: path.1 (newest) … path.N; 0 keeps none. */
  maxFiles: number;
}

/**
 * An append-only file rotated by size, logrotate style: path → path.1 → … → path.N, the oldest
 * deleted. A line never straddles two files: rotation happens between lines. A single line larger
 * than maxBytes is written alone into a fresh file rather than split.
 */
export class RotatingFile implements LineOutput {
  private handle: FileHandle | null = null;
  private size = 0;
  rotations = 0;

  constructor(
    readonly target: string,
    private readonly policy: RotationPolicy,
  ) {}

  async open(): Promise<void> {
    if (this.handle !== null) return;
    const handle = await open(this.target, 'a');
    try {
      // Appending to what a previous run left keeps the size accounting honest across restarts.
      this.size = (await handle.stat()).size;
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.handle = handle;
  }

  async write(lines: readonly string[]): Promise<void> {
    await this.open();
    let chunk: string[] = [];
    let chunkBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (this.size + chunkBytes + bytes > this.policy.maxBytes && this.size + chunkBytes > 0) {
        await this.append(chunk, chunkBytes);
        chunk = [];
        chunkBytes = 0;
        await this.rotate();
      }
      chunk.push(line);
      chunkBytes += bytes;
    }
    await this.append(chunk, chunkBytes);
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  private async append(lines: string[], bytes: number): Promise<void> {
    if (lines.length === 0) return;
    const handle = this.handle;
    if (handle === null) throw new Error(`${this.target} is not open`);
    const data = Buffer.from(lines.join(''));
    let offset = 0;
    // A short write (rare, but allowed) must not leave half a line behind.
    while (offset < data.length) {
      const { bytesWritten } = await handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
      this.size += bytesWritten;
    }
    if (offset !== bytes) throw new Error(`wrote ${offset} bytes to ${this.target}, expected ${bytes}`);
  }

  private async rotate(): Promise<void> {
    await this.close();
    const { maxFiles } = this.policy;
    if (maxFiles === 0) {
      await rm(this.target, { force: true });
    } else {
      await rm(`${this.target}.${maxFiles}`, { force: true });
      for (let i = maxFiles - 1; i >= 1; i--) {
        if (await exists(`${this.target}.${i}`))
          await rename(`${this.target}.${i}`, `${this.target}.${i + 1}`);
      }
      await rename(this.target, `${this.target}.1`);
    }
    this.rotations++;
    await this.open();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
