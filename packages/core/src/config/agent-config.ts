import { DEFAULT_MEMORY_MB } from '../memory-budget.js';
import type { JsonSchema } from '../plugin/api.js';

/** One entry of `capture`, `enrichers` or `sinks`: `plugin` names it, the rest is its config. */
export interface PluginEntry {
  /** Built-in type ("pcap"), npm package name, or a path (relative to the config file). */
  plugin: string;
  /** Instance name, for logs and health; defaults to the plugin's type. */
  name?: string;
  /** When true, a failed start of this plugin stops the whole agent (everything started is rolled back). */
  required?: boolean;
  [key: string]: unknown;
}

export interface NetworkSettings {
  home_net: string[];
  pod_nets: string[];
  never_ban: string[];
}

export interface RuleEntry {
  id: string;
  expression: string;
  action: 'drop' | 'block' | 'log' | 'allow';
  source?: string;
  description?: string;
  ttl?: number;
  enforce?: boolean;
}

export interface AgentConfig {
  agent: { id: string };
  network: NetworkSettings;
  observe?: { mode: 'auto' | 'tcx' | 'af_packet'; interfaces: string[]; egress_interfaces: string[] };
  capture: PluginEntry[];
  enrichers: PluginEntry[];
  /** Inline rules, or the path of a rules file. */
  rules: RuleEntry[] | string;
  enforce: boolean;
  sinks: PluginEntry[];
  log: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent' };
  admin: { listen?: string };
  /** The memory budget divided among the agent's stores (core/src/memory-budget.ts). */
  limits: { memory_mb: number };
}

export const DEFAULT_HOME_NET = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

const cidrList: JsonSchema = { type: 'array', items: { type: 'string', format: 'cidr' } };

export const ruleEntrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'expression', 'action'],
  properties: {
    id: { type: 'string', minLength: 1 },
    expression: { type: 'string', minLength: 1 },
    action: { enum: ['drop', 'block', 'log', 'allow'] },
    source: { type: 'string' },
    description: { type: 'string' },
    ttl: { type: 'integer', minimum: 1 },
    enforce: { type: 'boolean' },
  },
};

/** The agent's own keys; plugin schemas are merged into the three plugin lists by buildSchema(). */
export function baseSchema(pluginEntry: Record<'capture' | 'enrichers' | 'sinks', JsonSchema>): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      agent: {
        type: 'object',
        additionalProperties: false,
        properties: { id: { type: 'string', minLength: 1 } },
        default: {},
      },
      network: {
        type: 'object',
        additionalProperties: false,
        properties: {
          home_net: { ...cidrList, default: DEFAULT_HOME_NET },
          pod_nets: { ...cidrList, default: [] },
          never_ban: { ...cidrList, default: [] },
        },
        default: {},
      },
      observe: {
        type: 'object',
        additionalProperties: false,
        properties: {
          mode: { enum: ['auto', 'tcx', 'af_packet'], default: 'auto' },
          interfaces: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
          egress_interfaces: { type: 'array', items: { type: 'string', minLength: 1 }, default: ['auto'] },
        },
      },
      capture: { type: 'array', items: pluginEntry.capture, default: [] },
      enrichers: { type: 'array', items: pluginEntry.enrichers, default: [] },
      rules: {
        if: { type: 'string' },
        then: { minLength: 1 },
        else: { type: 'array', items: ruleEntrySchema },
        default: [],
      },
      enforce: { type: 'boolean', default: true },
      sinks: { type: 'array', items: pluginEntry.sinks, default: [] },
      log: {
        type: 'object',
        additionalProperties: false,
        properties: {
          level: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], default: 'info' },
        },
        default: {},
      },
      admin: {
        type: 'object',
        additionalProperties: false,
        properties: { listen: { type: 'string', pattern: '^(\\[[0-9a-fA-F:.]+\\]|[^:\\s]+):\\d{1,5}$' } },
        default: {},
      },
      limits: {
        type: 'object',
        additionalProperties: false,
        properties: {
          // Below 32 MB the runtime's own share could not hold Node's working set.
          memory_mb: { type: 'integer', minimum: 32, maximum: 1_048_576, default: DEFAULT_MEMORY_MB },
        },
        default: {},
      },
    },
  };
}
