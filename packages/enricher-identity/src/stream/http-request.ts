import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** How the agent reaches the control plane: a bearer token and, for TLS, the CA to trust. */
export interface ControlPlaneAuth {
  token?: string;
  /** PEM of the CA(s) that signed the server's certificate; the system's CAs when absent. */
  ca?: string | Buffer;
}

export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(
      `${url}: HTTP ${status}${status === 401 || status === 403 ? ' (the bearer token was refused)' : ''}`,
    );
    this.name = 'HttpStatusError';
  }
}

const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * Whether a failed request may succeed later unchanged: the server is down, unreachable or
 * overloaded (5xx). A refused token, a wrong path, an untrusted certificate are not: the config is
 * wrong.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status >= 500;
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined) return TRANSIENT_CODES.has(code);
    e = e.cause;
  }
  return false;
}

/** Opens a GET and resolves with the response once its headers are in (the body is not read). */
export function openGet(
  url: URL,
  auth: ControlPlaneAuth,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ response: IncomingMessage; abort: () => void }> {
  return new Promise((resolve, reject) => {
    const all: Record<string, string> = { ...headers };
    if (auth.token !== undefined) all.authorization = `Bearer ${auth.token}`;
    const options = { method: 'GET', headers: all, ...(auth.ca !== undefined ? { ca: auth.ca } : {}) };
    const request =
      url.protocol === 'https:'
        ? httpsRequest(url, options)
        : httpRequest(url, { method: 'GET', headers: all });
    const timer = setTimeout(
      () =>
        request.destroy(
          Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
        ),
      timeoutMs,
    );
    request.once('response', (response) => {
      clearTimeout(timer);
      resolve({ response, abort: () => request.destroy() });
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${url.href}: ${error.message}`, { cause: error }));
    });
    request.end();
  });
}

export interface FetchResult {
  status: 200 | 304;
  body: Buffer;
  headers: IncomingMessage['headers'];
}

/**
 * GETs a document; with an ETag it asks If-None-Match and a 304 means unchanged (empty body). The
 * body is bounded: past maxBytes the request is abandoned with an error.
 */
export async function fetchDocument(
  url: URL,
  auth: ControlPlaneAuth,
  options: { etag?: string; timeoutMs?: number; maxBytes?: number } = {},
): Promise<FetchResult> {
  const headers: Record<string, string> = {};
  if (options.etag !== undefined) headers['if-none-match'] = options.etag;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { response, abort } = await openGet(url, auth, headers, timeoutMs);
  const status = response.statusCode ?? 0;
  if (status === 304) {
    response.resume();
    return { status, body: Buffer.alloc(0), headers: response.headers };
  }
  if (status !== 200) {
    response.resume();
    throw new HttpStatusError(url.href, status);
  }
  const max = options.maxBytes ?? 256 << 20;
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(abort, timeoutMs);
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        abort();
        throw new Error(`${url.href}: the document is larger than ${max} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw new Error(`${url.href}: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return { status, body: Buffer.concat(chunks), headers: response.headers };
}
