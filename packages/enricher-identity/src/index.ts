export {
  readIdentityRecord,
  identityRecordData,
  sameIdentity,
  UNKNOWN_NAMESPACE,
  type IdentityRecord,
} from './record/identity-record.js';
export {
  MmdbWriter,
  NetworkOverlapError,
  METADATA_MARKER,
  type MmdbWriterOptions,
} from './mmdb/mmdb-writer.js';
export type { MmdbValue, MmdbInteger } from './mmdb/data-encoder.js';
export {
  buildIdentityMmdb,
  IdentityBaseline,
  BaselineFormatError,
  IDENTITY_DATABASE_TYPE,
  type BaselineMatch,
} from './mmdb/identity-mmdb.js';
export {
  parseInventory,
  formatInventoryProblem,
  type InventoryEntry,
  type InventoryProblem,
} from './inventory/inventory.js';
export { networkText, canonicalNetwork } from './inventory/network-text.js';
