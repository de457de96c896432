import { BUILTIN_PLUGINS, ExitCode, PluginLoader, errorMessage, type PluginKind } from '@glia/core';
import { loadConfig } from '../agent-setup.js';
import { reportError } from '../exit.js';

/** `glia plugins`: every built-in plugin (and those a config names), its kind and what it does. */
export async function pluginsCommand(options: { config?: string }): Promise<number> {
  const loader = new PluginLoader();
  const rows: string[][] = [];
  for (const kind of Object.keys(BUILTIN_PLUGINS) as PluginKind[]) {
    for (const type of Object.keys(BUILTIN_PLUGINS[kind])) {
      try {
        const factory = await loader.load(kind, type, process.cwd());
        const needs = factory.requires?.length ? ` (needs ${factory.requires.join(', ')})` : '';
        rows.push([kind, factory.type, 'built-in', factory.description + needs]);
      } catch (error) {
        const reason = errorMessage(error);
        rows.push([kind, type, 'built-in', /cannot load package/.test(reason) ? '(not installed)' : reason]);
      }
    }
  }
  if (options.config !== undefined) {
    try {
      const loaded = await loadConfig(options.config);
      for (const p of loaded.plugins) {
        if (rows.some((r) => r[0] === p.kind && r[1] === p.factory.type)) continue;
        rows.push([p.kind, p.factory.type, 'config', p.factory.description]);
      }
    } catch (error) {
      return reportError(error);
    }
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 4));
  const line = (r: string[]): string => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  ');
  process.stdout.write(`${line(['KIND', 'TYPE', 'FROM', 'DESCRIPTION'])}\n${rows.map(line).join('\n')}\n`);
  return ExitCode.ok;
}
