import type { JsonSchema, NetworkSettings } from '@glia/core';

export interface TcxConfig {
  /** Devices whose ingress is observed (east-west, decapsulated traffic: cilium_vxlan, eth0 ...). */
  interfaces?: string[];
  /** Devices whose egress is observed; "auto" is the default-route device. */
  egress_interfaces?: string[];
  /** CIDRs an egress packet's source must be in; "network" = network.home_net + pod_nets; [] = all. */
  egress_sources?: 'network' | string[];
  max_flows?: number;
  ring_bytes?: number;
  /** Where tcx is missing (kernel < 6.6), attach as legacy tc clsact filters instead of failing. */
  legacy_tc?: boolean;
  /** A bpffs directory to pin banned_edges and flows in (optional: descriptors are the default). */
  pin_dir?: string;
}

export const DEFAULTS = {
  egress_interfaces: ['auto'],
  egress_sources: 'network',
  max_flows: 65536,
  ring_bytes: 8 << 20,
  legacy_tc: true,
} as const;

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    interfaces: {
      description: 'Devices whose ingress is observed',
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
    },
    egress_interfaces: {
      description: 'Devices whose egress is observed; "auto" is the default-route device',
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: DEFAULTS.egress_interfaces,
    },
    egress_sources: {
      description:
        'CIDRs an egress packet source must be in to be observed: "network" (home_net + pod_nets), or a list ([] observes all)',
      oneOf: [{ const: 'network' }, { type: 'array', items: { type: 'string', format: 'cidr' } }],
      default: DEFAULTS.egress_sources,
    },
    max_flows: {
      description: 'Flows the observer remembers at once (LRU)',
      type: 'integer',
      minimum: 1024,
      maximum: 16777216,
      default: DEFAULTS.max_flows,
    },
    ring_bytes: {
      description: 'Ring buffer size in bytes (a power of two, at least 64 KiB)',
      type: 'integer',
      minimum: 65536,
      maximum: 1073741824,
      default: DEFAULTS.ring_bytes,
    },
    legacy_tc: {
      description: 'Where the kernel has no tcx, attach as legacy tc clsact filters',
      type: 'boolean',
      default: DEFAULTS.legacy_tc,
    },
    pin_dir: { description: 'A bpffs directory to pin the maps in (optional)', type: 'string', minLength: 1 },
  },
};

/** The CIDRs of egress_sources, or null when every source is observed. */
export function egressSources(config: TcxConfig, network: NetworkSettings): string[] | null {
  const sources = config.egress_sources ?? DEFAULTS.egress_sources;
  const list = sources === 'network' ? [...network.home_net, ...network.pod_nets] : sources;
  return list.length === 0 ? null : list;
}

/** Rejects a ring size the kernel would refuse, naming the key. */
export function checkRingBytes(bytes: number): void {
  if ((bytes & (bytes - 1)) !== 0) throw new Error(`ring_bytes: ${bytes} is not a power of two`);
}
