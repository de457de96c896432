import { parseClientHelloBody, type ClientHello, type ClientHelloProblem } from './client-hello.js';

/** Why a client stream yields no ClientHello. */
export type ClientHelloFailure =
  'not_tls' | 'not_client_hello' | 'bad_record' | 'oversize' | ClientHelloProblem;

export type ClientHelloOutcome =
  | { status: 'ok'; hello: ClientHello }
  | { status: 'incomplete'; needed: number }
  | { status: 'failed'; reason: ClientHelloFailure };

const CONTENT_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const RECORD_HEADER = 5;
const HANDSHAKE_HEADER = 4;
/** TLSPlaintext.length may not exceed 2^14 (RFC 8446 §5.1). */
const MAX_RECORD_BODY = 16384;

/**
 * Reads the ClientHello at the start of a client's TCP stream, across as many handshake records
 * as it spans. `stream` is the contiguous prefix seen so far; `incomplete` says how many stream
 * bytes are needed at least before trying again (a lower bound when the hello spans records).
 * A hello needing more than `maxBytes` of stream fails as oversize. Never throws.
 */
export function readClientHello(stream: Uint8Array, maxBytes = Infinity): ClientHelloOutcome {
  if (stream.length === 0) return { status: 'incomplete', needed: 1 };
  if (stream[0] !== CONTENT_HANDSHAKE) return { status: 'failed', reason: 'not_tls' };
  // Handshake bytes gathered from consecutive records; most hellos fit one record, so the first
  // record's body is used in place and copied only when a second record is needed.
  let handshake: Uint8Array = new Uint8Array(0);
  let pieces = 0;
  let p = 0;
  let needed = -1;
  while (true) {
    if (p + RECORD_HEADER > stream.length) return incomplete(p + RECORD_HEADER, maxBytes);
    // The first record's type was checked above, so this is a later record.
    if (stream[p] !== CONTENT_HANDSHAKE) return { status: 'failed', reason: 'bad_record' };
    if (stream[p + 1] !== 3 || stream[p + 2] > 4)
      return { status: 'failed', reason: pieces === 0 ? 'not_tls' : 'bad_record' };
    const length = (stream[p + 3] << 8) | stream[p + 4];
    if (length === 0 || length > MAX_RECORD_BODY) return { status: 'failed', reason: 'bad_record' };
    const bodyStart = p + RECORD_HEADER;
    const bodyEnd = Math.min(bodyStart + length, stream.length);
    const piece = stream.subarray(bodyStart, bodyEnd);
    handshake = pieces === 0 ? piece : concat(handshake, piece);
    pieces++;
    if (needed < 0 && handshake.length >= HANDSHAKE_HEADER) {
      if (handshake[0] !== HANDSHAKE_CLIENT_HELLO) return { status: 'failed', reason: 'not_client_hello' };
      needed = HANDSHAKE_HEADER + ((handshake[1] << 16) | (handshake[2] << 8) | handshake[3]);
    }
    if (needed >= 0 && handshake.length >= needed) {
      const body = handshake.subarray(HANDSHAKE_HEADER, needed);
      const hello = parseClientHelloBody(body);
      return typeof hello === 'string' ? { status: 'failed', reason: hello } : { status: 'ok', hello };
    }
    if (bodyEnd < bodyStart + length) {
      // The record is cut short: at least the rest of it, or of the hello (or its header) if sooner.
      const missing = needed >= 0 ? needed - handshake.length : HANDSHAKE_HEADER - handshake.length;
      const rest = Math.min(bodyStart + length, bodyEnd + missing);
      return incomplete(rest, maxBytes);
    }
    p = bodyStart + length;
  }
}

function incomplete(needed: number, maxBytes: number): ClientHelloOutcome {
  return needed > maxBytes ? { status: 'failed', reason: 'oversize' } : { status: 'incomplete', needed };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
