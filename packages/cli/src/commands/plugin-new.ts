import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ExitCode, InputError, errorMessage } from '@glia/core';
import { reportError } from '../exit.js';
import { PLUGIN_NAME, namesOf, pluginPackage, type PluginKindName } from '../plugin-template/index.js';

export interface PluginNewOptions {
  kind: PluginKindName;
  dir?: string;
  /** A packed @glia/core (.tgz) or its package directory; default: the one this glia runs with. */
  core?: string;
}

/**
 * `glia plugin new NAME --kind enricher|sink|capture`: writes a plugin package that builds, tests
 * and loads on its own, outside any glia checkout, with @glia/core packed into its vendor/.
 */
export async function pluginNewCommand(name: string, options: PluginNewOptions): Promise<number> {
  try {
    if (!PLUGIN_NAME.test(name)) {
      throw new InputError(
        `plugin name "${name}": use lower-case letters, digits, "_" and "-", starting with a letter`,
      );
    }
    const dir = resolve(options.dir ?? namesOf(name).pkg);
    if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
      throw new InputError(`${dir} exists and is not an empty directory; choose another with --dir`);
    }
    const vendor = join(dir, 'vendor');
    mkdirSync(vendor, { recursive: true });
    const tarball = packCore(options.core, vendor);
    const files = pluginPackage(name, options.kind, `file:vendor/${tarball}`, dir);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const shown = relative(process.cwd(), dir) || '.';
    process.stdout.write(
      `wrote ${options.kind} plugin "${namesOf(name).type}" in ${shown}\n` +
        `next: cd ${shown} && npm install && npm test && npm run build\n` +
        `then name it in a glia config: - plugin: ${dir}\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    return reportError(error);
  }
}

/** Puts a packed @glia/core into `vendor` and returns its file name. */
function packCore(core: string | undefined, vendor: string): string {
  if (core !== undefined && core.endsWith('.tgz')) {
    if (!existsSync(core)) throw new InputError(`--core ${core}: no such file`);
    copyFileSync(core, join(vendor, basename(core)));
    return basename(core);
  }
  const source = core !== undefined ? resolve(core) : coreDirectory();
  try {
    const out = execFileSync('npm', ['pack', source, '--pack-destination', vendor, '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out.trim().split('\n').pop() as string;
  } catch (error) {
    throw new Error(`cannot pack @glia/core from ${source} with npm pack: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

/** The package directory of the @glia/core this CLI runs with. */
function coreDirectory(): string {
  const entry = createRequire(import.meta.url).resolve('@glia/core');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
