export { fqdnPlugin, fqdnPlugin as default, fqdnPlugin as plugin } from './plugin.js';
export { FqdnEnricher } from './fqdn-enricher.js';
export { FQDN_FIELDS } from './fields.js';
export { FqdnStore, freeCounters, type FqdnStoreLimits, type FqdnStoreCounters } from './fqdn-store.js';
export { FqdnMetrics, type SkipReason } from './fqdn-metrics.js';
export { FQDN_DEFAULTS, fqdnConfigSchema, resolveFqdnConfig, type FqdnConfig } from './config.js';
export {
  ResponseParser,
  canonicalName,
  type ParsedResponse,
  type UsableAnswer,
  type AddressAnswer,
  type CnameAnswer,
  type IgnoredReason,
} from './response-parser.js';
export { resolveChains, MAX_CHAIN_NAMES, type Resolution, type ChainOutcome } from './cname-chain.js';
export { NameWalker, MAX_POINTER_HOPS, type MalformedReason } from './name-walk.js';
