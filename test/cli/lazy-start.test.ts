import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { runGlia } from '../support/glia.js';

/**
 * Start-up loads only what a command uses (docs/performance.md has the times): `glia --help` loads
 * no command module and none of the agent's dependencies, @glia/core loads ajv, pino and yaml only
 * when they are used, and a replay of the embedded default loads neither the Kubernetes client,
 * the identity enricher's MMDB reader nor pino-pretty. Which
 * npm packages a run loaded is read from Node's CommonJS module cache when the process exits (the
 * heavy dependencies are CommonJS, ESM imports of them go through that cache).
 */
const dir = mkdtempSync(join(tmpdir(), 'glia-lazy-'));
const hook = join(dir, 'loaded-packages.cjs');
writeFileSync(
  hook,
  `process.on('exit', () => {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file);
    if (m) names.add(m[1]);
  }
  require('node:fs').writeFileSync(process.env.GLIA_LOADED_OUT, JSON.stringify([...names]));
});
`,
);

function loadedBy(args: string[]): string[] {
  const out = join(dir, `loaded-${args.join('-').replace(/[^a-z0-9-]/gi, '_')}.json`);
  const r = runGlia(args, { env: { NODE_OPTIONS: `--require ${hook}`, GLIA_LOADED_OUT: out } });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

const HEAVY = ['ajv', 'pino', 'yaml', 'tsyringe', 'reflect-metadata', 'mmdb-lib', '@kubernetes/client-node'];

describe('start-up loads what the command uses', () => {
  it('glia --help loads commander and nothing of the agent', () => {
    const loaded = loadedBy(['--help']);
    expect(loaded).toContain('commander');
    for (const name of HEAVY) expect(loaded).not.toContain(name);
  });

  it('glia replay --help loads no command module either', () => {
    const loaded = loadedBy(['replay', '--help']);
    for (const name of HEAVY) expect(loaded).not.toContain(name);
  });

  it('importing @glia/core loads tsyringe, not ajv, pino or yaml (they load when first used)', () => {
    const out = join(dir, 'loaded-core.json');
    const r = spawnSync(
      process.execPath,
      ['--require', hook, '--input-type=module', '-e', "await import('@glia/core')"],
      {
        cwd: join(repoRoot(), 'packages/cli'),
        env: { ...process.env, GLIA_LOADED_OUT: out },
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const loaded = JSON.parse(readFileSync(out, 'utf8')) as string[];
    expect(loaded).toContain('tsyringe');
    for (const name of ['ajv', 'pino', 'yaml']) expect(loaded).not.toContain(name);
  });

  it('a replay of the embedded default loads the agent, not the Kubernetes client, MMDB reader or pino-pretty', () => {
    const one = join(repoRoot(), 'packages/cli/assets/demo.pcap');
    const loaded = loadedBy(['replay', '--print', 'verdicts', '--log-level', 'silent', one]);
    expect(loaded).toEqual(expect.arrayContaining(['ajv', 'pino', 'yaml', 'tsyringe']));
    for (const name of ['mmdb-lib', '@kubernetes/client-node', 'pino-pretty'])
      expect(loaded).not.toContain(name);
  });
});
