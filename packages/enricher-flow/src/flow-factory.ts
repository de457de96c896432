import type { PluginFactory } from '@glia/core';
import { configSchema, flowLimits, type FlowConfig } from './config.js';
import { FLOW_FIELDS } from './fields.js';
import { FlowEnricher } from './flow-enricher.js';

export const flowFactory: PluginFactory<Partial<FlowConfig>, FlowEnricher> = {
  type: 'flow',
  kind: 'enricher',
  description:
    'ids.* direction fields (home_net, pod_nets) and per-source flow.* window fields (scans, rates, port entropy)',
  configSchema,
  fields: FLOW_FIELDS,
  create(ctx, config) {
    return new FlowEnricher(ctx, flowLimits(config, ctx.memory));
  },
};
