import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);
let loaded: typeof Yaml | null = null;

/**
 * The yaml package, loaded when a config (or another YAML file) is first read rather than with
 * @glia/core: code that imports the core for its types and utilities (a capture backend, a
 * benchmark, `glia --help`) does not pay for it.
 */
export function yaml(): typeof Yaml {
  loaded ??= require('yaml') as typeof Yaml;
  return loaded;
}
