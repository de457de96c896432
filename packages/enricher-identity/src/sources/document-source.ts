import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { basename, dirname } from 'node:path';
import type { DocumentLocation } from '../config.js';
import type { DeltaPosition } from '../overlay/delta-sequence.js';
import { fetchDocument, type ControlPlaneAuth } from '../stream/http-request.js';

/** A fetched document and, from a control plane, the delta position it is at. */
export interface FetchedDocument {
  body: Buffer;
  position: DeltaPosition | null;
}

/** Headers the control plane sets on a baseline or edges document: where it stands in the deltas. */
export const POSITION_HEADERS = { epoch: 'x-glia-epoch', seq: 'x-glia-seq' } as const;

export function positionOf(headers: IncomingHttpHeaders): DeltaPosition | null {
  const epoch = headers[POSITION_HEADERS.epoch];
  const seq = Number(headers[POSITION_HEADERS.seq]);
  if (typeof epoch !== 'string' || epoch === '' || !Number.isSafeInteger(seq) || seq < 0) return null;
  return { epoch, seq };
}

/**
 * A baseline or edges document from a file or a URL. A URL is fetched with If-None-Match, so an
 * unchanged document costs a 304 (fetch resolves to null then); a file can be watched.
 */
export class DocumentSource {
  private etag: string | undefined;
  private lastPosition: DeltaPosition | null = null;

  constructor(
    readonly location: DocumentLocation,
    private readonly auth: ControlPlaneAuth = {},
  ) {}

  describe(): string {
    return 'file' in this.location ? this.location.file : this.location.url.href;
  }

  /** The document, or null when the server says it has not changed since the last fetch. */
  async fetch(): Promise<FetchedDocument | null> {
    if ('file' in this.location) {
      try {
        return { body: await readFile(this.location.file), position: null };
      } catch (error) {
        throw new Error(`${this.location.file}: ${(error as Error).message}`, { cause: error });
      }
    }
    const result = await fetchDocument(
      this.location.url,
      this.auth,
      this.etag === undefined ? {} : { etag: this.etag },
    );
    const position = positionOf(result.headers) ?? (result.status === 304 ? this.lastPosition : null);
    if (result.status === 304) {
      this.lastPosition = position;
      return null;
    }
    const etag = result.headers.etag;
    this.etag = typeof etag === 'string' ? etag : undefined;
    this.lastPosition = position;
    return { body: result.body, position };
  }

  /** The position the last 304 or document carried (a 304 still says where the server stands). */
  get position(): DeltaPosition | null {
    return this.lastPosition;
  }

  /**
   * Calls onChange (debounced) when a file source changes, including when an editor or a deploy
   * tool replaces it by rename; a URL source returns null (the stream tells of changes).
   */
  watch(onChange: () => void, debounceMs = 200): { close(): void } | null {
    if (!('file' in this.location)) return null;
    const name = basename(this.location.file);
    let timer: NodeJS.Timeout | null = null;
    let watcher: FSWatcher;
    try {
      watcher = watch(dirname(this.location.file), (_event, file) => {
        if (file !== null && file !== name) return;
        if (timer !== null) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          onChange();
        }, debounceMs);
      });
    } catch {
      return null;
    }
    watcher.unref();
    return {
      close: () => {
        if (timer !== null) clearTimeout(timer);
        watcher.close();
      },
    };
  }
}
