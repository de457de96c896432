import type { InjectionToken } from 'tsyringe';
import type { Bus } from './bus/bus.js';
import type { Clock } from './clock.js';
import type { LoadedConfig } from './config/load.js';
import type { EnforcementBackends } from './enforcement.js';
import type { Logger } from './log.js';
import type { MetricsRegistry } from './metrics.js';
import type { FieldDefinition } from './obs/observation.js';
import type { AdminRoutes } from './runtime/admin-routes.js';

/** The fields of the core and the running enrichers, read when a plugin first needs them. */
export type FieldSource = () => readonly FieldDefinition[];

/** Explicit injection tokens: glia never relies on emitted decorator metadata. */
export const TOKENS = {
  Bus: Symbol.for('glia.Bus') as InjectionToken<Bus>,
  Clock: Symbol.for('glia.Clock') as InjectionToken<Clock>,
  Logger: Symbol.for('glia.Logger') as InjectionToken<Logger>,
  Metrics: Symbol.for('glia.Metrics') as InjectionToken<MetricsRegistry>,
  Config: Symbol.for('glia.Config') as InjectionToken<LoadedConfig>,
  /** Lets a sink resolve fields on every observation, not only on verdicts (the service graph). */
  Fields: Symbol.for('glia.Fields') as InjectionToken<FieldSource>,
  /** Kernel backends that can drop an edge (the tcx plugin registers, the enforcement sink installs). */
  EnforcementBackends: Symbol.for('glia.EnforcementBackends') as InjectionToken<EnforcementBackends>,
  /** Extra routes of the admin endpoint (e.g. /edges). */
  AdminRoutes: Symbol.for('glia.AdminRoutes') as InjectionToken<AdminRoutes>,
} as const;
