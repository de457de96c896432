/**
 * One line of JSON per capture event, for golden files and `glia replay --print events`: `ts` as
 * the decimal string of its nanoseconds, byte arrays (payload, options, message) as lower-case hex,
 * every other field as it is. With a topic, it comes first as "topic".
 */
export function eventToJson(event: object, topic?: string): string {
  return JSON.stringify(eventToRecord(event, topic));
}

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

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
