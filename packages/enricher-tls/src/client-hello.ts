/**
 * What glia reads from a TLS ClientHello: the server names, the ALPN protocols and the versions
 * offered. Everything else in the hello is skipped over, but its lengths are checked.
 */
export interface ClientHello {
  /** host_name entries of the server_name extension, as sent (ECH: the outer, public name). */
  serverNames: string[];
  /** application_layer_protocol_negotiation protocols, in the client's order. */
  alpn: string[];
  /** The legacy client_version field (0x0303 for TLS 1.2 and 1.3). */
  legacyVersion: number;
  /** supported_versions extension, GREASE values removed; empty when absent. */
  supportedVersions: number[];
  /** The highest version offered: the largest supported_versions entry, else legacyVersion. */
  version: number;
  /** Whether an encrypted_client_hello extension (0xfe0d) is present. */
  ech: boolean;
}

export type ClientHelloProblem = 'malformed_hello' | 'malformed_extension';

const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const EXT_SUPPORTED_VERSIONS = 0x002b;
const EXT_ECH = 0xfe0d;
const SNI_HOST_NAME = 0;

/** GREASE values (RFC 8701) look like 0x?A?A with both bytes equal. */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}

/**
 * Parses the body of a ClientHello handshake message (after its 4-byte handshake header). Returns
 * the hello, or what is wrong with it; never throws.
 */
export function parseClientHelloBody(body: Uint8Array): ClientHello | ClientHelloProblem {
  const end = body.length;
  // legacy_version(2) random(32) session_id<0..32>
  if (end < 35) return 'malformed_hello';
  const legacyVersion = u16(body, 0);
  let p = 34;
  const sessionIdLength = body[p];
  if (sessionIdLength > 32) return 'malformed_hello';
  p += 1 + sessionIdLength;
  if (p + 2 > end) return 'malformed_hello';
  const suitesLength = u16(body, p);
  if (suitesLength < 2 || suitesLength % 2 !== 0) return 'malformed_hello';
  p += 2 + suitesLength;
  if (p + 1 > end) return 'malformed_hello';
  const compressionLength = body[p];
  if (compressionLength < 1) return 'malformed_hello';
  p += 1 + compressionLength;
  if (p > end) return 'malformed_hello';

  const hello: ClientHello = {
    serverNames: [],
    alpn: [],
    legacyVersion,
    supportedVersions: [],
    version: legacyVersion,
    ech: false,
  };
  // A hello may end right after the compression methods (no extensions at all).
  if (p === end) return hello;
  if (p + 2 > end) return 'malformed_hello';
  const extensionsEnd = p + 2 + u16(body, p);
  if (extensionsEnd > end) return 'malformed_hello';
  p += 2;
  while (p < extensionsEnd) {
    if (p + 4 > extensionsEnd) return 'malformed_extension';
    const type = u16(body, p);
    const dataEnd = p + 4 + u16(body, p + 2);
    if (dataEnd > extensionsEnd) return 'malformed_extension';
    const ok = readExtension(hello, type, body, p + 4, dataEnd);
    if (!ok) return 'malformed_extension';
    p = dataEnd;
  }
  if (hello.supportedVersions.length > 0) hello.version = Math.max(...hello.supportedVersions);
  return hello;
}

function readExtension(hello: ClientHello, type: number, b: Uint8Array, start: number, end: number): boolean {
  switch (type) {
    case EXT_SERVER_NAME: {
      if (start === end) return true; // empty in a ServerHello-style echo; nothing to read
      if (start + 2 > end || start + 2 + u16(b, start) !== end) return false;
      for (let p = start + 2; p < end;) {
        if (p + 3 > end) return false;
        const nameEnd = p + 3 + u16(b, p + 1);
        if (nameEnd > end) return false;
        if (b[p] === SNI_HOST_NAME) hello.serverNames.push(ascii(b, p + 3, nameEnd));
        p = nameEnd;
      }
      return true;
    }
    case EXT_ALPN: {
      if (start + 2 > end || start + 2 + u16(b, start) !== end) return false;
      for (let p = start + 2; p < end;) {
        const protoEnd = p + 1 + b[p];
        if (protoEnd > end || protoEnd === p + 1) return false;
        hello.alpn.push(ascii(b, p + 1, protoEnd));
        p = protoEnd;
      }
      return true;
    }
    case EXT_SUPPORTED_VERSIONS: {
      if (start + 1 > end || start + 1 + b[start] !== end || b[start] % 2 !== 0) return false;
      for (let p = start + 1; p < end; p += 2) {
        const v = u16(b, p);
        if (!isGrease(v)) hello.supportedVersions.push(v);
      }
      return true;
    }
    case EXT_ECH:
      hello.ech = true;
      return true;
    default:
      return true;
  }
}

function u16(b: Uint8Array, p: number): number {
  return (b[p] << 8) | b[p + 1];
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}
