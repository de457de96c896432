import type { PluginFactory } from '@glia/core';
import { configSchema, withDefaults, type ServiceGraphConfig } from './config.js';
import { ServiceGraphSink } from './service-graph-sink.js';

export const serviceGraphFactory: PluginFactory<
  Partial<ServiceGraphConfig> & { url: string },
  ServiceGraphSink
> = {
  type: 'service_graph',
  kind: 'sink',
  description: 'Service graph: edges and node facts, uploaded as observed slices to a glia collector',
  configSchema,
  create(ctx, partial) {
    return new ServiceGraphSink(ctx, withDefaults(partial));
  },
};
