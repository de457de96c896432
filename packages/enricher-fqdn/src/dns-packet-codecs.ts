import dnsPacket from 'dns-packet';

/**
 * dns-packet's record-level codecs. The library exports them (`answer`, `name`) but
 * @types/dns-packet only declares the whole-message API. glia decodes record by record so that
 * only the records it needs are decoded, each after its names passed the bounded walk, and a bad
 * record late in a message does not cost the good ones before it.
 */
export interface DecodedRecord {
  name: string;
  type: string;
  class?: string;
  ttl?: number;
  flush?: boolean;
  data?: unknown;
}

interface Codec<T> {
  decode: ((buf: Buffer, offset: number) => T) & { bytes: number };
}

interface RecordCodecs {
  answer: Codec<DecodedRecord>;
  name: Codec<string>;
}

export const codecs = dnsPacket as unknown as RecordCodecs;
