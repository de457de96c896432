import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir, repoRoot } from '@glia/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGlia } from '../support/glia.js';

/**
 * A plugin author's path, outside the repository: `glia plugin new` writes a package that
 * installs (with @glia/core packed), tests and builds on its own; a rule on the new enricher's
 * field passes every checking command and fires in a replay; the sink and capture kinds load and
 * move data; and examples/plugin-hello, copied out, builds and tests too.
 */
const work = mkdtempSync(join(tmpdir(), 'glia-plugin-author-'));
const npm = (cwd: string, ...args: string[]): string =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  }).replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
let coreTgz = '';

function newPlugin(name: string, kind: string): string {
  const dir = join(work, name);
  const made = runGlia(['plugin', 'new', name, '--kind', kind, '--dir', dir, '--core', coreTgz]);
  expect(made.stderr).toBe('');
  expect(made.code).toBe(0);
  npm(dir, 'install');
  const tested = npm(dir, 'test');
  expect(tested).toMatch(/Tests\s+\d+ passed/);
  npm(dir, 'run', 'build');
  expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
  return dir;
}

const SSH = 'zeek_ssh_single-conn.pcap';

describe('writing a plugin outside the repository', { timeout: 600_000 }, () => {
  beforeAll(() => {
    const out = execFileSync('npm', ['pack', join(repoRoot(), 'packages/core'), '--pack-destination', work], {
      encoding: 'utf8',
    });
    coreTgz = join(work, out.trim().split('\n').pop() as string);
  }, 120_000);

  it('refuses a bad name and an occupied directory, exit 2', () => {
    expect(runGlia(['plugin', 'new', 'Bad Name', '--kind', 'sink']).code).toBe(2);
    const occupied = mkdtempSync(join(work, 'occupied-'));
    writeFileSync(join(occupied, 'x'), '');
    const r = runGlia(['plugin', 'new', 'x', '--kind', 'sink', '--dir', occupied, '--core', coreTgz]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists and is not an empty directory/);
  });

  it('an enricher: its field checks in config check, rules check -c and glia test -c, and fires in replay', () => {
    const fixtures = fixturesDir();
    const dir = newPlugin('acme-tag', 'enricher');
    writeFileSync(
      join(work, 'glia.yaml'),
      `enrichers:\n  - plugin: ./acme-tag\nrules: rules.yaml\nsinks: []\n`,
    );
    writeFileSync(
      join(work, 'rules.yaml'),
      `- { id: busy, expression: 'acme_tag.server_observations ge 2', action: log }\n`,
    );
    const check = runGlia(['config', 'check', 'glia.yaml'], { cwd: work });
    expect(check.stderr).toBe('');
    expect(check.stdout).toMatch(/glia\.yaml: ok \(1 plugins: enricher acme_tag; 1 rules\)/);
    expect(runGlia(['rules', 'check', 'rules.yaml', '-c', 'glia.yaml'], { cwd: work }).code).toBe(0);

    // Without the config the field is unknown, and with a typo the field's name is suggested.
    writeFileSync(
      join(work, 'typo.yaml'),
      `- { id: t, expression: 'acme_tag.server_observation ge 2', action: log }\n`,
    );
    const typo = runGlia(['rules', 'check', 'typo.yaml', '-c', 'glia.yaml'], { cwd: work });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /unknown field acme_tag\.server_observation; did you mean acme_tag\.server_observations\?/,
    );
    expect(runGlia(['rules', 'check', 'rules.yaml'], { cwd: work }).stderr).toMatch(
      /unknown field acme_tag\.server_observations/,
    );

    if (fixtures === null) return;
    // The SSH capture's one connection: the SYN is the server's first observation, the SYN-ACK
    // its second (the rule matches), the flow observation repeats it within the verdict window.
    writeFileSync(
      join(work, 'rules.test.yaml'),
      `rules: rules.yaml\ntests:\n  - name: ssh\n    capture: ${join(fixtures, 'pcaps', SSH)}\n    expect:\n      - { action: log, rules: [busy] }\n`,
    );
    const tested = runGlia(['test', 'rules.test.yaml', '-c', 'glia.yaml'], { cwd: work });
    expect(tested.stderr).toBe('');
    expect(tested.code).toBe(0);

    const replay = runGlia(
      [
        'replay',
        join(fixtures, 'pcaps', SSH),
        '-c',
        'glia.yaml',
        '--print',
        'verdicts',
        '--log-level',
        'silent',
      ],
      { cwd: work },
    );
    expect(replay.code).toBe(0);
    const verdicts = replay.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(verdicts.map((v) => [v.action, v.rule_ids ?? v.ruleIds, v.edge.phase])).toEqual([
      ['log', ['busy'], 'synack'],
    ]);
    expect(verdicts[0].fields['acme_tag.server_observations']).toBe(2);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/acme_tag\.server_observations/);
  });

  it('a sink and a capture: generated, tested, built, and moving data through glia run', () => {
    newPlugin('verdict-file', 'sink');
    newPlugin('flow-lines', 'capture');
    const t0 = 1_700_000_000_000;
    const line = (i: number, port: number): string =>
      JSON.stringify({
        ts_ms: t0 + i * 1000,
        client: '10.1.0.1',
        server: '10.1.0.2',
        client_port: 40000 + i,
        server_port: port,
        proto: 'tcp',
      });
    writeFileSync(join(work, 'flows.jsonl'), `${[line(0, 22), line(1, 80), line(2, 22)].join('\n')}\n`);
    writeFileSync(
      join(work, 'run.yaml'),
      `capture:\n  - { plugin: ./flow-lines, file: flows.jsonl }\nsinks:\n  - { plugin: ./verdict-file, file: verdicts.jsonl }\nrules:\n  - { id: ssh, expression: 'tcp.dstport eq 22', action: drop }\nenforce: false\n`,
    );
    const run = runGlia(['run', '-c', 'run.yaml'], { cwd: work });
    expect(run.code).toBe(0);
    const written = readFileSync(join(work, 'verdicts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Two SSH flows of one edge within the verdict window: one would-drop.
    expect(written).toEqual([
      { ts: `${t0}000000`, action: 'would_drop', rules: ['ssh'], edge: '10.1.0.1 > 10.1.0.2:22/tcp' },
    ]);
  });

  it('examples/plugin-hello, copied out, installs a packed @glia/core, tests and builds', () => {
    const copy = join(work, 'hello');
    cpSync(join(repoRoot(), 'examples/plugin-hello'), copy, {
      recursive: true,
      filter: (src) => !/node_modules|dist/.test(src),
    });
    expect(readFileSync(join(copy, 'tsconfig.json'), 'utf8')).not.toMatch(/\.\.\//);
    npm(copy, 'install', coreTgz);
    expect(npm(copy, 'test')).toMatch(/Tests\s+\d+ passed/);
    npm(copy, 'run', 'build');
    expect(existsSync(join(copy, 'dist', 'index.js'))).toBe(true);
  });
});
