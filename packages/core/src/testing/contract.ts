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
import { MemoryBudget } from '../memory-budget.js';
import { MetricsRegistry } from '../metrics.js';
import type { FieldDefinition } from '../obs/observation.js';
import { observationOf } from '../obs/observe.js';
import {
  factoryProblem,
  isEnricher,
  type AnyPluginFactory,
  type PluginContext,
  type PluginInstance,
} from '../plugin/api.js';
import { resolverMismatch } from '../plugin/fields.js';
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
    memory: new MemoryBudget(),
    ...overrides,
  };
}

const SETTLED: HealthState[] = ['ok', 'degraded', 'failed'];

/**
 * An enricher instance's fields as the agent sees them: the factory's declarations with the
 * instance's resolvers. Throws when the two do not match, as the agent refuses to run it then.
 */
export function enricherFields(factory: AnyPluginFactory, instance: PluginInstance): FieldDefinition[] {
  if (!isEnricher(instance)) throw new Error(`${factory.type} is not an enricher instance`);
  const resolvers = instance.resolvers();
  const mismatch = resolverMismatch(factory, resolvers);
  if (mismatch !== null) throw new Error(`${factory.type}: ${mismatch}`);
  return (factory.fields ?? []).map((spec) => ({ ...spec, resolve: resolvers[spec.name] }));
}

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

    // Only enrichers have fields: the case exists for them alone (a skipped case would read as a gap).
    if (factory.kind === 'enricher')
      it('resolves exactly its declared fields, each to a value of its type or absent, on a SYN observation', async () => {
        const ctx = testContext(factory.type);
        const instance = factory.create(ctx, config());
        if (instance === null) return;
        const fields = enricherFields(factory, instance);
        if (options.skipStart === undefined || options.skipStart === false) await instance.start();
        const syn = {
          ts: 1_000_000_000n,
          iface: 'test0',
          dir: 'ingress' as const,
          src: '10.0.0.1',
          dst: '10.0.0.2',
          sport: 40000,
          dport: 443,
          proto: 'tcp' as const,
          phase: 'syn' as const,
          flags: 0x02,
          ttl: 64,
          window: 64240,
          options: new Uint8Array([2, 4, 5, 180]),
          mss: 1460,
        };
        ctx.bus.publish('conn', syn);
        const observation = observationOf(syn, 'syn');
        for (const field of fields) {
          const value = field.resolve(observation);
          if (value !== undefined) expect(valueFits(value, field.type), field.name).toBe(true);
        }
        await instance.stop();
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

function valueFits(value: unknown, type: FieldDefinition['type']): boolean {
  if (type === 'Ip' || type === 'Bytes') return typeof value === 'string';
  if (type === 'Int') return typeof value === 'number' && Number.isInteger(value);
  if (type === 'Bool') return typeof value === 'boolean';
  if (type.kind === 'array') {
    return Array.isArray(value) && value.every((v) => valueFits(v, type.value));
  }
  return value instanceof Map && [...value.values()].every((v) => valueFits(v, type.value));
}
