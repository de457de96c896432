import { existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../errors.js';
import { closestName } from '../text/closest.js';
import { factoryProblem, type AnyPluginFactory, type PluginKind } from './api.js';
import { BUILTIN_PLUGINS } from './builtin.js';

/** How a `plugin:` reference reads: a path, an npm package, or a built-in type. */
export function isPathReference(ref: string): boolean {
  return ref.startsWith('.') || isAbsolute(ref);
}

/** Normalizes a built-in name: `service-graph` and `service_graph` are the same type. */
export function builtinPackage(kind: PluginKind, ref: string): string | undefined {
  return BUILTIN_PLUGINS[kind][ref.replace(/-/g, '_')];
}

export class PluginLoadError extends Error {}

/**
 * Loads a plugin factory by built-in type, npm package name or path. Built-ins go through the very
 * same import as third-party packages. Results are cached per resolved specifier.
 */
export class PluginLoader {
  private readonly cache = new Map<string, Promise<AnyPluginFactory>>();

  async load(kind: PluginKind, ref: string, baseDir: string): Promise<AnyPluginFactory> {
    const builtin = isPathReference(ref) ? undefined : builtinPackage(kind, ref);
    const specifier = builtin ?? ref;
    const key = isPathReference(ref) ? resolve(baseDir, ref) : specifier;
    let pending = this.cache.get(key);
    if (pending === undefined) {
      pending = this.importFactory(specifier, isPathReference(ref) ? key : null, baseDir);
      this.cache.set(key, pending);
    }
    const factory = await pending;
    if (factory.kind !== kind) {
      const article = (k: string): string => (k === 'enricher' ? 'an' : 'a');
      throw new PluginLoadError(
        `"${ref}" is ${article(factory.kind)} ${factory.kind} plugin, not ${article(kind)} ${kind} plugin`,
      );
    }
    if (builtin !== undefined && factory.type !== ref.replace(/-/g, '_')) {
      throw new PluginLoadError(`built-in "${ref}" loaded a plugin of type "${factory.type}"`);
    }
    return factory;
  }

  private async importFactory(
    specifier: string,
    path: string | null,
    baseDir: string,
  ): Promise<AnyPluginFactory> {
    let module: Record<string, unknown>;
    try {
      module = (await import(path !== null ? pathToFileURL(entryOfPath(path)).href : specifier)) as Record<
        string,
        unknown
      >;
    } catch (first) {
      if (path !== null) throw new PluginLoadError(`cannot load ${path}: ${errorMessage(first)}`);
      // A package installed next to the config rather than next to glia.
      try {
        const resolved = createRequire(join(baseDir, 'glia.config')).resolve(specifier);
        module = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
      } catch {
        throw new PluginLoadError(notFound(specifier, first));
      }
    }
    const candidate = module.default ?? module.plugin;
    const problem = factoryProblem(candidate);
    if (problem !== null) {
      throw new PluginLoadError(`"${path ?? specifier}" does not export a plugin factory: it ${problem}`);
    }
    return candidate as AnyPluginFactory;
  }
}

/** Why a package did not load; for a name that is no built-in, the built-in it was likely meant to be. */
function notFound(specifier: string, error: unknown): string {
  const builtins = Object.values(BUILTIN_PLUGINS).flatMap((byType) => Object.keys(byType));
  if (!builtins.includes(specifier.replace(/-/g, '_')) && !specifier.includes('/')) {
    const guess = closestName(specifier.replace(/-/g, '_'), builtins);
    const hint = guess === undefined ? '' : `; did you mean the built-in "${guess}"?`;
    return `no built-in plugin or installed package is named "${specifier}"${hint}`;
  }
  const reason = errorMessage(error);
  if (/Cannot find (package|module)/.test(reason)) {
    return `the package "${specifier}" is not installed (${reason.split('\n')[0]})`;
  }
  return `cannot load package "${specifier}": ${reason}`;
}

/** The largest plugin module or package.json glia will read: a plugin is code, not data. */
export const MAX_PLUGIN_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A path may name a file or a package directory (its package.json `exports`/`main`). What is not
 * a regular file or a directory (a device such as /dev/zero, a FIFO, a socket) and a file over
 * MAX_PLUGIN_FILE_BYTES are refused before anything reads them: importing them would hang or fill
 * memory.
 */
function entryOfPath(path: string): string {
  const info = statOf(path);
  if (!info.isDirectory()) return regularFile(path, info, 'a plugin module');
  const manifestPath = join(path, 'package.json');
  if (!existsSync(manifestPath)) return regularFile(join(path, 'index.js'), statOf(join(path, 'index.js')));
  regularFile(manifestPath, statOf(manifestPath), 'a package.json');
  let manifest: { exports?: unknown; main?: string };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (error) {
    throw new PluginLoadError(`${manifestPath} is not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  const fromExports = exportEntry(manifest.exports);
  const entry = join(path, fromExports ?? manifest.main ?? 'index.js');
  return regularFile(entry, statOf(entry));
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PluginLoadError(
      code === 'ENOENT'
        ? `${path} does not exist`
        : `${path} cannot be read (${code ?? errorMessage(error)})`,
      { cause: error },
    );
  }
}

function regularFile(path: string, info: Stats, what = 'a plugin module'): string {
  if (!info.isFile()) {
    throw new PluginLoadError(`${path} is not a regular file or a package directory, so not ${what}`);
  }
  if (info.size > MAX_PLUGIN_FILE_BYTES) {
    throw new PluginLoadError(
      `${path} is ${info.size} bytes, over the ${MAX_PLUGIN_FILE_BYTES}-byte limit for ${what}`,
    );
  }
  return path;
}

function exportEntry(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (typeof exports !== 'object' || exports === null) return undefined;
  const record = exports as Record<string, unknown>;
  const root = '.' in record ? record['.'] : record;
  if (typeof root === 'string') return root;
  if (typeof root !== 'object' || root === null) return undefined;
  const conditions = root as Record<string, unknown>;
  for (const c of ['import', 'node', 'default']) {
    const v = conditions[c];
    if (typeof v === 'string') return v;
  }
  return undefined;
}
