import type { InjectionToken } from 'tsyringe';
import type { Bus } from './bus/bus.js';
import type { Clock } from './clock.js';
import type { LoadedConfig } from './config/load.js';
import type { EnforcementBackends } from './enforcement.js';
import type { Logger } from './log.js';
import type { MetricsRegistry } from './metrics.js';
import type { AdminRoutes } from './runtime/admin-routes.js';

/** Explicit injection tokens: glia never relies on emitted decorator metadata. */
export const TOKENS = {
  Bus: Symbol.for('glia.Bus') as InjectionToken<Bus>,
  Clock: Symbol.for('glia.Clock') as InjectionToken<Clock>,
  Logger: Symbol.for('glia.Logger') as InjectionToken<Logger>,
  Metrics: Symbol.for('glia.Metrics') as InjectionToken<MetricsRegistry>,
  Config: Symbol.for('glia.Config') as InjectionToken<LoadedConfig>,
  /** Kernel backends that can drop an edge (the tcx plugin registers, the enforcement sink installs). */
  EnforcementBackends: Symbol.for('glia.EnforcementBackends') as InjectionToken<EnforcementBackends>,
  /** Extra routes of the admin endpoint (e.g. /edges). */
  AdminRoutes: Symbol.for('glia.AdminRoutes') as InjectionToken<AdminRoutes>,
} as const;
