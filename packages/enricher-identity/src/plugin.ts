import type { PluginFactory } from '@glia/core';
import { identityConfigSchema, type IdentityConfig } from './config.js';
import { IDENTITY_FIELDS } from './fields.js';
import { IdentityEnricher } from './identity-enricher.js';

/** The `identity` enricher factory: workload identity of addresses, declared edges, pushed rules. */
export const identityPlugin: PluginFactory<Partial<IdentityConfig>, IdentityEnricher> = {
  type: 'identity',
  kind: 'enricher',
  description:
    'Workload identity of client and server (identity.k8s.*, labels) from a baseline MMDB and control-plane deltas; declared edges (edge.declared, edge.policy_violation)',
  configSchema: identityConfigSchema,
  fields: IDENTITY_FIELDS,
  create(ctx, config) {
    return new IdentityEnricher(ctx, config);
  },
};
