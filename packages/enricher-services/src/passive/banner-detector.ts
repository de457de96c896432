import { BANNER_MAX_BYTES, BoundedLru, type BannerEvent } from '@glia/core';
import { requestProbe } from '../match/request-probe.js';
import type { ResponseMatcher, ServiceIdentification } from '../match/response-matcher.js';
import type { CompiledProbe, ServiceDatabase } from '../match/service-database.js';

/** What one server banner told about its port. */
export interface BannerVerdict {
  /** The probe the reply was matched as (NULL when the server spoke first). */
  probe: string;
  found: ServiceIdentification | null;
}

/**
 * Passive detection from the capture's banners (the first payload of each direction): a server
 * that speaks first is matched as the NULL probe's reply; a server that answers a client request
 * is matched as the reply to the probe that request resembles (then its fallbacks, then NULL).
 * The client's request waits for the reply in a bounded LRU keyed by connection.
 */
export class BannerDetector {
  private readonly requests: BoundedLru<string, string>;

  constructor(
    private readonly db: ServiceDatabase,
    private readonly matcher: ResponseMatcher,
    maxPending: number,
  ) {
    this.requests = new BoundedLru(maxPending);
  }

  get pending(): number {
    return this.requests.size;
  }

  get evictions(): number {
    return this.requests.evictions;
  }

  /** Null for a client banner (kept until the reply) and for servers when no NULL probe exists. */
  onBanner(e: BannerEvent): BannerVerdict | null {
    const text = latin1(e.payload);
    if (e.sender === 'client') {
      this.requests.set(connectionKey(e.src, e.sport, e.dst, e.dport), text);
      return null;
    }
    const key = connectionKey(e.dst, e.dport, e.src, e.sport);
    const request = this.requests.peek(key);
    if (request !== undefined) this.requests.delete(key);
    const probe: CompiledProbe | undefined =
      request === undefined ? this.db.nullProbe : (requestProbe(this.db, request) ?? this.db.nullProbe);
    if (probe === undefined) return null;
    // A banner at the size limit may be the start of a longer reply.
    const cut = e.payload.length >= BANNER_MAX_BYTES;
    return { probe: probe.probe.name, found: this.matcher.match(probe, text, cut) };
  }

  clear(): void {
    this.requests.clear();
  }
}

function connectionKey(client: string, clientPort: number, server: string, serverPort: number): string {
  return `${client}:${clientPort}>${server}:${serverPort}`;
}

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
