import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv';
import type { Ajv, ErrorObject } from 'ajv';
import { parseCidr } from '../net/cidr-set.js';
import { ipFamily } from '../net/ip.js';
import type { AnyPluginFactory, JsonSchema } from '../plugin/api.js';
import type { PluginSection } from '../plugin/builtin.js';
import { baseSchema } from './agent-config.js';
import type { ConfigPath } from './locate.js';

export type Report = (path: ConfigPath, message: string, key?: string) => void;

export const SECTIONS: readonly PluginSection[] = ['capture', 'enrichers', 'sinks'];

/** The agent schema with each loaded plugin's schema applied to the entries that name it. */
export function buildSchema(factories: ReadonlyMap<string, AnyPluginFactory>): JsonSchema {
  const entrySchema = (section: PluginSection): JsonSchema => {
    const branches: JsonSchema[] = [];
    for (const [key, factory] of factories) {
      const [s, ref] = key.split('\u0000');
      if (s !== section) continue;
      const own = factory.configSchema as { properties?: Record<string, unknown> };
      branches.push({
        if: { properties: { plugin: { const: ref } }, required: ['plugin'] },
        then: {
          ...factory.configSchema,
          type: 'object',
          properties: { ...own.properties, ...entryKeyProperties },
        },
      });
    }
    const entry: JsonSchema = { type: 'object', required: ['plugin'], properties: entryKeyProperties };
    return branches.length > 0 ? { ...entry, allOf: branches } : entry;
  };
  return baseSchema({
    capture: entrySchema('capture'),
    enrichers: entrySchema('enrichers'),
    sinks: entrySchema('sinks'),
  });
}

const entryKeyProperties = {
  plugin: { type: 'string', minLength: 1 },
  name: { type: 'string', minLength: 1 },
  required: { type: 'boolean' },
};

let shared: Ajv | null = null;

/**
 * One Ajv for the agent's own validations. An instance's first compile also compiles the JSON
 * Schema meta-schema (about 20 ms of start-up); later ones reuse it. Ajv caches every schema
 * object it compiles: callers that compile a schema made for one use remove it afterwards.
 */
export function sharedAjv(): Ajv {
  shared ??= createAjv();
  return shared;
}

// Ajv loads when the first config is validated, not with @glia/core.
const require = createRequire(import.meta.url);

export function createAjv(): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof AjvModule;
  const ajv = new AjvClass({ allErrors: true, useDefaults: true, strict: false, allowUnionTypes: true });
  ajv.addFormat('cidr', { type: 'string', validate: (s: string) => parseCidr(s) !== null });
  ajv.addFormat('ip', { type: 'string', validate: (s: string) => ipFamily(s) !== null });
  return ajv;
}

export function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  // "must match then schema" repeats what the errors inside the branch already say.
  return errors.filter((e) => e.keyword !== 'if');
}

export function reportAjvError(error: ErrorObject, report: Report): void {
  const path: Array<string | number> = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      report(path, 'is required', String(params.missingProperty));
      return;
    case 'additionalProperties':
      report(path, 'is not a known key here', String(params.additionalProperty));
      return;
    case 'enum':
      report(
        path,
        `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      );
      return;
    case 'format':
      report(
        path,
        `must be ${params.format === 'cidr' ? 'an IP address or CIDR' : `a valid ${String(params.format)}`}`,
      );
      return;
    default:
      report(path, error.message ?? 'is not valid');
  }
}

/** Instance names must be unique within a section (they key health and metrics). */
export function checkNames(data: Record<string, unknown>, report: Report): void {
  for (const section of SECTIONS) {
    const list = data[section];
    if (!Array.isArray(list)) continue;
    const seen = new Map<string, number>();
    list.forEach((entry: unknown, i: number) => {
      if (typeof entry !== 'object' || entry === null) return;
      const e = entry as Record<string, unknown>;
      const name = typeof e.name === 'string' ? e.name : typeof e.plugin === 'string' ? e.plugin : null;
      if (name === null) return;
      const first = seen.get(name);
      if (first !== undefined) {
        report(
          [section, i],
          `instance name "${name}" is already used by ${section}[${first}]; give one a distinct "name"`,
        );
      } else seen.set(name, i);
    });
  }
}
