import type { PluginFactory } from '@glia/core';
import { resolveTlsConfig, tlsConfigSchema, type TlsConfig } from './config.js';
import { TLS_FIELDS } from './fields.js';
import { TlsEnricher } from './plugin.js';

export { parseClientHelloBody, isGrease, type ClientHello, type ClientHelloProblem } from './client-hello.js';
export { readClientHello, type ClientHelloOutcome, type ClientHelloFailure } from './tls-records.js';
export { StreamBuffer } from './stream-buffer.js';
export { HelloAssembler, HELLO_MAX_BYTES, type AssemblyResult } from './hello-assembler.js';
export { TlsEdgeStore, type TlsFacts, type TlsConnection } from './tls-edge-store.js';
export { TlsEnricher } from './plugin.js';
export { TLS_FIELDS } from './fields.js';
export { tlsConfigSchema, resolveTlsConfig, TLS_DEFAULTS, type TlsConfig } from './config.js';

/** The `tls` enricher factory. */
export const plugin: PluginFactory<Partial<TlsConfig>, TlsEnricher> = {
  type: 'tls',
  kind: 'enricher',
  description: 'TLS SNI and ALPN from each client ClientHello, reassembled across TCP segments',
  configSchema: tlsConfigSchema,
  fields: TLS_FIELDS,
  create: (ctx, config) => new TlsEnricher(ctx, resolveTlsConfig(config, ctx.memory)),
};

export default plugin;
