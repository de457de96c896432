import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Document, Node } from 'yaml';
import { InputError, errorMessage } from '../errors.js';
import { CidrSet } from '../net/cidr-set.js';
import { CORE_FIELDS } from '../obs/core-fields.js';
import type { AnyPluginFactory, PluginKind } from '../plugin/api.js';
import { SECTION_KIND, type PluginSection } from '../plugin/builtin.js';
import { PluginLoader } from '../plugin/loader.js';
import type { AgentConfig, PluginEntry } from './agent-config.js';
import { substituteEnv, type Environment } from './env.js';
import { parseYamlDocument, yamlToValues } from './yaml-limits.js';
import { yaml } from './yaml-module.js';
import { formatPath, SourceLocator, type ConfigPath } from './locate.js';
import {
  buildSchema,
  checkNames,
  sharedAjv,
  relevantErrors,
  reportAjvError,
  SECTIONS,
  type Report,
} from './schema.js';
import type { ObserveChoice } from './observe.js';

export interface LoadedPlugin {
  section: PluginSection;
  index: number;
  kind: PluginKind;
  /** Instance name: the entry's `name`, else the plugin type. */
  name: string;
  required: boolean;
  factory: AnyPluginFactory;
  /** The entry without `plugin`, `name` and `required`, defaults applied. */
  config: Record<string, unknown>;
}

export interface LoadedConfig {
  file: string | null;
  baseDir: string;
  config: AgentConfig;
  plugins: LoadedPlugin[];
  /** Where a config path is in the file, "file:line:col" (or the file alone), for later checks' messages. */
  where(path: ReadonlyArray<string | number>): string;
  /** Parsed network sets, compiled once. */
  homeNet: CidrSet;
  podNets: CidrSet;
  neverBan: CidrSet;
  /** What the `observe` section became (set by expandObserve). */
  observe?: ObserveChoice;
}

export interface LoadOptions {
  env?: Environment;
  loader?: PluginLoader;
  /** Directory for relative paths when loading text rather than a file. */
  baseDir?: string;
}

const ENTRY_KEYS = ['plugin', 'name', 'required'];

export async function loadConfigFile(file: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read config: ${errorMessage(error)}`);
  }
  return loadConfigText(text, { ...options, file, baseDir: options.baseDir ?? dirname(resolve(file)) });
}

/**
 * Parses, substitutes the environment, loads every named plugin, and validates the whole file
 * against the agent's schema with every plugin's schema merged in. All problems are collected and
 * thrown together as one InputError, each with its path and (for YAML and JSON) its line.
 */
export async function loadConfigText(
  text: string,
  options: LoadOptions & { file?: string } = {},
): Promise<LoadedConfig> {
  const file = options.file ?? null;
  const baseDir = options.baseDir ?? process.cwd();
  const env = options.env ?? process.env;
  const loader = options.loader ?? new PluginLoader();
  const lines = new (yaml().LineCounter)();
  const doc = parseYamlDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const where = file ?? 'config';
  const locator = new SourceLocator(doc, lines);
  const problems: string[] = [];
  const report = (path: ConfigPath, message: string, key?: string): void => {
    const pos = locator.locate(path, key);
    const at = pos === null ? where : `${where}:${pos.line}:${pos.col}`;
    problems.push(`${at}: ${formatPath(key === undefined ? path : [...path, key])}: ${message}`);
  };

  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    problems.push(`${where}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`);
  }
  if (problems.length > 0) throw configError(where, problems);

  substituteDocument(doc, env, report);
  const values = yamlToValues(doc);
  if ('problem' in values) {
    report([], values.problem);
    throw configError(where, problems);
  }
  const raw: unknown = values.value ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report([], 'the config must be a mapping of keys to values');
    throw configError(where, problems);
  }
  const data = raw as Record<string, unknown>;

  const factories = await loadFactories(data, baseDir, loader, report);
  const schema = buildSchema(factories);
  const ajv = sharedAjv();
  const validate = ajv.compile(schema);
  const valid = validate(data);
  // Built for this config alone: not kept in the shared instance's cache.
  ajv.removeSchema(schema);
  if (!valid) {
    for (const error of relevantErrors(validate.errors ?? [])) reportAjvError(error, report);
  }
  checkNames(data, report);
  if (problems.length > 0) throw configError(where, problems);

  const config = data as unknown as AgentConfig;
  if (config.agent.id === undefined) config.agent.id = hostname();
  const plugins: LoadedPlugin[] = [];
  for (const section of SECTIONS) {
    config[section].forEach((entry: PluginEntry, index: number) => {
      const factory = factories.get(`${section}\u0000${entry.plugin}`);
      if (factory === undefined) return;
      const own: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(entry)) if (!ENTRY_KEYS.includes(k)) own[k] = v;
      plugins.push({
        section,
        index,
        kind: SECTION_KIND[section],
        name: entry.name ?? factory.type,
        required: entry.required === true,
        factory,
        config: own,
      });
    });
  }
  checkFieldOwners(plugins, report);
  if (problems.length > 0) throw configError(where, problems);
  return {
    file,
    baseDir,
    config,
    plugins,
    where: (path) => {
      const pos = locator.locate([...path]);
      return pos === null ? where : `${where}:${pos.line}:${pos.col}`;
    },
    homeNet: CidrSet.parse(config.network.home_net),
    podNets: CidrSet.parse(config.network.pod_nets),
    neverBan: CidrSet.parse(config.network.never_ban),
  };
}

/** Each rule field has one provider: two enrichers declaring the same field is a config error. */
function checkFieldOwners(plugins: readonly LoadedPlugin[], report: Report): void {
  const owners = new Map<string, string>(CORE_FIELDS.map((f) => [f.name, 'the core']));
  for (const p of plugins) {
    if (p.kind !== 'enricher') continue;
    for (const { name } of p.factory.fields ?? []) {
      const owner = owners.get(name);
      if (owner === undefined) owners.set(name, p.name);
      else
        report(
          [p.section, p.index],
          `${p.name} declares field ${name}, which ${owner} already provides; each field has one provider`,
          'plugin',
        );
    }
  }
}

function configError(where: string, problems: string[]): InputError {
  // In file order: "file:line:col: …" sorts by line then column; unlocated ones go last.
  const position = (p: string): [number, number] => {
    const m = /^[^\n]*?:(\d+):(\d+): /.exec(p);
    return m ? [Number(m[1]), Number(m[2])] : [Infinity, 0];
  };
  problems.sort((a, b) => {
    const [la, ca] = position(a);
    const [lb, cb] = position(b);
    return la - lb || ca - cb;
  });
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return new InputError(`${where}: ${problems.length} ${noun}:\n  ${problems.join('\n  ')}`, problems);
}

function substituteDocument(doc: Document, env: Environment, report: Report): void {
  const walk = (node: Node | null | undefined, path: ConfigPath): void => {
    if (node === null || node === undefined) return;
    const { isMap, isScalar, isSeq } = yaml();
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        walk(pair.value as Node, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
      const result = substituteEnv(node.value, env);
      for (const p of result.problems) report(path, p);
      node.value = result.whole ? retype(result.value) : result.value;
    }
  };
  walk(doc.contents as Node, []);
}

/** `${PORT}` alone becomes 8080, not "8080"; anything else stays a string. */
function retype(value: string): unknown {
  try {
    const parsed: unknown = yaml().parse(value);
    return typeof parsed === 'number' || typeof parsed === 'boolean' ? parsed : value;
  } catch {
    return value;
  }
}

async function loadFactories(
  data: Record<string, unknown>,
  baseDir: string,
  loader: PluginLoader,
  report: Report,
): Promise<Map<string, AnyPluginFactory>> {
  const factories = new Map<string, AnyPluginFactory>();
  for (const section of SECTIONS) {
    const list = data[section];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i] as Record<string, unknown> | null;
      if (typeof entry !== 'object' || entry === null || typeof entry.plugin !== 'string') continue;
      const key = `${section}\u0000${entry.plugin}`;
      if (factories.has(key)) continue;
      try {
        factories.set(key, await loader.load(SECTION_KIND[section], entry.plugin, baseDir));
      } catch (error) {
        report([section, i, 'plugin'], errorMessage(error));
      }
    }
  }
  return factories;
}

/**
 * Adds one plugin entry to a loaded config (e.g. the pcap capture `glia replay` builds from its
 * arguments), validated against the plugin's schema with defaults applied.
 */
export async function addPluginEntry(
  loaded: LoadedConfig,
  section: PluginSection,
  entry: PluginEntry,
  loader: PluginLoader = new PluginLoader(),
): Promise<LoadedPlugin> {
  const kind = SECTION_KIND[section];
  const factory = await loader.load(kind, entry.plugin, loaded.baseDir);
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (!ENTRY_KEYS.includes(k)) own[k] = v;
  const validate = sharedAjv().compile(factory.configSchema);
  if (!validate(own)) {
    const problems = (validate.errors ?? []).map(
      (e) =>
        `${section}: ${factory.type}${e.instancePath.replace(/\//g, '.')}: ${e.message ?? 'is not valid'}`,
    );
    throw new InputError(problems.join('\n'), problems);
  }
  const list = loaded.config[section];
  const plugin: LoadedPlugin = {
    section,
    index: list.length,
    kind,
    name: entry.name ?? factory.type,
    required: entry.required === true,
    factory,
    config: own,
  };
  list.push(entry);
  loaded.plugins.push(plugin);
  return plugin;
}
