export { flowFactory as default, flowFactory as plugin } from './flow-factory.js';
export { FlowEnricher } from './flow-enricher.js';
export {
  configSchema,
  DEFAULT_CONFIG,
  flowLimits,
  BYTES_PER_SOURCE,
  BYTES_PER_ENTRY,
  type FlowConfig,
  type FlowLimits,
} from './config.js';
export { DirectionClassifier } from './direction.js';
export { flowResolvers } from './flow-fields.js';
export { FLOW_FIELDS } from './fields.js';
export { FlowWindows, type FlowWindowsOptions } from './flow-windows.js';
export { SourceWindow, type ConnectionSighting } from './source-window.js';
export { RecencyMap } from './recency-map.js';
export { RecencyList, type RecencyNode } from './recency-list.js';
export { PortEntropy, entropyX100, shannonBits } from './entropy.js';
