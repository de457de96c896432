import type { JsonSchema } from '@glia/core';
import { MAX_SAMPLE_BITS, type FilterMode } from './event-filter.js';

export interface AfPacketConfig {
  /** Devices whose received packets are observed; they may appear after the agent starts. */
  interfaces?: string[];
  /** Devices whose sent packets are observed; `auto` = the default-route device(s), re-read while running. */
  egress_interfaces?: string[];
  /** CIDRs a sent packet's source must be in; "network" = network.home_net + pod_nets; [] = all. */
  egress_sources?: 'network' | string[];
  filter?: FilterMode;
  sample_bits?: number;
  buffer_mb?: number;
  snaplen?: number;
  block_timeout_ms?: number;
  max_packets_per_turn?: number;
  retry_interval_ms?: number;
  max_flows?: number;
}

/** Every key with its default applied. */
export type ResolvedAfPacketConfig = Required<AfPacketConfig>;

export const AFPACKET_DEFAULTS: Omit<ResolvedAfPacketConfig, 'interfaces' | 'egress_interfaces'> = {
  egress_sources: 'network',
  filter: 'events',
  sample_bits: 6,
  buffer_mb: 32,
  snaplen: 65535,
  block_timeout_ms: 50,
  max_packets_per_turn: 1024,
  retry_interval_ms: 1000,
  max_flows: 65536,
};

const deviceList: JsonSchema = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: 15, pattern: '^[^/\\s]+$' },
  uniqueItems: true,
};

export const afPacketConfigSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    interfaces: {
      ...deviceList,
      description: 'Devices whose received packets are observed; they may appear later',
      default: [],
    },
    egress_interfaces: {
      ...deviceList,
      description: 'Devices whose sent packets are observed; "auto" = the default-route device(s)',
      default: [],
    },
    egress_sources: {
      description:
        'CIDRs a sent packet source must be in to be observed: "network" (home_net + pod_nets), or a list ([] observes all)',
      oneOf: [{ const: 'network' }, { type: 'array', items: { type: 'string', format: 'cidr' } }],
      default: AFPACKET_DEFAULTS.egress_sources,
    },
    filter: {
      description: 'events: the kernel passes only what the capture events need; all: every packet',
      enum: ['events', 'all'],
      default: AFPACKET_DEFAULTS.filter,
    },
    sample_bits: {
      description: 'Other TCP/UDP packets pass 1 in 2^sample_bits (0: all of them)',
      type: 'integer',
      minimum: 0,
      maximum: MAX_SAMPLE_BITS,
      default: AFPACKET_DEFAULTS.sample_bits,
    },
    buffer_mb: {
      description: 'Kernel ring size per device, MiB',
      type: 'integer',
      minimum: 1,
      maximum: 1024,
      default: AFPACKET_DEFAULTS.buffer_mb,
    },
    snaplen: {
      description: 'Bytes kept of each packet',
      type: 'integer',
      minimum: 256,
      maximum: 262144,
      default: AFPACKET_DEFAULTS.snaplen,
    },
    block_timeout_ms: {
      description: 'Longest a ring block waits before user space sees a quiet device’s packets',
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: AFPACKET_DEFAULTS.block_timeout_ms,
    },
    max_packets_per_turn: {
      description: 'Packets one device hands to the event logic per event-loop turn',
      type: 'integer',
      minimum: 1,
      maximum: 65536,
      default: AFPACKET_DEFAULTS.max_packets_per_turn,
    },
    retry_interval_ms: {
      description: 'How often missing or lost devices are looked for again',
      type: 'integer',
      minimum: 50,
      maximum: 60000,
      default: AFPACKET_DEFAULTS.retry_interval_ms,
    },
    max_flows: {
      description:
        'Flows the capture-event logic remembers (LRU; default: what the flow table share of limits.memory_mb holds)',
      type: 'integer',
      minimum: 16,
    },
  },
};

export function resolveConfig(config: AfPacketConfig): ResolvedAfPacketConfig {
  return {
    ...AFPACKET_DEFAULTS,
    interfaces: [],
    egress_interfaces: [],
    ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
  } as ResolvedAfPacketConfig;
}
