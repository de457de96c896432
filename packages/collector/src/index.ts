export { Collector, storeFor, type CollectorOptions } from './collector.js';
export {
  collectorConfig,
  collectorSchema,
  DEFAULT_COLLECTOR_CONFIG,
  loadCollectorConfig,
  parseListen,
  type CollectorConfig,
  type StoreConfig,
} from './config.js';
export { parseGraphQuery, parseTime, type GraphFormat, type GraphQuery } from './graph-query.js';
export { MmdbIdentity, identityOf } from './mmdb-identity.js';
export type { AgentRecord, GraphStore, StoreCounts } from './store/graph-store.js';
export { SqliteStore } from './store/sqlite-store.js';
export { PostgresStore, CHANGE_CHANNEL } from './store/postgres-store.js';
