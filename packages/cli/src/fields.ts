import { declaredFields, FieldCatalog, type LoadedConfig } from '@glia/core';
import { Scheme } from '@glia/rules';

type Enricher = LoadedConfig['plugins'][number];

function enrichersOf(loaded: LoadedConfig): Enricher[] {
  return loaded.plugins.filter((p) => p.kind === 'enricher');
}

/**
 * What rules compile against under a config: the core's fields and the fields each enricher it
 * names declares on its factory (built-in or third-party, loaded as `run` loads them). A field
 * that one of this build's built-in enrichers would provide is explained by name.
 */
export async function schemeForConfig(loaded: LoadedConfig): Promise<Scheme> {
  const enrichers = enrichersOf(loaded);
  const catalog = await FieldCatalog.load();
  const enabled = enrichers.map((p) => p.factory.type);
  return new Scheme(declaredFields(enrichers), (name) => catalog.explain(name, enabled));
}

/**
 * The same without loading the catalog: for `run`, which needs the explanations only when a rule
 * is wrong (see schemeForConfig).
 */
export function declaredScheme(loaded: LoadedConfig): Scheme {
  return new Scheme(declaredFields(enrichersOf(loaded)));
}

/** Without a config: the core's fields and those of every built-in enricher installed. */
export async function schemeOfBuiltins(): Promise<Scheme> {
  const catalog = await FieldCatalog.load();
  const enabled = [...catalog.installed.keys()];
  return new Scheme(
    declaredFields([...catalog.installed].map(([name, factory]) => ({ name, factory }))),
    (name) => catalog.explain(name, enabled),
  );
}
