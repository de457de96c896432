import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';

const gunzip = promisify(gunzipCallback);

/** An HTTP error with the status to answer and a message for the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a request body of at most `maxBytes` (on the wire) and, when it is gzip-encoded, inflates
 * it to at most `maxInflated` bytes: a small bomb cannot take the collector's memory.
 */
export async function readBody(req: IncomingMessage, maxBytes: number, maxInflated: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes)
    throw new HttpError(413, `body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.destroy();
      throw new HttpError(413, `body is over the ${maxBytes}-byte limit`);
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return body;
  if (encoding !== 'gzip')
    throw new HttpError(415, `content-encoding ${encoding}: only gzip (or none) is accepted`);
  try {
    return await gunzip(body, { maxOutputLength: maxInflated });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw new HttpError(413, `inflated body is over the ${maxInflated}-byte limit`);
    throw new HttpError(400, `body is not valid gzip: ${(error as Error).message}`);
  }
}
