/** Builds TLS ClientHello records for tests, byte by byte, so each corner case is explicit. */
export interface HelloSpec {
  legacyVersion?: number;
  sessionId?: number[];
  cipherSuites?: number[];
  /** host_name entries; an entry may be [type, name] for other name types. */
  serverNames?: Array<string | [number, string]>;
  alpn?: string[];
  supportedVersions?: number[];
  ech?: boolean;
  /** Extra extensions as [type, data]. */
  extra?: Array<[number, number[]]>;
  /** Leave out the extensions block entirely. */
  noExtensions?: boolean;
}

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number) => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const text = (s: string) => [...Buffer.from(s, 'latin1')];

export function extension(type: number, data: number[]): number[] {
  return [...u16(type), ...u16(data.length), ...data];
}

/** The ClientHello handshake body (after the 4-byte handshake header). */
export function helloBody(spec: HelloSpec = {}): number[] {
  const sessionId = spec.sessionId ?? Array.from({ length: 32 }, (_, i) => i);
  const suites = spec.cipherSuites ?? [0x1301, 0x1302, 0xc02f];
  const body = [
    ...u16(spec.legacyVersion ?? 0x0303),
    ...Array.from({ length: 32 }, (_, i) => (i * 7) & 0xff),
    sessionId.length,
    ...sessionId,
    ...u16(suites.length * 2),
    ...suites.flatMap(u16),
    1,
    0,
  ];
  if (spec.noExtensions) return body;
  const exts: number[] = [];
  if (spec.serverNames !== undefined) {
    const list = spec.serverNames.flatMap((n) => {
      const [type, name] = typeof n === 'string' ? [0, n] : n;
      return [type, ...u16(name.length), ...text(name)];
    });
    exts.push(...extension(0, [...u16(list.length), ...list]));
  }
  exts.push(...extension(0x0017, [])); // extended_master_secret, ignored
  if (spec.alpn !== undefined) {
    const list = spec.alpn.flatMap((p) => [p.length, ...text(p)]);
    exts.push(...extension(16, [...u16(list.length), ...list]));
  }
  if (spec.supportedVersions !== undefined) {
    const list = spec.supportedVersions.flatMap(u16);
    exts.push(...extension(43, [list.length, ...list]));
  }
  if (spec.ech) exts.push(...extension(0xfe0d, [0, 0, 1, 0, 1, 7, 0, 0]));
  for (const [type, data] of spec.extra ?? []) exts.push(...extension(type, data));
  return [...body, ...u16(exts.length), ...exts];
}

/** A handshake message around a body. */
export function handshake(body: number[], type = 1): number[] {
  return [type, ...u24(body.length), ...body];
}

/** TLS records of content type 22 carrying `message`, split into records of at most `recordSize`. */
export function records(message: number[], recordSize = 16384, version = 0x0301): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < message.length; i += recordSize) {
    const piece = message.slice(i, i + recordSize);
    out.push(22, ...u16(version), ...u16(piece.length), ...piece);
  }
  return Uint8Array.from(out);
}

/** A whole ClientHello in one record. */
export function clientHello(spec: HelloSpec = {}): Uint8Array {
  return records(handshake(helloBody(spec)));
}
