import type { PluginFactory } from '@glia/core';
import { fqdnConfigSchema, resolveFqdnConfig, type FqdnConfig } from './config.js';
import { FQDN_FIELDS } from './fields.js';
import { FqdnEnricher } from './fqdn-enricher.js';

/** The `fqdn` enricher factory: DNS names of destination IPs, from the DNS responses seen. */
export const fqdnPlugin: PluginFactory<Partial<FqdnConfig>, FqdnEnricher> = {
  type: 'fqdn',
  kind: 'enricher',
  description:
    'DNS names of destination IPs (dns.fqdn, dns.fqdns), learned from DNS responses in packet time',
  configSchema: fqdnConfigSchema,
  fields: FQDN_FIELDS,
  create(ctx, config) {
    return new FqdnEnricher(ctx, resolveFqdnConfig(config, ctx.memory));
  },
};
