import type { PluginKind } from './api.js';

/** Built-in plugin types and the packages that provide them; they load like any other plugin. */
export const BUILTIN_PLUGINS: Readonly<Record<PluginKind, Readonly<Record<string, string>>>> = {
  capture: {
    pcap: '@glia/capture-pcap',
    tcx: '@glia/capture-tcx',
    xdp: '@glia/capture-xdp',
    af_packet: '@glia/capture-afpacket',
  },
  enricher: {
    identity: '@glia/enricher-identity',
    fqdn: '@glia/enricher-fqdn',
    services: '@glia/enricher-services',
    ja4t: '@glia/enricher-ja4t',
    flow: '@glia/enricher-flow',
    tls: '@glia/enricher-tls',
  },
  sink: {
    blocklog: '@glia/sink-blocklog',
    enforcement: '@glia/sink-enforcement',
    service_graph: '@glia/sink-service-graph',
  },
};

/** Config section → the plugin kind its entries must be. */
export const SECTION_KIND = { capture: 'capture', enrichers: 'enricher', sinks: 'sink' } as const;
export type PluginSection = keyof typeof SECTION_KIND;
