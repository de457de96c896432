import type { DependencyContainer } from 'tsyringe';
import type { Bus } from '../bus/bus.js';
import type { Clock } from '../clock.js';
import type { LoadedConfig, LoadedPlugin } from '../config/load.js';
import { errorMessage, InputError, PluginError } from '../errors.js';
import { missingFeatures } from '../host.js';
import { MemoryBudget } from '../memory-budget.js';
import type { Logger } from '../log.js';
import type { MetricsRegistry } from '../metrics.js';
import { CORE_FIELDS } from '../obs/core-fields.js';
import type { FieldDefinition, FieldResolvers } from '../obs/observation.js';
import { isEnricher, type PluginContext, type PluginDetails, type PluginInstance } from '../plugin/api.js';
import { absentDefinitions, resolverMismatch, runningDefinitions } from '../plugin/fields.js';
import type { Health, HealthState } from '../plugin/health.js';
import { resolve } from 'node:path';

/** Something the runtime starts and stops that is not a plugin (the enrichment and policy stages). */
export interface Stage {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface PluginStatus {
  name: string;
  kind: string;
  type: string;
  health: Health;
  /** The plugin's own counters, when it has any (PluginInstance.details). */
  details?: PluginDetails;
}

interface Slot {
  plugin: LoadedPlugin;
  instance: PluginInstance | null;
  /** An enricher's resolvers, asked once after create. */
  resolvers: FieldResolvers | null;
  /** Set by the runtime when create/start failed or the plugin is not applicable. */
  override: Health | null;
  started: boolean;
  lastLogged: HealthState | null;
}

export interface RuntimeDeps {
  bus: Bus;
  clock: Clock;
  logger: Logger;
  metrics: MetricsRegistry;
  container: DependencyContainer;
}

const SECTION_ORDER = ['sinks', 'enrichers', 'capture'] as const;

/**
 * Creates, starts, watches and stops the configured plugins. Downstream parts start first (sinks,
 * then stages, then enrichers, then captures; each section in config order) so no event is
 * published before its consumers are up; stop runs in exact reverse. A plugin that fails is marked
 * failed and logged once; the rest keep running. A failure of a plugin marked `required`, or of a
 * stage, rolls back everything started and rejects.
 */
export class Runtime {
  private readonly slots: Slot[] = [];
  private readonly startedStages: Stage[] = [];
  private watch: NodeJS.Timeout | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';
  /** `limits.memory_mb`, shared by every plugin's stores. */
  readonly memory: MemoryBudget;

  constructor(
    private readonly deps: RuntimeDeps,
    private readonly loaded: LoadedConfig,
    private readonly stages: readonly Stage[] = [],
    private readonly stopTimeoutMs = 5000,
  ) {
    this.memory = new MemoryBudget(loaded.config.limits?.memory_mb);
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('runtime already started');
    this.state = 'running';
    const ordered = SECTION_ORDER.flatMap((section) =>
      this.loaded.plugins.filter((p) => p.section === section),
    );
    for (const plugin of ordered) this.slots.push(this.create(plugin));
    try {
      for (const slot of this.slots.filter((s) => s.plugin.section === 'sinks')) await this.startSlot(slot);
      for (const stage of this.stages) {
        try {
          await stage.start();
        } catch (error) {
          // Bad input (rules that do not compile) stays bad input: the CLI exits 2 for it.
          if (error instanceof InputError) throw error;
          throw new Error(`${stage.name}: start failed: ${errorMessage(error)}`, { cause: error });
        }
        this.startedStages.push(stage);
      }
      for (const slot of this.slots.filter((s) => s.plugin.section !== 'sinks')) await this.startSlot(slot);
    } catch (error) {
      this.deps.logger.error({ err: errorMessage(error) }, 'start failed; rolling back');
      await this.stop();
      throw error;
    }
    this.registerMetrics();
    this.watch = setInterval(() => this.logTransitions(), 1000);
    this.watch.unref();
  }

  /** Instances by name, for stages that need the enrichers (their fields). */
  instances(): Array<{ plugin: LoadedPlugin; instance: PluginInstance }> {
    return this.slots.flatMap((s) =>
      s.instance !== null && s.override?.state !== 'failed'
        ? [{ plugin: s.plugin, instance: s.instance }]
        : [],
    );
  }

  status(): PluginStatus[] {
    return this.slots.map((s) => {
      const status: PluginStatus = {
        name: s.plugin.name,
        kind: s.plugin.kind,
        type: s.plugin.factory.type,
        health: this.healthOf(s),
      };
      const details = this.detailsOf(s);
      if (details !== undefined) status.details = details;
      return status;
    });
  }

  private detailsOf(slot: Slot): PluginDetails | undefined {
    if (slot.instance === null || typeof slot.instance.details !== 'function') return undefined;
    try {
      return slot.instance.details();
    } catch (error) {
      return { error: new PluginError(slot.plugin.name, 'details', error).message };
    }
  }

  /** Stops everything started, in reverse order. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    if (this.watch !== null) clearInterval(this.watch);
    const nonSinks = this.slots.filter((s) => s.plugin.section !== 'sinks');
    const sinks = this.slots.filter((s) => s.plugin.section === 'sinks');
    for (const slot of [...nonSinks].reverse()) await this.stopSlot(slot);
    for (const stage of [...this.startedStages].reverse()) {
      await this.bounded(stage.name, async () => stage.stop());
    }
    this.startedStages.length = 0;
    for (const slot of [...sinks].reverse()) await this.stopSlot(slot);
  }

  /** Resolves when every capture plugin that has an end (a replay) has reached it. */
  async capturesFinished(): Promise<void> {
    const finite = this.slots
      .filter((s) => s.plugin.section === 'capture' && s.started && s.instance !== null)
      .map((s) => (s.instance as PluginInstance & { finished?: () => Promise<void> }).finished?.());
    if (finite.length === 0 || finite.some((f) => f === undefined)) return new Promise(() => undefined);
    await Promise.allSettled(finite);
  }

  private create(plugin: LoadedPlugin): Slot {
    const slot: Slot = {
      plugin,
      instance: null,
      resolvers: null,
      override: null,
      started: false,
      lastLogged: null,
    };
    const missing = missingFeatures(plugin.factory.requires);
    if (missing.length > 0) {
      slot.override = { state: 'failed', reason: `host lacks: ${missing.join(', ')}` };
      return slot;
    }
    const ctx: PluginContext = {
      name: plugin.name,
      bus: this.deps.bus,
      clock: this.deps.clock,
      logger: this.deps.logger.child({ plugin: plugin.name }),
      metrics: this.deps.metrics,
      network: this.loaded.config.network,
      agentId: this.loaded.config.agent.id,
      container: this.deps.container.createChildContainer(),
      baseDir: resolve(this.loaded.baseDir),
      memory: this.memory,
    };
    try {
      slot.instance = plugin.factory.create(ctx, plugin.config);
      if (slot.instance === null) slot.override = { state: 'stopped', reason: 'not applicable on this host' };
      else if (plugin.kind === 'enricher') this.bindResolvers(slot, slot.instance);
    } catch (error) {
      slot.override = { state: 'failed', reason: new PluginError(plugin.name, 'create', error).message };
    }
    return slot;
  }

  /** An enricher must resolve exactly the fields its factory declares, or it does not run. */
  private bindResolvers(slot: Slot, instance: PluginInstance): void {
    const { plugin } = slot;
    if (!isEnricher(instance)) {
      throw new Error(`enricher ${plugin.name} (${plugin.factory.type}) has no resolvers() method`);
    }
    const resolvers = instance.resolvers();
    const mismatch = resolverMismatch(plugin.factory, resolvers);
    if (mismatch !== null) throw new Error(`enricher ${plugin.name} (${plugin.factory.type}): ${mismatch}`);
    slot.resolvers = resolvers;
  }

  /**
   * Every field rules may use: the core's, then each configured enricher's declared fields, in
   * config order. An enricher that does not run (failed, not applicable) still declares its
   * fields, always absent, so the rules compile and only that plugin is degraded.
   */
  fieldDefinitions(): FieldDefinition[] {
    const out: FieldDefinition[] = [...CORE_FIELDS];
    for (const slot of this.slots) {
      if (slot.plugin.kind !== 'enricher') continue;
      const { name, factory } = slot.plugin;
      const running = slot.resolvers !== null && slot.override?.state !== 'failed';
      out.push(
        ...(running
          ? runningDefinitions(name, factory, slot.resolvers as FieldResolvers, this.deps.logger)
          : absentDefinitions(factory)),
      );
    }
    return out;
  }

  private async startSlot(slot: Slot): Promise<void> {
    const { plugin } = slot;
    if (slot.instance !== null && slot.override === null) {
      try {
        await slot.instance.start();
        slot.started = true;
      } catch (error) {
        slot.override = { state: 'failed', reason: new PluginError(plugin.name, 'start', error).message };
        slot.started = true; // stop() is still owed: the plugin may have half-started
      }
    }
    this.logTransition(slot);
    if (plugin.required && slot.override?.state === 'failed') {
      throw new Error(`required plugin ${plugin.name} failed: ${slot.override.reason ?? ''}`);
    }
  }

  private async stopSlot(slot: Slot): Promise<void> {
    if (slot.instance === null || !slot.started) return;
    slot.started = false;
    const instance = slot.instance;
    await this.bounded(slot.plugin.name, async () => instance.stop());
  }

  private async bounded(name: string, fn: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((done) => {
      timer = setTimeout(() => done('timeout'), this.stopTimeoutMs);
    });
    try {
      const result = await Promise.race([fn().then(() => 'ok' as const), timeout]);
      if (result === 'timeout')
        this.deps.logger.warn({ plugin: name }, `stop took over ${this.stopTimeoutMs} ms; moving on`);
    } catch (error) {
      this.deps.logger.warn({ plugin: name, err: errorMessage(error) }, 'stop failed');
    } finally {
      clearTimeout(timer);
    }
  }

  private healthOf(slot: Slot): Health {
    if (slot.override !== null) return slot.override;
    if (slot.instance === null) return { state: 'stopped' };
    try {
      return slot.instance.health();
    } catch (error) {
      return { state: 'failed', reason: new PluginError(slot.plugin.name, 'health', error).message };
    }
  }

  private logTransitions(): void {
    for (const slot of this.slots) this.logTransition(slot);
  }

  /** Logs each change of a plugin's health state once. */
  private logTransition(slot: Slot): void {
    const health = this.healthOf(slot);
    if (health.state === slot.lastLogged) return;
    slot.lastLogged = health.state;
    const fields = {
      plugin: slot.plugin.name,
      type: slot.plugin.factory.type,
      state: health.state,
      reason: health.reason,
    };
    if (health.state === 'failed') this.deps.logger.error(fields, `plugin ${slot.plugin.name} failed`);
    else if (health.state === 'degraded')
      this.deps.logger.warn(fields, `plugin ${slot.plugin.name} degraded`);
    else this.deps.logger.info(fields, `plugin ${slot.plugin.name} ${health.state}`);
  }

  private registerMetrics(): void {
    const states: HealthState[] = ['starting', 'ok', 'degraded', 'failed', 'stopping', 'stopped'];
    this.deps.metrics.collect('plugin_health', 'Plugin health: 1 for the current state', 'gauge', () =>
      this.status().flatMap((s) =>
        states.map((state) => ({
          labels: { plugin: s.name, kind: s.kind, state },
          value: s.health.state === state ? 1 : 0,
        })),
      ),
    );
    this.deps.metrics.collect(
      'bus_subscriber_errors_total',
      'Exceptions thrown by bus subscribers',
      'counter',
      () => [{ labels: {}, value: this.deps.bus.errors }],
    );
  }
}
