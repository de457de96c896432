import type { JsonSchema } from '@glia/core';
import type { XdpMode } from '@glia/libbpf';

export interface XdpConfig {
  /** Devices whose ingress SYN-ACKs are recorded. */
  interfaces: string[];
  /** native, generic, or auto (native where the driver has it, else generic). */
  mode?: XdpMode;
  /** Milliseconds between drains of the SYN-ACK map into conn events. */
  drain_interval_ms?: number;
  /** Servers remembered between two drains (LRU). */
  max_servers?: number;
}

export const DEFAULTS = { mode: 'auto', drain_interval_ms: 1000, max_servers: 16384 } as const;

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['interfaces'],
  properties: {
    interfaces: {
      description: 'Devices whose ingress SYN-ACKs are recorded',
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
    },
    mode: {
      description: 'XDP mode: native, generic, or auto (native, else generic)',
      enum: ['auto', 'native', 'generic'],
      default: DEFAULTS.mode,
    },
    drain_interval_ms: {
      description: 'Milliseconds between drains of the SYN-ACK map',
      type: 'integer',
      minimum: 10,
      default: DEFAULTS.drain_interval_ms,
    },
    max_servers: {
      description: 'Servers remembered between two drains (LRU)',
      type: 'integer',
      minimum: 64,
      maximum: 1048576,
      default: DEFAULTS.max_servers,
    },
  },
};
