import { captureSources } from './capture.js';
import { enricherSources } from './enricher.js';
import { GITIGNORE, namesOf, packageJson, tsconfigs } from './package-files.js';
import { readme } from './readme.js';
import { sinkSources } from './sink.js';

export type PluginKindName = 'enricher' | 'sink' | 'capture';
export { DEV_DEPENDENCIES, namesOf } from './package-files.js';

const SOURCES = { enricher: enricherSources, sink: sinkSources, capture: captureSources };

/** A plugin name is lower-case letters, digits, _ and -, starting with a letter. */
export const PLUGIN_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * Every file of a new plugin package, path → content: a standalone TypeScript package that
 * builds, tests and loads on its own, depending on @glia/core by `coreSpec`.
 */
export function pluginPackage(
  name: string,
  kind: PluginKindName,
  coreSpec: string,
  dir: string,
): Record<string, string> {
  const n = namesOf(name);
  const { check, build } = tsconfigs();
  return {
    'package.json': packageJson(n, kind, coreSpec),
    'tsconfig.json': check,
    'tsconfig.build.json': build,
    '.gitignore': GITIGNORE,
    'README.md': readme(n, kind, dir),
    'src/index.ts': `export { plugin, plugin as default } from './plugin.js';\n`,
    ...SOURCES[kind](n),
  };
}
