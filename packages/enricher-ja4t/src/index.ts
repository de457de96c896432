import type { PluginFactory } from '@glia/core';
import { ja4tConfigSchema, resolveJa4tConfig, type Ja4tConfig } from './config.js';
import { JA4T_FIELDS } from './fields.js';
import { Ja4tEnricher } from './plugin.js';

export { ja4t, formatJa4t, fingerprintable, FLAGS_SYN, FLAGS_SYN_ACK } from './ja4t.js';
export { ja4tsDelaySuffix, JA4TS_MAX_SYNACKS } from './ja4ts-delays.js';
export { parseTcpOptions, type TcpOptions } from './tcp-options.js';
export {
  NodeFingerprintStore,
  type NodeFingerprints,
  MAX_JA4T_PER_NODE,
  MAX_PORTS_PER_NODE,
} from './node-fingerprints.js';
export { Ja4tEnricher } from './plugin.js';
export { JA4T_FIELDS } from './fields.js';
export { ja4tConfigSchema, resolveJa4tConfig, DEFAULT_MAX_NODES, type Ja4tConfig } from './config.js';

/** The `ja4t` enricher factory (JA4T/JA4TS are under the FoxIO License 1.1; see NOTICE). */
export const plugin: PluginFactory<Partial<Ja4tConfig>, Ja4tEnricher> = {
  type: 'ja4t',
  kind: 'enricher',
  description: 'JA4T/JA4TS passive TCP fingerprints of clients and servers (FoxIO License 1.1)',
  configSchema: ja4tConfigSchema,
  fields: JA4T_FIELDS,
  create: (ctx, config) => new Ja4tEnricher(ctx, resolveJa4tConfig(config, ctx.memory)),
};

export default plugin;
