import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
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

export interface CaptureReadSummary {
  format: CaptureFormat | null;
  records: number;
  /** Bytes of the (decompressed) capture stream read. */
  bytes: number;
  /** A last record cut short by the end of the file (counted, not an error). */
  truncatedRecords: number;
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
    for await (const chunk of captureChunks(path, options.chunkBytes)) {
      parser.feed(chunk);
      while (parser.next(record)) onRecord(record);
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
  };
}
