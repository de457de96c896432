import { isAbsolute, resolve } from 'node:path';
import type { PluginContext, PluginFactory } from '@glia/core';
import { BlocklogSink } from './blocklog-sink.js';
import { configSchema, withDefaults, type BlocklogConfig } from './config.js';
import { StreamOutput, type LineOutput } from './output.js';
import { RotatingFile } from './rotating-file.js';

/** Builds the output a config names; nothing is opened until start(). */
export function outputFor(ctx: PluginContext, config: BlocklogConfig): LineOutput {
  if (config.file === 'stdout' || config.file === 'stderr') return new StreamOutput(config.file);
  const path = isAbsolute(config.file) ? config.file : resolve(ctx.baseDir, config.file);
  return new RotatingFile(path, { maxBytes: config.max_bytes, maxFiles: config.max_files });
}

export const blocklogFactory: PluginFactory<Partial<BlocklogConfig>, BlocklogSink> = {
  type: 'blocklog',
  kind: 'sink',
  description: 'Block log: one JSON audit record per verdict (Block, WouldBlock, Notice, Allow)',
  configSchema,
  create(ctx, partial) {
    const config = withDefaults(partial);
    return new BlocklogSink(ctx, outputFor(ctx, config), { queueCapacity: config.queue });
  },
};
