/**
 * Encodes values in the MaxMind DB data-section format (MaxMind DB spec v2.0, "Output Data
 * Section"): a control byte with the type in its top three bits (0 = extended, type - 7 in the
 * next byte) and the payload size in its low five, then the big-endian payload.
 */

/** Integer types need saying: the metadata requires uint16/uint32/uint64 exactly. */
export type MmdbInteger = { uint16: number } | { uint32: number } | { uint64: bigint } | { int32: number };

export type MmdbValue =
  string | boolean | number | MmdbInteger | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

const TYPE = {
  utf8: 2,
  double: 3,
  uint16: 5,
  uint32: 6,
  map: 7,
  int32: 8,
  uint64: 9,
  array: 11,
  boolean: 14,
} as const;

/** A growable byte buffer the encoder appends to. */
export class ByteSink {
  private bytes = new Uint8Array(256);
  length = 0;

  push(...values: number[]): void {
    this.reserve(values.length);
    for (const v of values) this.bytes[this.length++] = v;
  }

  append(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** The largest payload size a control byte can state (65 821 + 2^24 - 1). */
export const MAX_PAYLOAD = 16_843_036;

function control(out: ByteSink, type: number, size: number): void {
  if (size > MAX_PAYLOAD) throw new RangeError(`an MMDB field holds at most ${MAX_PAYLOAD} bytes or items`);
  const extended = type > 7;
  const first = (extended ? 0 : type << 5) & 0xff;
  let sizeBits: number;
  let tail: number[];
  if (size < 29) {
    sizeBits = size;
    tail = [];
  } else if (size < 285) {
    sizeBits = 29;
    tail = [size - 29];
  } else if (size < 65_821) {
    sizeBits = 30;
    const s = size - 285;
    tail = [s >> 8, s & 0xff];
  } else {
    sizeBits = 31;
    const s = size - 65_821;
    tail = [s >> 16, (s >> 8) & 0xff, s & 0xff];
  }
  out.push(first | sizeBits);
  if (extended) out.push(type - 7);
  out.push(...tail);
}

/** Minimal big-endian bytes of a non-negative integer (zero has none). */
function unsignedBytes(value: bigint): number[] {
  const bytes: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  return bytes;
}

const encoder = new TextEncoder();

export function encodeValue(out: ByteSink, value: MmdbValue): void {
  if (typeof value === 'string') {
    const bytes = encoder.encode(value);
    control(out, TYPE.utf8, bytes.length);
    out.append(bytes);
  } else if (typeof value === 'boolean') {
    control(out, TYPE.boolean, value ? 1 : 0);
  } else if (typeof value === 'number') {
    encodeNumber(out, value);
  } else if (Array.isArray(value)) {
    control(out, TYPE.array, value.length);
    for (const item of value as readonly MmdbValue[]) encodeValue(out, item);
  } else if ('uint16' in value || 'uint32' in value || 'uint64' in value || 'int32' in value) {
    encodeInteger(out, value as MmdbInteger);
  } else {
    const entries = Object.entries(value as { [key: string]: MmdbValue });
    control(out, TYPE.map, entries.length);
    for (const [key, item] of entries) {
      encodeValue(out, key);
      encodeValue(out, item);
    }
  }
}

/** Plain numbers: unsigned integers as uint32 (uint64 past it), negative ones as int32, else double. */
function encodeNumber(out: ByteSink, value: number): void {
  if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff)
    return encodeInteger(out, { uint32: value });
  if (Number.isSafeInteger(value) && value > 0) return encodeInteger(out, { uint64: BigInt(value) });
  if (Number.isInteger(value) && value >= -0x80000000 && value < 0)
    return encodeInteger(out, { int32: value });
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value);
  control(out, TYPE.double, 8);
  out.append(bytes);
}

function encodeInteger(out: ByteSink, value: MmdbInteger): void {
  if ('int32' in value) {
    const v = value.int32;
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff)
      throw new RangeError(`${v} is not an int32`);
    // Two's complement in four bytes; positive values use the minimal length.
    const bytes = v < 0 ? unsignedBytes(BigInt(v >>> 0)) : unsignedBytes(BigInt(v));
    control(out, TYPE.int32, bytes.length);
    out.push(...bytes);
    return;
  }
  const [type, v, bits] =
    'uint16' in value
      ? [TYPE.uint16, BigInt(value.uint16), 16n]
      : 'uint32' in value
        ? [TYPE.uint32, BigInt(value.uint32), 32n]
        : [TYPE.uint64, value.uint64, 64n];
  if (v < 0n || v >= 1n << bits) throw new RangeError(`${v} does not fit an unsigned ${bits}-bit integer`);
  const bytes = unsignedBytes(v);
  control(out, type, bytes.length);
  out.push(...bytes);
}
