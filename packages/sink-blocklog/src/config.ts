import type { JsonSchema } from '@glia/core';

/** The `blocklog` sink's config entry, defaults applied. */
export interface BlocklogConfig {
  /** "stdout", "stderr", or a file path (relative paths resolve against the config's directory). */
  file: string;
  /** A file is rotated before a record would take it past this many bytes. */
  max_bytes: number;
  /** Rotated files kept beside the live one: file.1 (newest) … file.N. */
  max_files: number;
  /** Records the write queue holds before it drops (and counts) new ones. */
  queue: number;
}

export const DEFAULT_CONFIG: Readonly<BlocklogConfig> = {
  file: 'stdout',
  max_bytes: 100 * 1024 * 1024,
  max_files: 5,
  queue: 65536,
};

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    file: { type: 'string', minLength: 1, default: DEFAULT_CONFIG.file },
    // Below a few KiB every record would get its own file; 1 KiB is the floor that still makes sense.
    max_bytes: { type: 'integer', minimum: 1024, default: DEFAULT_CONFIG.max_bytes },
    max_files: { type: 'integer', minimum: 0, maximum: 1000, default: DEFAULT_CONFIG.max_files },
    queue: { type: 'integer', minimum: 1, default: DEFAULT_CONFIG.queue },
  },
};

/**
 * Fills in defaults for keys the caller left out. The agent's loader already applies the schema's
 * defaults; this keeps create() correct when it is called directly (tests, embedders).
 */
export function withDefaults(config: Partial<BlocklogConfig>): BlocklogConfig {
  return {
    file: config.file ?? DEFAULT_CONFIG.file,
    max_bytes: config.max_bytes ?? DEFAULT_CONFIG.max_bytes,
    max_files: config.max_files ?? DEFAULT_CONFIG.max_files,
    queue: config.queue ?? DEFAULT_CONFIG.queue,
  };
}
