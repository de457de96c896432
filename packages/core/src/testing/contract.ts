import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { Bus } from '../bus/bus.js';
import { PacketClock } from '../clock.js';
import { DEFAULT_HOME_NET } from '../config/agent-config.js';
import { createAjv } from '../config/schema.js';
import { silentLogger } from '../log.js';
import { MetricsRegistry } from '../metrics.js';
import { factoryProblem, isEnricher, type AnyPluginFactory, type PluginContext } from '../plugin/api.js';
import type { HealthState } from '../plugin/health.js';

export interface ContractOptions {
  /** A config that must validate and start on this host (defaults fill in the rest). */
  config?: Record<string, unknown>;
  /** Skip the start/stop cases (e.g. a kernel plugin on a host without the feature). */
  skipStart?: string | false;
}

/** A plugin context for tests: a fresh bus, a packet clock, silent logs, a temp base directory. */
export function testContext(name = 'test', overrides: Partial<PluginContext> = {}): PluginContext {
  return {
    name,
    bus: new Bus((topic, error) => {
      throw new Error(`subscriber of ${topic} threw: ${String(error)}`);
    }),
    clock: new PacketClock(),
    logger: silentLogger(),
    metrics: new MetricsRegistry(),
    network: { home_net: DEFAULT_HOME_NET, pod_nets: [], never_ban: [] },
    agentId: 'test-agent',
    container: container.createChildContainer(),
    baseDir: mkdtempSync(join(tmpdir(), 'glia-contract-')),
    ...overrides,
  };
}

const SETTLED: HealthState[] = ['ok', 'degraded', 'failed'];

/**
 * The checks every plugin package runs against its factory: the schema compiles, the default
 * config validates, stop is safe without start and twice, and health moves through its states.
 */
export function describePluginContract(factory: AnyPluginFactory, options: ContractOptions = {}): void {
  const config = (): Record<string, unknown> => {
    const c = structuredClone(options.config ?? {});
    const validate = createAjv().compile(factory.configSchema);
    if (!validate(c))
      throw new Error(`contract config does not validate: ${JSON.stringify(validate.errors)}`);
    return c;
  };

  describe(`plugin contract: ${factory.kind} ${factory.type}`, () => {
    it('is a well-formed factory', () => {
      expect(factoryProblem(factory)).toBeNull();
      expect(factory.description.length).toBeGreaterThan(0);
    });

    it('has a config schema that compiles and rejects unknown keys', () => {
      const validate = createAjv().compile(factory.configSchema);
      expect(validate({ ...config(), no_such_key_xyz: 1 })).toBe(false);
    });

    it('accepts its contract config (defaults applied)', () => {
      expect(() => config()).not.toThrow();
    });

    it('creates without side effects and stops safely without start, twice', async () => {
      const instance = factory.create(testContext(factory.type), config());
      if (instance === null) return;
      await instance.stop();
      await instance.stop();
      expect(['stopped', 'failed']).toContain(instance.health().state);
    });

    it.skipIf(options.skipStart !== undefined && options.skipStart !== false)(
      'starts, reports a settled health, stops, and stops again',
      async () => {
        const ctx = testContext(factory.type);
        const instance = factory.create(ctx, config());
        if (instance === null) return;
        if (factory.kind === 'enricher') expect(isEnricher(instance)).toBe(true);
        await instance.start();
        expect(SETTLED).toContain(instance.health().state);
        await instance.stop();
        expect(instance.health().state).toBe('stopped');
        await instance.stop();
        expect(instance.health().state).toBe('stopped');
      },
    );
  });
}
