import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { OutputWatcher, runGlia, startGlia, writeIdleCapture } from '../support/glia.js';

const DEMO = join(repoRoot(), 'packages/cli/assets/demo.pcap');

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'glia-rules-cli-'));
}

interface AuditRecord {
  action: string;
  rule_ids: string[];
  edge: { client: string; server: string; server_port: number };
  fqdn?: string;
}

describe('glia run on the embedded default', () => {
  it('replays the demo capture and audits the evil.com egress, the scan and the Redis exception', () => {
    const r = runGlia(['run']);
    expect(r.code, r.stderr).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    const by = (action: string) => records.filter((x) => x.action === action);
    expect(by('WouldBlock')).toEqual([
      expect.objectContaining({
        rule_ids: ['no-evil-egress'],
        fqdn: 'www.evil.com',
        edge: expect.objectContaining({ client: '10.99.0.1', server: '10.99.0.3', server_port: 80 }),
      }),
    ]);
    expect(by('Allow')).toEqual([
      expect.objectContaining({
        rule_ids: ['redis-from-app-tier'],
        edge: expect.objectContaining({ server_port: 6379 }),
      }),
    ]);
    // nmap scanned 60 ports; the rule fires from the 25th distinct port on, once per edge.
    const scan = by('Notice');
    expect(scan.length).toBeGreaterThanOrEqual(30);
    expect(scan.every((x) => x.rule_ids[0] === 'east-west-port-scan' && x.edge.server === '10.99.0.2')).toBe(
      true,
    );
    expect(records).toHaveLength(by('WouldBlock').length + by('Allow').length + scan.length);
  });
});

describe('glia rules check', () => {
  it('reports every error with line:column and exits 2', () => {
    const file = join(workdir(), 'rules.yaml');
    writeFileSync(
      file,
      [
        'rules:',
        '  - id: a',
        '    expression: tcp.dstport eq "80"', // 3: type error
        '    action: drop',
        '  - id: b',
        '    expression: ip.dst in {10.0.0.0/33}', // 6: bad CIDR
        '    action: log',
        '  - id: a', // 8: duplicate id
        '    expression: ip.src eq 10.0.0.1',
        '    action: log',
        '  - id: c',
        '    expression: ip.src eq 10.0.0.1',
        '    action: nuke', // 13: bad action
      ].join('\n'),
    );
    const r = runGlia(['rules', 'check', file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/rules\.yaml:3:\d+: rule "a": .*Int/),
        expect.stringMatching(/rules\.yaml:6:\d+: rule "b": .*10\.0\.0\.0\/33/),
        expect.stringMatching(/rules\.yaml:8:\d+: .*duplicate|rules\.yaml:8:\d+: .*already/i),
        expect.stringMatching(/rules\.yaml:13:\d+: .*nuke/),
      ]),
    );
    expect(lines).toHaveLength(4);
    // In file order.
    expect(lines.map((l) => Number(/rules\.yaml:(\d+):/.exec(l)?.[1]))).toEqual([3, 6, 8, 13]);
  });

  it('rejects a field whose enricher the config does not enable, naming the enricher', () => {
    const dir = workdir();
    writeFileSync(
      join(dir, 'rules.yaml'),
      'rules:\n  - { id: x, expression: \'tls.sni eq "a.b"\', action: log }\n',
    );
    writeFileSync(join(dir, 'glia.yaml'), 'enrichers:\n  - plugin: flow\n');
    const r = runGlia(['rules', 'check', join(dir, 'rules.yaml'), '-c', join(dir, 'glia.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tls\.sni is provided by the tls enricher, which is not enabled/);
    expect(runGlia(['rules', 'check', join(dir, 'rules.yaml')]).code).toBe(0);
  });
});

describe('glia test', () => {
  const rules = [
    'rules:',
    '  - id: evil',
    '    expression: \'dns.fqdn matches "(^|\\.)evil\\.com$"\'',
    '    action: drop',
    '  - id: redis',
    '    expression: tcp.dstport eq 6379 and conn.phase eq "syn"',
    '    action: allow',
    'enforce: false',
  ];

  it('passes field cases and a capture case replayed through the enrichers', () => {
    const file = join(workdir(), 'rules.test.yaml');
    writeFileSync(
      file,
      [
        ...rules,
        'tests:',
        '  - name: evil subdomain',
        '    fields: { dns.fqdn: cdn.evil.com }',
        '    expect: { action: drop, rules: [evil], enforce: false }',
        '  - name: lookalike',
        '    fields: { dns.fqdn: notevil.com }',
        '    expect: none',
        '  - name: the demo capture',
        `    capture: ${DEMO}`,
        '    expect:',
        '      - { action: allow, rules: [redis] }',
        '      - { action: drop, rules: [evil], enforce: false }',
      ].join('\n'),
    );
    const r = runGlia(['test', file]);
    expect(r.stdout).toMatch(/3 passed, 0 failed/);
    expect(r.code, r.stderr).toBe(0);
  });

  it('prints a readable diff and exits 1 on a mismatch', () => {
    const file = join(workdir(), 'rules.test.yaml');
    writeFileSync(
      file,
      [...rules, 'tests:', '  - name: wrong', '    fields: { dns.fqdn: evil.com }', '    expect: allow'].join(
        '\n',
      ),
    );
    const r = runGlia(['test', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAIL wrong/);
    expect(r.stderr).toMatch(/- expected: allow/);
    expect(r.stderr).toMatch(/\+ actual: +drop by \[evil\]/);
  });
});

describe('rule hot reload', () => {
  it('reloads on SIGHUP and on file change; a bad set keeps the old one and says why', async () => {
    const dir = workdir();
    const rulesFile = join(dir, 'rules.yaml');
    const good = (id: string) => `rules:\n  - { id: ${id}, expression: 'tcp.dstport eq 22', action: log }\n`;
    writeFileSync(rulesFile, good('first'));
    writeFileSync(
      join(dir, 'glia.yaml'),
      `rules: rules.yaml\nadmin: { listen: "127.0.0.1:0" }\ncapture: [{ plugin: ${writeIdleCapture(dir)} }]\n`,
    );
    const child = startGlia(['run', '-c', join(dir, 'glia.yaml')]);
    const logs = new OutputWatcher(child.stderr);
    try {
      const admin = JSON.parse(await logs.waitFor(/admin endpoint/)) as { port: number };
      await logs.waitFor(/glia running/);
      const metric = async (result: string) => {
        const text = await (await fetch(`http://127.0.0.1:${admin.port}/metrics`)).text();
        const m = new RegExp(`glia_policy_reloads_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)`).exec(text);
        return m === null ? 0 : Number(m[1]);
      };

      writeFileSync(
        rulesFile,
        'rules:\n  - { id: broken, expression: \'tcp.dstport eq "22"\', action: log }\n',
      );
      await logs.waitFor(/broken/);
      expect(await metric('refused')).toBeGreaterThanOrEqual(1);

      writeFileSync(rulesFile, good('second'));
      child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await metric('ok')).toBeGreaterThanOrEqual(1);
    } finally {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
