import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { CaptureParser } from './capture-parser.js';
import { CaptureFormatError, emptyRecord, type CaptureFormat, type PacketRecord } from './record.js';

export const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * The bytes of a capture file as a stream of chunks, gunzipped when the file starts with the gzip
 * magic (1f 8b). Memory is one chunk at a time, whatever the file's size.
 */
export async function* captureChunks(
  path: string,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<Uint8Array> {
  const head = Buffer.alloc(2);
  const handle = await open(path, 'r');
  try {
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const file = createReadStream(path, { highWaterMark: chunkBytes });
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    for await (const chunk of file) yield chunk as Buffer;
    return;
  }
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  file.pipe(gunzip);
  file.on('error', (error) => gunzip.destroy(error));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof Error && 'errno' in error) {
      throw new CaptureFormatError(`gzip data is corrupt (${error.message})`, gunzip.bytesWritten);
    }
    throw error;
  } finally {
    file.destroy();
  }
}

/**
 * Streams a capture file into a parser one read at a time. A plain file is read straight into the
 * parser's reused buffer (reserve/commit), so a replay allocates nothing per read whatever the
 * file's size; a gzip file goes through captureChunks.
 */
export class CaptureFileReader {
  private position = 0;
  private ended = false;

  private constructor(
    private readonly parser: CaptureParser,
    private readonly chunkBytes: number,
    private readonly handle: FileHandle | null,
    private readonly chunks: AsyncGenerator<Uint8Array> | null,
  ) {}

  static async open(
    path: string,
    parser: CaptureParser,
    chunkBytes = DEFAULT_CHUNK_BYTES,
  ): Promise<CaptureFileReader> {
    const handle = await open(path, 'r');
    try {
      const head = new Uint8Array(2);
      await handle.read(head, 0, 2, 0);
      if (head[0] !== 0x1f || head[1] !== 0x8b)
        return new CaptureFileReader(parser, chunkBytes, handle, null);
    } catch (error) {
      await handle.close();
      throw error;
    }
    await handle.close();
    return new CaptureFileReader(parser, chunkBytes, null, captureChunks(path, chunkBytes));
  }

  /** Adds the next bytes of the file to the parser; false at the end of the file. */
  async fill(): Promise<boolean> {
    if (this.ended) return false;
    if (this.handle !== null) {
      const into = this.parser.reserve(this.chunkBytes);
      const { bytesRead } = await this.handle.read(into, 0, into.length, this.position);
      this.position += bytesRead;
      this.parser.commit(bytesRead);
      if (bytesRead === 0) this.ended = true;
      return bytesRead > 0;
    }
    const next = this.chunks === null ? null : await this.chunks.next();
    if (next === null || next.done === true) {
      this.ended = true;
      return false;
    }
    this.parser.feed(next.value);
    return true;
  }

  async close(): Promise<void> {
    this.ended = true;
    if (this.handle !== null) await this.handle.close();
    else if (this.chunks !== null) await this.chunks.return(undefined);
  }
}

export interface CaptureReadSummary {
  format: CaptureFormat | null;
  records: number;
  /** Bytes of the (decompressed) capture stream read. */
  bytes: number;
  /** A last record cut short by the end of the file (counted, not an error). */
  truncatedRecords: number;
  /** Records over 256 KiB, skipped unread (see MAX_RECORD_BYTES). */
  oversizeRecords: number;
}

/**
 * Reads a whole capture file, calling onRecord synchronously for each packet record (the record
 * object is reused; copy what you keep). Rejects with a CaptureFormatError naming the file and the
 * byte offset when the file is malformed.
 */
export async function readCaptureFile(
  path: string,
  onRecord: (record: PacketRecord) => void,
  options: { chunkBytes?: number } = {},
): Promise<CaptureReadSummary> {
  const parser = new CaptureParser();
  const record = emptyRecord();
  try {
    const reader = await CaptureFileReader.open(path, parser, options.chunkBytes);
    try {
      while (await reader.fill()) {
        while (parser.next(record)) onRecord(record);
      }
    } finally {
      await reader.close();
    }
    parser.end();
  } catch (error) {
    if (error instanceof CaptureFormatError) throw error.withFile(path);
    throw error;
  }
  return {
    format: parser.format,
    records: parser.records,
    bytes: parser.offset,
    truncatedRecords: parser.truncatedRecords,
    oversizeRecords: parser.oversizeRecords,
  };
}

/**
 * Checks that a file can be opened and begins with a whole pcap or pcapng header, reading no more
 * than that (plus what gzip needs): for commands that refuse a bad file before starting anything.
 * Throws an Error naming the path, with the system's reason (ENOENT, EACCES, EISDIR) or the
 * format problem.
 */
export async function checkCaptureHeader(path: string): Promise<CaptureFormat> {
  const parser = new CaptureParser();
  const rec = emptyRecord();
  try {
    for await (const chunk of captureChunks(path, 64 * 1024)) {
      parser.feed(chunk);
      parser.next(rec);
      if (parser.format !== null) return parser.format;
    }
    parser.end();
    return parser.format as unknown as CaptureFormat;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${path}: ${reason}`, { cause: error });
  }
}
