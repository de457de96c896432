export { flowFactory as default, flowFactory as plugin } from './flow-factory.js';
export { FlowEnricher } from './flow-enricher.js';
export { configSchema, DEFAULT_CONFIG, withDefaults, type FlowConfig } from './config.js';
export { DirectionClassifier } from './direction.js';
export { flowFields } from './flow-fields.js';
export { FlowWindows, type FlowWindowsOptions } from './flow-windows.js';
export { SourceWindow, type ConnectionSighting } from './source-window.js';
export { RecencyMap } from './recency-map.js';
export { PortEntropy, entropyX100, shannonBits } from './entropy.js';
