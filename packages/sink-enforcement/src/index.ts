import type { PluginFactory } from '@glia/core';
import { configSchema, type EnforcementConfig } from './config.js';
import { EnforcementSink } from './enforcement-sink.js';

export { EnforcementSink, edgeOf } from './enforcement-sink.js';
export { EdgeTable, banKey, type BanEntry } from './edge-table.js';
export { NeverBanGuard, localAddresses } from './guard.js';
export { enforcementRecord, type EnforcementAction, type EnforcementRecord } from './audit.js';
export { configSchema, DEFAULTS, type EnforcementConfig } from './config.js';

/** The `enforcement` sink: drop verdicts become per-edge bans in the kernel, with TTLs. */
const factory: PluginFactory<EnforcementConfig, EnforcementSink> = {
  type: 'enforcement',
  kind: 'sink',
  description:
    'Installs drop verdicts as per-edge bans in the tcx banned_edges map (TTL, never-ban guard, audit)',
  configSchema,
  create: (ctx, config) => new EnforcementSink(ctx, config),
};

export default factory;
export const plugin = factory;
