import type { FieldSpec } from '../obs/observation.js';
import type { AnyPluginFactory } from './api.js';
import { BUILTIN_PLUGINS, builtinOwnerOf } from './builtin.js';
import { PluginLoader } from './loader.js';

/**
 * What the built-in enrichers of this build declare, loaded through the same loader `run` uses, so
 * a rule naming a field of an enricher that a config does not enable gets the plugin to add, and
 * one naming a field of a built-in that is not installed says so (not advice to add a plugin that
 * cannot load).
 */
export class FieldCatalog {
  private constructor(
    /** Installed built-in enricher factories by type. */
    readonly installed: ReadonlyMap<string, AnyPluginFactory>,
    /** Built-in enricher types whose package could not be loaded, with the reason. */
    readonly missing: ReadonlyMap<string, string>,
  ) {}

  static async load(loader = new PluginLoader()): Promise<FieldCatalog> {
    const installed = new Map<string, AnyPluginFactory>();
    const missing = new Map<string, string>();
    for (const type of Object.keys(BUILTIN_PLUGINS.enricher)) {
      try {
        installed.set(type, await loader.load('enricher', type, process.cwd()));
      } catch (error) {
        missing.set(type, error instanceof Error ? error.message : String(error));
      }
    }
    return new FieldCatalog(installed, missing);
  }

  /** Every field the installed built-in enrichers declare, with the type declaring it. */
  fields(): Array<FieldSpec & { provider: string }> {
    return [...this.installed].flatMap(([type, f]) =>
      (f.fields ?? []).map((s) => ({ ...s, provider: type })),
    );
  }

  /**
   * Why a field is not available with the given enricher types enabled, when a built-in would
   * provide it; undefined when no built-in does (an unknown field).
   */
  explain(field: string, enabledTypes: readonly string[]): string | undefined {
    for (const [type, factory] of this.installed) {
      if (enabledTypes.includes(type)) continue;
      if (factory.fields?.some((f) => f.name === field)) {
        return `field ${field} is provided by the ${type} enricher, which is not enabled; add "- plugin: ${type}" under enrichers`;
      }
    }
    const owner = builtinOwnerOf(field);
    if (owner !== undefined && this.missing.has(owner)) {
      return `field ${field} belongs to the built-in ${owner} enricher, which is not installed in this build (package ${BUILTIN_PLUGINS.enricher[owner]})`;
    }
    return undefined;
  }
}
