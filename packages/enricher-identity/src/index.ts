export { identityPlugin, identityPlugin as default, identityPlugin as plugin } from './plugin.js';
export { IdentityEnricher } from './identity-enricher.js';
export { IDENTITY_FIELDS } from './fields.js';
export {
  identityConfigSchema,
  resolveIdentityConfig,
  IDENTITY_DEFAULTS,
  type IdentityConfig,
  type ResolvedIdentityConfig,
} from './config.js';
export { PUSHED_RULES_TOPIC, type PushedRules } from './pushed-rules.js';
export { IdentityStore, type IdentityStoreLimits, type IdentityStoreCounters } from './identity-store.js';
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
export {
  DeltaSequence,
  type DeltaPosition,
  type SequencedDelta,
  type SequenceVerdict,
} from './overlay/delta-sequence.js';
export {
  DeltaSync,
  type DeltaSyncOptions,
  type DeltaSyncCounters,
  type ReceiveOutcome,
} from './overlay/delta-sync.js';
export { IdentityOverlay, type OverlayMatch } from './overlay/identity-overlay.js';
export { readIdentityDelta, type IdentityDelta, type IdentityDeltaJson } from './overlay/identity-delta.js';
export {
  parsePolicyEdges,
  parseEdgeLine,
  edgeLineText,
  formatEdgesProblem,
  type EdgeLine,
  type EdgesProblem,
} from './edges/policy-edges.js';
export { DeclaredEdges, type EdgeEndpoint, type EdgeDecision } from './edges/declared-edges.js';
export { readEdgesDelta, type EdgesDelta } from './edges/edges-delta.js';
export { SseClient, type SseEvent, type SseClientOptions } from './stream/sse-client.js';
export { STREAM_EVENTS } from './stream/control-plane-stream.js';
export { fetchDocument, HttpStatusError, type ControlPlaneAuth } from './stream/http-request.js';
export { DocumentSource, POSITION_HEADERS, type FetchedDocument } from './sources/document-source.js';
