import type { IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';
import { HttpStatusError, openGet, type ControlPlaneAuth } from './http-request.js';

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export interface SseClientOptions extends ControlPlaneAuth {
  url: URL;
  onEvent(event: SseEvent): void;
  onConnect?(): void;
  /** Called on every lost or failed connection, before the next try. */
  onDisconnect?(error: Error, retryInMs: number): void;
  /** First reconnect delay; doubled per failure up to maxBackoffMs (a server `retry:` replaces it). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A connection silent this long is taken as dead (the server sends a comment every 15 s). */
  idleTimeoutMs?: number;
  /** Characters one event may hold; a longer one drops the connection. Default 64 Mi. */
  maxEventChars?: number;
}

export interface SseClientCounters {
  connects: number;
  disconnects: number;
  events: number;
  authFailures: number;
}

/**
 * A Server-Sent Events client for the control-plane stream: GET with a bearer token (and a CA for
 * TLS), events parsed by eventsource-parser, reconnects with exponential backoff (with jitter)
 * sending Last-Event-ID so the server can replay what was missed.
 */
export class SseClient {
  private lastId: string | undefined;
  private abort: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private baseBackoff: number;
  private running = false;
  readonly counters: SseClientCounters = { connects: 0, disconnects: 0, events: 0, authFailures: 0 };

  constructor(private readonly options: SseClientOptions) {
    this.baseBackoff = options.initialBackoffMs ?? 500;
  }

  get lastEventId(): string | undefined {
    return this.lastId;
  }

  get connected(): boolean {
    return this.abort !== null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.();
    this.abort = null;
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache' };
    if (this.lastId !== undefined) headers['last-event-id'] = this.lastId;
    let response: IncomingMessage;
    try {
      const opened = await openGet(
        this.options.url,
        this.options,
        headers,
        this.options.idleTimeoutMs ?? 45_000,
      );
      response = opened.response;
      if (!this.running) return opened.abort();
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        if (status === 401 || status === 403) this.counters.authFailures++;
        throw new HttpStatusError(this.options.url.href, status);
      }
      this.abort = opened.abort;
    } catch (error) {
      this.retry(error as Error);
      return;
    }
    this.counters.connects++;
    this.failures = 0;
    this.options.onConnect?.();
    const maxChars = this.options.maxEventChars ?? 64 << 20;
    const parser = createParser({
      onEvent: (message) => {
        if (message.id !== undefined) this.lastId = message.id;
        this.counters.events++;
        const event: SseEvent = { event: message.event ?? 'message', data: message.data };
        if (message.id !== undefined) event.id = message.id;
        this.options.onEvent(event);
      },
      onRetry: (ms) => {
        this.baseBackoff = ms;
      },
      onError: (error) => {
        // Only an event past maxEventChars ends the stream; a bad line is skipped, as the spec says.
        if (error.type === 'max-buffer-size-exceeded')
          response.destroy(new Error(`an event longer than ${maxChars} characters`));
      },
      maxBufferSize: maxChars,
    });
    const idle = this.options.idleTimeoutMs ?? 45_000;
    let idleTimer = setTimeout(() => response.destroy(new Error(`no data for ${idle} ms`)), idle);
    response.setEncoding('utf8');
    let reason: Error = new Error('the server closed the stream');
    try {
      for await (const chunk of response as AsyncIterable<string>) {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => response.destroy(new Error(`no data for ${idle} ms`)), idle);
        parser.feed(chunk);
      }
    } catch (error) {
      reason = error as Error;
    } finally {
      clearTimeout(idleTimer);
    }
    this.abort = null;
    this.retry(reason);
  }

  private retry(error: Error): void {
    if (!this.running) return;
    this.counters.disconnects++;
    const max = this.options.maxBackoffMs ?? 30_000;
    const exact = Math.min(max, this.baseBackoff * 2 ** this.failures++);
    // ±20 % so a fleet that lost the same server does not come back in one burst.
    const delay = Math.round(exact * (0.8 + 0.4 * Math.random()));
    this.options.onDisconnect?.(error, delay);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
    this.timer.unref();
  }
}
