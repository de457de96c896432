import { InputError } from '../errors.js';
import type { Logger } from '../log.js';
import { CORE_FIELDS } from '../obs/core-fields.js';
import type { FieldDefinition, FieldResolve, FieldResolvers, FieldSpec } from '../obs/observation.js';
import type { AnyPluginFactory } from './api.js';

/** A declared field with the plugin that provides it ("core" for the core's own). */
export interface ProvidedField extends FieldSpec {
  provider: string;
}

/** What a plugin entry of a config contributes to the fields: its instance name and its factory. */
interface FieldProvider {
  name: string;
  factory: AnyPluginFactory;
}

/**
 * The fields rules compile against for a set of enabled enrichers: the core's, then each
 * enricher's declared fields, in config order. Every command that checks rules uses this, so a
 * third-party enricher's fields are known exactly as `run` knows them. Two plugins declaring one
 * field is a config error.
 */
export function declaredFields(enrichers: readonly FieldProvider[]): ProvidedField[] {
  const out: ProvidedField[] = CORE_FIELDS.map(({ name, type, description }) => ({
    name,
    type,
    description,
    provider: 'core',
  }));
  const byName = new Map(out.map((f) => [f.name, f]));
  for (const { name: plugin, factory } of enrichers) {
    for (const { name, type, description } of factory.fields ?? []) {
      const earlier = byName.get(name);
      if (earlier !== undefined) {
        throw new InputError(
          `field ${name} is declared by both ${earlier.provider} and ${plugin}: enable only one of them`,
        );
      }
      const field = { name, type, description, provider: plugin };
      byName.set(name, field);
      out.push(field);
    }
  }
  return out;
}

/**
 * Checks that an enricher instance resolves exactly the fields its factory declares; returns what
 * is wrong, or null.
 */
export function resolverMismatch(factory: AnyPluginFactory, resolvers: FieldResolvers): string | null {
  const declared = new Set((factory.fields ?? []).map((f) => f.name));
  const supplied = Object.keys(resolvers);
  const extra = supplied.filter((n) => !declared.has(n) || typeof resolvers[n] !== 'function');
  const missing = [...declared].filter((n) => typeof resolvers[n] !== 'function');
  if (extra.length === 0 && missing.length === 0) return null;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`no resolver for declared field(s) ${missing.join(', ')}`);
  if (extra.length > 0) parts.push(`resolver(s) for undeclared field(s) ${extra.join(', ')}`);
  return `its instance does not match its declared fields: ${parts.join('; ')}`;
}

/**
 * The definitions of a running enricher: declared specs with the instance's resolvers, each wrapped
 * so that a throwing resolver is logged with the plugin's name (the first time, then at most once a
 * minute per field, with how many threw meanwhile) before the policy stage counts it and takes the
 * field as absent.
 */
export function runningDefinitions(
  plugin: string,
  factory: AnyPluginFactory,
  resolvers: FieldResolvers,
  logger: Logger,
): FieldDefinition[] {
  return (factory.fields ?? []).map((spec) => ({
    ...spec,
    resolve: logThrows(plugin, spec.name, resolvers[spec.name], logger),
  }));
}

/** The declared fields of an enricher that is not running (failed, not applicable): always absent. */
export function absentDefinitions(factory: AnyPluginFactory): FieldDefinition[] {
  return (factory.fields ?? []).map((spec) => ({ ...spec, resolve: () => undefined }));
}

const LOG_INTERVAL_MS = 60_000;

function logThrows(plugin: string, field: string, resolve: FieldResolve, logger: Logger): FieldResolve {
  let lastLogged = -Infinity;
  let unlogged = 0;
  return (observation) => {
    try {
      return resolve(observation);
    } catch (error) {
      const now = Date.now();
      if (now - lastLogged >= LOG_INTERVAL_MS) {
        logger.error(
          { plugin, field, err: error instanceof Error ? error.message : String(error), since: unlogged },
          `enricher ${plugin}: resolver of ${field} threw; the field is taken as absent (logged at most once a minute)`,
        );
        lastLogged = now;
        unlogged = 0;
      } else {
        unlogged++;
      }
      throw error;
    }
  };
}
