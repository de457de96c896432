import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { gliaBin, OutputWatcher, runGlia, startGlia, writeIdleCapture } from '../support/glia.js';

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glia-cli-'));
  writeFileSync(
    join(dir, 'broken.mjs'),
    `export default {
      type: 'broken', kind: 'sink', description: 'fails to start',
      configSchema: { type: 'object', additionalProperties: false, properties: {} },
      create() { let s = 'stopped'; return {
        start() { throw new Error('socket /run/nothing.sock: no such file'); },
        stop() { s = 'stopped'; }, health() { return { state: s }; } }; },
    };`,
  );
  return dir;
}

describe('glia config check', () => {
  it('prints all three mistakes with path and YAML line, and exits 2', () => {
    const dir = workdir();
    const file = join(dir, 'glia.yaml');
    writeFileSync(
      file,
      [
        'agent: { id: node-1 }',
        'network:',
        '  home_net: [10.0.0.0/8, 10.300.0.0/16]', // 3: bad CIDR
        'enforce: sometimes', // 4: not a boolean
        'sinks:',
        `  - plugin: ${join(repoRoot(), 'examples/plugin-hello')}`, // wrong kind: an enricher in sinks
        'enrichers:',
        `  - plugin: ${join(repoRoot(), 'examples/plugin-hello')}`,
        '    max_servers: lots', // 9: not an integer
      ].join('\n'),
    );
    const r = runGlia(['config', 'check', file]);
    expect(r.code).toBe(2);
    const lines = r.stderr
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(r.stderr).toMatch(/^\S+glia\.yaml: 4 problems:\n/);
    expect(lines).toEqual([
      expect.stringMatching(/glia\.yaml:3:\d+: network\.home_net\[1\]: must be an IP address or CIDR$/),
      expect.stringMatching(/glia\.yaml:4:\d+: enforce: must be boolean$/),
      expect.stringMatching(
        /glia\.yaml:6:\d+: sinks\[0\]\.plugin: ".*" is an enricher plugin, not a sink plugin$/,
      ),
      expect.stringMatching(/glia\.yaml:9:\d+: enrichers\[0\]\.max_servers: must be integer$/),
    ]);
  });

  it('accepts a good file and exits 0', () => {
    const dir = workdir();
    const file = join(dir, 'glia.yaml');
    writeFileSync(file, `enrichers:\n  - plugin: ${join(repoRoot(), 'examples/plugin-hello')}\n`);
    const r = runGlia(['config', 'check', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/ok \(1 plugins: enricher hello; 0 rules\)/);
    expect(r.code).toBe(0);
  });

  it('compiles the rules against the enabled enrichers', () => {
    const dir = workdir();
    const file = join(dir, 'glia.yaml');
    writeFileSync(
      file,
      [
        'enrichers: [{ plugin: flow }]',
        'rules:',
        '  - { id: ok, expression: "flow.unique_dst_ports ge 25", action: log }',
        '  - { id: typo, expression: "tcp.dstport eq", action: drop }',
        '  - { id: needs-fqdn, expression: \'dns.fqdn eq "x"\', action: drop }',
      ].join('\n'),
    );
    const r = runGlia(['config', 'check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /glia\.yaml:4:\d+: rule "typo": expected a value after "eq", found end of input/,
    );
    expect(r.stderr).toMatch(/glia\.yaml:5:\d+: rule "needs-fqdn": .*fqdn enricher, which is not enabled/);
  });

  it('exits 2 for a missing file and for unknown arguments', () => {
    expect(runGlia(['config', 'check', '/nonexistent/glia.yaml']).code).toBe(2);
    expect(runGlia(['run', '--no-such-flag']).code).toBe(2);
  });
});

describe('glia run', () => {
  it.skipIf(!hasTool('capsh'))(
    'refuses observe.mode auto when no live backend can run here, naming observe.mode and each reason',
    () => {
      const dir = workdir();
      writeFileSync(join(dir, 'glia.yaml'), 'observe: { mode: auto, interfaces: [glia-none0] }\n');
      // Without CAP_NET_RAW (nor the eBPF capabilities) no rung of the ladder can run.
      const r = spawnSync(
        'capsh',
        [
          '--drop=cap_net_raw,cap_bpf,cap_sys_admin',
          '--',
          '-c',
          `exec ${process.execPath} ${gliaBin()} run -c ${join(dir, 'glia.yaml')}`,
        ],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        /observe\.mode: auto found no live capture backend this host can run \(tcx: .+; tc: .+; af_packet: host lacks: cap_net_raw\)/,
      );
    },
  );

  it('keeps running when a plugin fails to start, logs it once, loads a third-party plugin by path, stops on SIGTERM', async () => {
    const dir = workdir();
    const file = join(dir, 'glia.yaml');
    writeFileSync(
      file,
      [
        'admin: { listen: "127.0.0.1:0" }',
        `capture: [{ plugin: ${writeIdleCapture(dir)} }]`,
        'enrichers:',
        '  - plugin: ../../../../work/main/examples/plugin-hello'.replace(
          '../../../../work/main',
          relativeRoot(dir),
        ),
        '    greeting: bonjour',
        'sinks:',
        '  - plugin: ./broken.mjs',
      ].join('\n'),
    );
    const child = startGlia(['run', '-c', file]);
    const stderr = new OutputWatcher(child.stderr);
    const admin = JSON.parse(await stderr.waitFor(/admin endpoint/)) as { port: number };
    await stderr.waitFor(/glia running/);

    const status = runGlia(['status', '--url', `http://127.0.0.1:${admin.port}`]);
    expect(status.stdout).toMatch(/enricher\s+hello\s+ok/);
    expect(status.stdout).toMatch(
      /sink\s+broken\s+failed\s+-\s+-\s+plugin broken: start failed: socket \/run\/nothing\.sock/,
    );
    expect(status.code).toBe(1);

    await new Promise((r) => setTimeout(r, 2500)); // the health watch runs each second
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const logs = stderr.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.filter((l) => l.plugin === 'broken' && l.state === 'failed')).toHaveLength(1);
    expect(logs.some((l) => l.plugin === 'hello' && l.state === 'ok')).toBe(true);
    expect(logs.some((l) => l.msg === 'stopping on signal')).toBe(true);
  });
});

/** A relative path from dir to the repository root, so the plugin is named by a relative path. */
function relativeRoot(dir: string): string {
  const depth = dir.split('/').filter(Boolean).length;
  return '../'.repeat(depth) + repoRoot().replace(/^\//, '');
}
