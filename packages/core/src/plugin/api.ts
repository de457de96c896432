import type { DependencyContainer } from 'tsyringe';
import type { Bus } from '../bus/bus.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { MemoryBudget } from '../memory-budget.js';
import type { MetricsRegistry } from '../metrics.js';
import type { NetworkSettings } from '../config/agent-config.js';
import type { FieldResolvers, FieldSpec } from '../obs/observation.js';
import type { Health } from './health.js';

export type PluginKind = 'capture' | 'enricher' | 'sink';

/** Host features a plugin may require; probed at start (see probeFeatures). */
export type HostFeature = 'bpf' | 'btf' | 'tcx' | 'xdp' | 'ringbuf' | 'cap_net_raw' | 'cap_net_admin';

/** A JSON Schema object, as ajv takes it. */
export type JsonSchema = Record<string, unknown>;

/** What a plugin is given when it is created. Everything is scoped to that plugin. */
export interface PluginContext {
  /** The plugin's instance name (its `name` key, or its type). */
  name: string;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  metrics: MetricsRegistry;
  network: NetworkSettings;
  agentId: string;
  /** A child container of the agent's; a plugin may register its own services here. */
  container: DependencyContainer;
  /** Directory relative paths in this plugin's config are resolved against. */
  baseDir: string;
  /** The agent's memory budget: a plugin sizes its stores from its share (`memory.bytes(store)`). */
  memory: MemoryBudget;
}

/**
 * A running plugin. The lifecycle every implementer keeps:
 * - create() (on the factory) has no side effects: no sockets, files, timers or subscriptions;
 *   those belong in start().
 * - start() is called once, after every plugin downstream of this one has started (sinks, then
 *   the stages, then enrichers, then captures). It may be async; when it throws or rejects, the
 *   plugin is marked failed (the agent goes on, unless the entry is `required`), and stop() is
 *   still called.
 * - stop() is idempotent, safe without start, and bounded in time (the runtime moves on after a
 *   few seconds). It releases everything start() took.
 * - health() is cheap, never throws, and says why when the state is not "ok".
 */
export interface PluginInstance {
  start(): void | Promise<void>;
  /** Idempotent, safe without start, and bounded in time. */
  stop(): void | Promise<void>;
  health(): Health;
  /** Counters for `glia status` and the admin endpoint's /status (events made, packets dropped ...). */
  details?(): PluginDetails;
}

/** What a plugin shows beside its health. Numbers are totals since start. */
export interface PluginDetails {
  /** Events or records made, by topic or kind. */
  events?: Record<string, number>;
  /** What was lost, by cause (a ring with no room, a full queue ...). */
  drops?: Record<string, number>;
  [key: string]: unknown;
}

/** Whether a plugin can run on this host, and why not. */
export interface ProbeResult {
  ok: boolean;
  /** Why not, in words an operator can act on. */
  reason?: string;
}

/**
 * An enricher adds typed fields to observations. Its factory declares the fields (name, type,
 * description); the instance supplies a resolver for exactly those names, no more, no fewer
 * (a mismatch fails the plugin at load, with its name).
 */
export interface EnricherInstance extends PluginInstance {
  /** Called once, after create() and before start(); a resolver may be called before start. */
  resolvers(): FieldResolvers;
}

/** A sink may name fields it records; the policy stage resolves them on every verdict it publishes. */
export interface SinkInstance extends PluginInstance {
  wantsFields?(): readonly string[];
}

/**
 * What a plugin package exports (as `default` or `plugin`). Never a ready instance: create() builds
 * one, with no side effects, or returns null when the plugin does not apply on this host.
 */
export interface PluginFactory<C = Record<string, unknown>, I extends PluginInstance = PluginInstance> {
  /** lower_snake_case, unique per kind. */
  type: string;
  kind: PluginKind;
  /** One line for `glia plugins`. */
  description: string;
  /** JSON Schema of this plugin's config entry (without the `plugin` and `name` keys). */
  configSchema: JsonSchema;
  requires?: readonly HostFeature[];
  /**
   * Tries, without side effects that outlive it, whether this plugin can run here with this config
   * (e.g. a real tcx attach on the loopback device). `observe.mode: auto` and `glia doctor` use it
   * to choose a backend; without it, `requires` alone decides.
   */
  probe?(config: Partial<C>): ProbeResult | Promise<ProbeResult>;
  /**
   * Enrichers: the rule fields this plugin provides. `config check`, `rules check -c` and
   * `glia test -c` compile rules against these without creating the plugin.
   */
  fields?: readonly FieldSpec[];
  /**
   * Checks what a config entry depends on beyond its schema (a file it names exists and reads as
   * what it should), for `glia config check`; resolves to the problems found, each a plain
   * message, none when all is well. Never called by `run`, which finds out at start.
   */
  checkConfig?(config: C, baseDir: string): Promise<string[]>;
  create(ctx: PluginContext, config: C): I | null;
}

export type AnyPluginFactory = PluginFactory<any, PluginInstance>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;
const KINDS: readonly string[] = ['capture', 'enricher', 'sink'];

/** Checks that a module export really is a plugin factory; returns what is wrong, or null. */
export function factoryProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'is not an object';
  const f = value as Record<string, unknown>;
  if (typeof f.type !== 'string' || !TYPE_PATTERN.test(f.type))
    return `type ${JSON.stringify(f.type)} is not lower_snake_case`;
  if (typeof f.kind !== 'string' || !KINDS.includes(f.kind))
    return `kind ${JSON.stringify(f.kind)} is not one of ${KINDS.join(', ')}`;
  if (typeof f.description !== 'string') return 'has no description';
  if (typeof f.configSchema !== 'object' || f.configSchema === null) return 'has no configSchema object';
  if (typeof f.create !== 'function') return 'has no create() function';
  if (f.requires !== undefined && !Array.isArray(f.requires)) return 'requires is not an array';
  if (f.probe !== undefined && typeof f.probe !== 'function') return 'probe is not a function';
  if (f.kind === 'enricher') return fieldsProblem(f.fields);
  if (f.fields !== undefined) return `declares fields, but only enrichers provide fields`;
  return null;
}

const FIELD_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const SCALAR_TYPES: readonly unknown[] = ['Ip', 'Bytes', 'Int', 'Bool'];
const ELEMENT_TYPES: Readonly<Record<string, readonly unknown[]>> = {
  map: ['Bytes', 'Int'],
  array: ['Bytes', 'Int', 'Ip'],
};

function fieldsProblem(fields: unknown): string | null {
  if (!Array.isArray(fields)) return 'is an enricher without a fields array (its declared rule fields)';
  const seen = new Set<string>();
  for (const [i, field] of (fields as unknown[]).entries()) {
    const f = (typeof field === 'object' && field !== null ? field : {}) as Record<string, unknown>;
    const at = `fields[${i}]`;
    if (typeof f.name !== 'string' || !FIELD_NAME.test(f.name))
      return `${at}: name ${JSON.stringify(f.name)} is not a dotted lower-case field name`;
    if (seen.has(f.name)) return `${at}: field ${f.name} is declared twice`;
    seen.add(f.name);
    if (!isFieldType(f.type)) return `${at} (${f.name}): type ${JSON.stringify(f.type)} is not a field type`;
    if (typeof f.description !== 'string') return `${at} (${f.name}): has no description`;
  }
  return null;
}

function isFieldType(type: unknown): boolean {
  if (SCALAR_TYPES.includes(type)) return true;
  if (typeof type !== 'object' || type === null) return false;
  const t = type as Record<string, unknown>;
  return typeof t.kind === 'string' && ELEMENT_TYPES[t.kind]?.includes(t.value) === true;
}

export function isEnricher(instance: PluginInstance): instance is EnricherInstance {
  return typeof (instance as Partial<EnricherInstance>).resolvers === 'function';
}

export function wantedFields(instance: PluginInstance): readonly string[] {
  const f = (instance as SinkInstance).wantsFields;
  return typeof f === 'function' ? f.call(instance) : [];
}
