export { serviceGraphFactory as default, serviceGraphFactory as plugin } from './service-graph-factory.js';
export { ServiceGraphSink, type ServiceGraphSinkOptions } from './service-graph-sink.js';
export { configSchema, DEFAULT_CONFIG, withDefaults, type ServiceGraphConfig } from './config.js';
export {
  Uploader,
  type PendingSlice,
  type SendFn,
  type UploaderCounters,
  type UploaderOptions,
} from './uploader.js';
export { retryDelay } from './backoff.js';
export { FACT_FIELDS, recordNodeFacts, type FieldGetter } from './node-facts-from-fields.js';
export { GraphRecorder } from './graph-recorder.js';
