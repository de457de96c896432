import type { InjectionToken } from 'tsyringe';
import type { Bus } from './bus/bus.js';
import type { Clock } from './clock.js';
import type { LoadedConfig } from './config/load.js';
import type { Logger } from './log.js';
import type { MetricsRegistry } from './metrics.js';

/** Explicit injection tokens: glia never relies on emitted decorator metadata. */
export const TOKENS = {
  Bus: Symbol.for('glia.Bus') as InjectionToken<Bus>,
  Clock: Symbol.for('glia.Clock') as InjectionToken<Clock>,
  Logger: Symbol.for('glia.Logger') as InjectionToken<Logger>,
  Metrics: Symbol.for('glia.Metrics') as InjectionToken<MetricsRegistry>,
  Config: Symbol.for('glia.Config') as InjectionToken<LoadedConfig>,
} as const;
