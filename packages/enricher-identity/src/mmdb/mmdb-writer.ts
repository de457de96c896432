import type { Cidr } from '@glia/core';
import { ByteSink, encodeValue, type MmdbValue } from './data-encoder.js';
import { NetworkOverlapError, SearchTree } from './search-tree.js';

/** Marks the start of the metadata (MaxMind DB spec v2.0, "Database Metadata"). */
export const METADATA_MARKER = new Uint8Array([0xab, 0xcd, 0xef, ...new TextEncoder().encode('MaxMind.com')]);

export interface MmdbWriterOptions {
  /** The metadata's database_type: what the records mean. */
  databaseType: string;
  description?: string;
  /** Seconds since the epoch; default now. */
  buildEpoch?: number;
  /** The smallest record size to use; the writer goes larger when the data needs it. Default 24. */
  recordSize?: 24 | 28 | 32;
}

export { NetworkOverlapError };

/**
 * Writes a MaxMind DB file (an IPv6 tree holding IPv4 networks at ::/96) from networks and their
 * records. Identical records are stored once and shared by every network that has them.
 */
export class MmdbWriter {
  private readonly tree = new SearchTree();
  private readonly data = new ByteSink();
  private readonly offsets = new Map<string, number>();
  private networks = 0;

  constructor(private readonly options: MmdbWriterOptions) {}

  get size(): number {
    return this.networks;
  }

  /** Adds a network; throws NetworkOverlapError when it overlaps one already added. */
  insert(network: Cidr, record: MmdbValue): void {
    const encoded = new ByteSink();
    encodeValue(encoded, record);
    const bytes = encoded.view();
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    let offset = this.offsets.get(key);
    const fresh = offset === undefined;
    if (offset === undefined) offset = this.data.length;
    this.tree.insert(network, offset);
    if (fresh) {
      this.data.append(bytes);
      this.offsets.set(key, offset);
    }
    this.networks++;
  }

  /** The whole file: search tree, 16-byte separator, data section, marker, metadata. */
  toBuffer(): Buffer {
    const dataBytes = this.data.view();
    const {
      bytes: tree,
      nodeCount,
      recordSize,
    } = this.tree.serialize(dataBytes.length, this.options.recordSize);
    const metadata = new ByteSink();
    const description: Record<string, MmdbValue> = {};
    if (this.options.description !== undefined) description.en = this.options.description;
    encodeValue(metadata, {
      binary_format_major_version: { uint16: 2 },
      binary_format_minor_version: { uint16: 0 },
      build_epoch: { uint64: BigInt(this.options.buildEpoch ?? Math.floor(Date.now() / 1000)) },
      database_type: this.options.databaseType,
      description,
      ip_version: { uint16: 6 },
      languages: [],
      node_count: { uint32: nodeCount },
      record_size: { uint16: recordSize },
    });
    return Buffer.concat([tree, new Uint8Array(16), dataBytes, METADATA_MARKER, metadata.view()]);
  }
}
