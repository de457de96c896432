import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { addPluginEntry, InputError, errorMessage, type LoadedConfig } from '@glia/core';
import { buildIdentityMmdb, formatInventoryProblem, parseInventory } from '@glia/enricher-identity';

/**
 * Gives a `glia test` capture case its identity enricher: `identity` names an MMDB or an inventory
 * (YAML/JSON, built into a temporary MMDB), `edges` a declared-edges file, both relative to the
 * test file. A config's own identity entry gets these sources; otherwise one is added.
 */
export async function useCaseIdentity(
  loaded: LoadedConfig,
  testFile: string,
  caseName: string,
  sources: { identity?: string; edges?: string },
): Promise<void> {
  const where = `${testFile}: case "${caseName}"`;
  const here = dirname(resolve(testFile));
  let mmdb: string;
  if (sources.identity === undefined) mmdb = temporaryMmdb(buildIdentityMmdb([]));
  else {
    const path = resolve(here, sources.identity);
    if (/\.(ya?ml|json)$/i.test(path)) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new InputError(`${where}: identity ${path}: ${errorMessage(error)}`);
      }
      const { entries, problems } = parseInventory(text, path);
      if (problems.length > 0)
        throw new InputError(`${where}:\n  ${problems.map(formatInventoryProblem).join('\n  ')}`);
      mmdb = temporaryMmdb(buildIdentityMmdb(entries));
    } else mmdb = path;
  }
  const entry: Record<string, unknown> = { mmdb, watch: false };
  if (sources.edges !== undefined) entry.edges = resolve(here, sources.edges);
  const existing = loaded.plugins.find((p) => p.section === 'enrichers' && p.factory.type === 'identity');
  if (existing !== undefined) {
    delete existing.config.stream;
    delete existing.config.edges;
    Object.assign(existing.config, entry);
  } else await addPluginEntry(loaded, 'enrichers', { plugin: 'identity', ...entry });
}

function temporaryMmdb(body: Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'glia-test-identity-')), 'identity.mmdb');
  writeFileSync(path, body);
  return path;
}
