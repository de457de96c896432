import { BoundedLru } from '@glia/core';
import type { ClientHello } from './client-hello.js';
import { StreamBuffer } from './stream-buffer.js';
import { readClientHello, type ClientHelloFailure } from './tls-records.js';

/** The most client stream bytes buffered per flow (the capture events' SEGMENT_MAX_BYTES). */
export const HELLO_MAX_BYTES = 16384;

export type AssemblyResult =
  | { status: 'hello'; hello: ClientHello }
  | { status: 'pending' }
  | { status: 'failed'; reason: ClientHelloFailure }
  | { status: 'ignored' };

interface InProgress {
  buffer: StreamBuffer;
  /** Stream bytes needed before parsing again is worth it. */
  needed: number;
}

/**
 * Finds the ClientHello of each TLS flow from its client banner (stream offset 0) and the client
 * segments after it, which may come out of order or retransmitted. Flows whose hello is not
 * complete yet are kept in a bounded LRU; each buffers at most HELLO_MAX_BYTES.
 */
export class HelloAssembler {
  private readonly flows: BoundedLru<string, InProgress>;

  constructor(
    maxFlows: number,
    private readonly maxBytes = HELLO_MAX_BYTES,
  ) {
    this.flows = new BoundedLru(maxFlows);
  }

  /** Flows waiting for more of their ClientHello. */
  get inProgress(): number {
    return this.flows.size;
  }

  /** Flows given up because the LRU was full. */
  get evictions(): number {
    return this.flows.evictions;
  }

  /** The client's first payload. A banner that does not start a TLS handshake record is ignored. */
  banner(flow: string, payload: Uint8Array): AssemblyResult {
    if (payload.length === 0 || payload[0] !== 0x16) return { status: 'ignored' };
    this.flows.delete(flow);
    const outcome = readClientHello(payload, this.maxBytes);
    if (outcome.status === 'ok') return { status: 'hello', hello: outcome.hello };
    if (outcome.status === 'failed') return outcome;
    const buffer = new StreamBuffer(this.maxBytes);
    buffer.write(0, payload);
    this.flows.set(flow, { buffer, needed: outcome.needed });
    return { status: 'pending' };
  }

  /** Later client payload at `offset` in the stream. Ignored unless the flow's hello is pending. */
  segment(flow: string, offset: number, payload: Uint8Array): AssemblyResult {
    const entry = this.flows.get(flow);
    if (entry === undefined) return { status: 'ignored' };
    entry.buffer.write(offset, payload);
    if (entry.buffer.contiguous < entry.needed) return { status: 'pending' };
    const outcome = readClientHello(entry.buffer.prefix(), this.maxBytes);
    if (outcome.status === 'incomplete') {
      entry.needed = outcome.needed;
      return { status: 'pending' };
    }
    this.flows.delete(flow);
    return outcome.status === 'ok' ? { status: 'hello', hello: outcome.hello } : outcome;
  }

  clear(): void {
    this.flows.clear();
  }
}
