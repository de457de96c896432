export { blocklogFactory as default, blocklogFactory as plugin, outputFor } from './blocklog-factory.js';
export { BlocklogSink, type BlocklogSinkOptions } from './blocklog-sink.js';
export { configSchema, DEFAULT_CONFIG, withDefaults, type BlocklogConfig } from './config.js';
export {
  auditAction,
  auditRecord,
  rfc3339Nanos,
  RECORDED_FIELDS,
  type AuditAction,
  type AuditEdge,
  type AuditIdentity,
  type AuditRecord,
} from './record.js';
export { StreamOutput, type LineOutput } from './output.js';
export { RotatingFile, type RotationPolicy } from './rotating-file.js';
