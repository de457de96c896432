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

/**
 * The field namespaces each built-in enricher owns (a field named `ns` or `ns.…`). Used only to
 * tell a user that a field belongs to a built-in whose package is not installed in this build; an
 * installed plugin's own declaration is what counts, and a test checks that each declares only
 * names inside its namespaces.
 */
export const BUILTIN_FIELD_NAMESPACES: Readonly<Record<string, readonly string[]>> = {
  core: ['ip', 'tcp', 'udp', 'net', 'conn'],
  identity: ['identity', 'edge'],
  fqdn: ['dns'],
  services: ['service'],
  ja4t: ['ja4t', 'ja4ts'],
  flow: ['flow', 'ids'],
  tls: ['tls'],
};

/** The built-in (or "core") whose namespace a field name falls in. */
export function builtinOwnerOf(field: string): string | undefined {
  for (const [owner, namespaces] of Object.entries(BUILTIN_FIELD_NAMESPACES)) {
    if (namespaces.some((ns) => field === ns || field.startsWith(`${ns}.`))) return owner;
  }
  return undefined;
}
