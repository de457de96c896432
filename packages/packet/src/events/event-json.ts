/**
 * One line of JSON per capture event, for golden files and `glia replay --print events`: `ts` as
 * the decimal string of its nanoseconds, byte arrays (payload, options, message) as lower-case hex,
 * every other field as it is. With a topic, it comes first as "topic".
 *
 * The same text as JSON.stringify(eventToRecord(event, topic)), written straight into one string:
 * `--print events` makes a line per event, and the record object, the entries arrays and the
 * Buffer per byte array were most of what a replay allocated.
 */
export function eventToJson(event: object, topic?: string): string {
  // The event's own "topic" would take the topic's place: rare enough for the general path.
  if (topic !== undefined && Object.prototype.hasOwnProperty.call(event, 'topic')) {
    return JSON.stringify(eventToRecord(event, topic));
  }
  // One reused array of parts and one join: concatenating makes a cons string per piece.
  let n = 0;
  let first = true;
  parts[n++] = '{';
  if (topic !== undefined) {
    parts[n++] = '"topic":';
    parts[n++] = stringJson(topic);
    first = false;
  }
  const fields = event as Record<string, unknown>;
  for (const key in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
    const text = valueJson(fields[key]);
    if (text === undefined) continue;
    if (!first) parts[n++] = ',';
    parts[n++] = keyJson(key);
    parts[n++] = text;
    first = false;
  }
  parts[n++] = '}';
  if (parts.length !== n) parts.length = n;
  return parts.join('');
}

const parts: string[] = [];

export function eventToRecord(event: object, topic?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (topic !== undefined) out.topic = topic;
  for (const [key, value] of Object.entries(event)) {
    if (value === undefined) continue;
    if (typeof value === 'bigint') out[key] = value.toString();
    else if (value instanceof Uint8Array) out[key] = toHex(value);
    else out[key] = value;
  }
  return out;
}

/** Copies of byte arrays to hex-encode, so encoding one needs no Buffer object of its own. */
let hexScratch = Buffer.allocUnsafe(4096);

export function toHex(bytes: Uint8Array): string {
  const n = bytes.byteLength;
  if (n > hexScratch.length) {
    if (n > 1 << 20) return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('hex');
    hexScratch = Buffer.allocUnsafe(Math.max(n, hexScratch.length * 2));
  }
  hexScratch.set(bytes);
  return hexScratch.toString('hex', 0, n);
}

/** `"key":` of each field name seen: events have a handful of them. */
const keyTexts = new Map<string, string>();

function keyJson(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`;
    if (keyTexts.size < 1024) keyTexts.set(key, text);
  }
  return text;
}

/**
 * The JSON of string values seen lately: interface names, directions, protocols and the addresses
 * of busy flows repeat from one event to the next. Emptied when full, so it stays bounded.
 */
const stringTexts = new Map<string, string>();
const MAX_STRING_TEXTS = 4096;

function stringJson(value: string): string {
  let text = stringTexts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    if (value.length <= 64) {
      if (stringTexts.size >= MAX_STRING_TEXTS) stringTexts.clear();
      stringTexts.set(value, text);
    }
  }
  return text;
}

/** A field's JSON as JSON.stringify writes it inside the record; undefined when it leaves it out. */
function valueJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringJson(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString()}"`;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      if (value instanceof Uint8Array) return `"${toHex(value)}"`;
      return JSON.stringify(value);
  }
}
