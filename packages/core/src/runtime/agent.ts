import 'reflect-metadata';
import { container as rootContainer, inject, injectable, type DependencyContainer } from 'tsyringe';
import { Bus } from '../bus/bus.js';
import { WallClock, type Clock } from '../clock.js';
import type { LoadedConfig } from '../config/load.js';
import { errorMessage } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { MetricsRegistry } from '../metrics.js';
import { CORE_FIELDS } from '../obs/core-fields.js';
import { EnrichmentStage } from '../obs/enrichment-stage.js';
import type { FieldDefinition } from '../obs/observation.js';
import { wantedFields } from '../plugin/api.js';
import { TOKENS } from '../tokens.js';
import { describeChoice } from '../config/observe.js';
import { EnforcementBackends } from '../enforcement.js';
import { AdminRoutes } from './admin-routes.js';
import { AdminServer } from './admin-server.js';
import { Runtime, type PluginStatus, type Stage } from './runtime.js';

export const CONTAINER = Symbol.for('glia.Container');

/** The agent: the bus, the plugins of one config, the enrichment stage and any extra stages. */
@injectable()
export class Agent {
  private runtime: Runtime | null = null;
  private admin: AdminServer | null = null;
  private adminBound: { host: string; port: number } | null = null;
  private readonly extraStages: Stage[] = [];

  constructor(
    @inject(TOKENS.Bus) readonly bus: Bus,
    @inject(TOKENS.Clock) readonly clock: Clock,
    @inject(TOKENS.Logger) readonly logger: Logger,
    @inject(TOKENS.Metrics) readonly metrics: MetricsRegistry,
    @inject(TOKENS.Config) readonly loaded: LoadedConfig,
    @inject(CONTAINER) private readonly container: DependencyContainer,
  ) {
    bus.setErrorHandler(onceLogger(logger));
    container.register(TOKENS.Fields, { useValue: () => this.fields() });
  }

  /** Adds a stage (e.g. the policy stage) started after the sinks and before enrichers and captures. */
  addStage(stage: Stage): void {
    this.extraStages.push(stage);
  }

  async start(): Promise<void> {
    const enrichment = new EnrichmentStage(this.bus);
    this.runtime = new Runtime(
      {
        bus: this.bus,
        clock: this.clock,
        logger: this.logger,
        metrics: this.metrics,
        container: this.container,
      },
      this.loaded,
      [...this.extraStages, enrichment],
    );
    this.metrics.collect(
      'observations_total',
      'Observations made from conn, flow and fact events',
      'counter',
      () => [{ labels: {}, value: enrichment.observations }],
    );
    this.reportObserve();
    await this.runtime.start();
    const listen = this.loaded.config.admin.listen;
    if (listen !== undefined) {
      const observe = this.loaded.observe;
      this.admin = new AdminServer(
        this.metrics,
        () => this.status(),
        this.container.resolve(TOKENS.AdminRoutes),
        () => (observe === undefined ? {} : { observe }),
      );
      this.adminBound = await this.admin.listen(listen);
      this.logger.info(this.adminBound, 'admin endpoint (/metrics, /status) listening');
    }
  }

  /** Logs the observe backend chosen (and why better ones were refused) and exports it as metrics. */
  private reportObserve(): void {
    const choice = this.loaded.observe;
    if (choice === undefined) return;
    const refused = choice.rungs.filter((r) => r.outcome === 'refused');
    const text = describeChoice(choice);
    if (refused.length > 0 && choice.mode === 'auto') this.logger.warn({ observe: choice }, text);
    else this.logger.info({ observe: choice }, text);
    this.metrics.collect(
      'observe_rung',
      'observe.mode ladder: 1 for the outcome of each rung (chosen, refused, untried)',
      'gauge',
      () =>
        choice.rungs.flatMap((r) =>
          (['chosen', 'refused', 'untried'] as const).map((outcome) => ({
            labels: { mode: choice.mode, rung: r.rung, outcome },
            value: r.outcome === outcome ? 1 : 0,
          })),
        ),
    );
  }

  /** Where the admin endpoint listens, once started (port 0 in the config picks a free one). */
  adminAddress(): { host: string; port: number } | null {
    return this.adminBound;
  }

  /**
   * Every field the core and the configured enrichers provide (an enricher that does not run
   * gives its declared fields as absent). Known once the agent has created its plugins.
   */
  fields(): FieldDefinition[] {
    return this.runtime?.fieldDefinitions() ?? [...CORE_FIELDS];
  }

  /** The running plugin instances with their config entries (failed ones left out). */
  plugins(): ReturnType<Runtime['instances']> {
    return this.runtime?.instances() ?? [];
  }

  /** Fields the running sinks record (resolved on every verdict). */
  wantedFields(): string[] {
    const wanted = new Set<string>();
    for (const { plugin, instance } of this.runtime?.instances() ?? []) {
      if (plugin.kind === 'sink') for (const f of wantedFields(instance)) wanted.add(f);
    }
    return [...wanted];
  }

  status(): PluginStatus[] {
    return this.runtime?.status() ?? [];
  }

  /** Resolves when every finite capture (a replay) is done; never for live captures. */
  async capturesFinished(): Promise<void> {
    await this.runtime?.capturesFinished();
  }

  async stop(): Promise<void> {
    await this.admin?.close();
    await this.runtime?.stop();
  }
}

export interface AgentOptions {
  clock?: Clock;
  logger?: Logger;
  metrics?: MetricsRegistry;
  bus?: Bus;
}

/** Builds an agent in its own child container with explicit tokens for every shared service. */
export function createAgent(loaded: LoadedConfig, options: AgentOptions = {}): Agent {
  const container = rootContainer.createChildContainer();
  container.register(TOKENS.Bus, { useValue: options.bus ?? new Bus() });
  container.register(TOKENS.Clock, { useValue: options.clock ?? new WallClock() });
  container.register(TOKENS.Logger, {
    useValue: options.logger ?? createLogger({ level: loaded.config.log.level }),
  });
  container.register(TOKENS.Metrics, { useValue: options.metrics ?? new MetricsRegistry() });
  container.register(TOKENS.Config, { useValue: loaded });
  container.register(CONTAINER, { useValue: container });
  container.register(TOKENS.EnforcementBackends, { useValue: new EnforcementBackends() });
  container.register(TOKENS.AdminRoutes, { useValue: new AdminRoutes() });
  return container.resolve(Agent);
}

/** Logs a throwing subscriber once per topic, so a bad subscriber cannot flood the log. */
function onceLogger(logger: Logger): (topic: string, error: unknown) => void {
  const seen = new Set<string>();
  return (topic, error) => {
    const key = `${topic}:${errorMessage(error)}`;
    if (seen.has(key) || seen.size > 1000) return;
    seen.add(key);
    logger.error(
      { topic, err: errorMessage(error) },
      'a bus subscriber threw; further identical errors are counted only',
    );
  };
}
