import { createLogger, ExitCode, InputError, MetricsRegistry } from '@glia/core';
import { Collector, collectorConfig, loadCollectorConfig, type CollectorConfig } from '@glia/collector';
import { reportError } from '../exit.js';

export interface CollectorOptions {
  config?: string;
  listen?: string;
  store?: string;
  identity?: string;
}

/**
 * `glia collector`: the fleet's graph server. Settings come from the config file (-c), overridden by
 * the flags; without a file the tokens come from GLIA_COLLECTOR_TOKEN (uploads) and
 * GLIA_COLLECTOR_READ_TOKEN (reading, optional).
 */
export async function collectorCommand(options: CollectorOptions): Promise<number> {
  let collector: Collector;
  let config: CollectorConfig;
  const logger = createLogger({ level: 'info' });
  try {
    config = await settings(options);
    collector = new Collector(config, { logger, metrics: new MetricsRegistry() });
  } catch (error) {
    return reportError(error);
  }
  let bound: { host: string; port: number };
  try {
    bound = await collector.start();
  } catch (error) {
    await collector.stop().catch(() => undefined);
    return reportError(error);
  }
  const host = bound.host.includes(':') ? `[${bound.host}]` : bound.host;
  logger.info(
    { store: config.store.type, identity: config.identity?.mmdb },
    `glia collector listening on http://${host}:${bound.port}/`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await collector.stop();
  return ExitCode.ok;
}

async function settings(o: CollectorOptions): Promise<CollectorConfig> {
  const base =
    o.config !== undefined
      ? await loadCollectorConfig(o.config)
      : collectorConfig(
          {
            token: process.env.GLIA_COLLECTOR_TOKEN || missingToken(),
            ...(process.env.GLIA_COLLECTOR_READ_TOKEN
              ? { read_token: process.env.GLIA_COLLECTOR_READ_TOKEN }
              : {}),
          },
          'glia collector',
          process.cwd(),
        );
  if (o.listen !== undefined) base.listen = o.listen;
  if (o.identity !== undefined) base.identity = { mmdb: o.identity };
  if (o.store !== undefined) base.store = storeFlag(o.store);
  return base;
}

/** --store sqlite:PATH or --store postgres://… */
export function storeFlag(value: string): CollectorConfig['store'] {
  if (/^postgres(ql)?:\/\//.test(value)) return { type: 'postgres', url: value, pool: 4 };
  if (value.startsWith('sqlite:') && value.length > 7) return { type: 'sqlite', path: value.slice(7) };
  throw new InputError(`--store ${value}: expected sqlite:PATH or postgres://user@host/db`);
}

function missingToken(): never {
  throw new InputError(
    'glia collector: no upload token: set GLIA_COLLECTOR_TOKEN (at least 8 characters) or give a config file with `token`',
  );
}
