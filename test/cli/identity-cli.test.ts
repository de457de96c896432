import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { runGlia } from '../support/glia.js';

const INVENTORY = `# hosts without Kubernetes get identities too
- ip: 192.168.10.5
  namespace: office
  workload: printer
  labels: { floor: "2" }
- cidr: 10.20.0.0/16
  namespace: infra
  workload: nodes
  control_plane: true
- ip: 2001:db8::53
  namespace: infra
  workload: dns
  app: coredns
  internet_exposed: true
`;

describe('glia identity build / lookup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-identity-cli-'));
  writeFileSync(join(dir, 'inventory.yaml'), INVENTORY);
  const mmdb = join(dir, 'identity.mmdb');

  it('builds the baseline, renamed into place, readable by libmaxminddb for every entry', () => {
    const r = runGlia(['identity', 'build', join(dir, 'inventory.yaml'), '-o', mmdb]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/identity\.mmdb: 3 entries, \d+ bytes/);
    expect(readdirSync(dir).sort()).toEqual(['identity.mmdb', 'inventory.yaml']);
    if (!hasTool('mmdblookup')) return;
    const look = (ip: string, ...path: string[]): string =>
      execFileSync('mmdblookup', ['--file', mmdb, '--ip', ip, ...path], { encoding: 'utf8' }).trim();
    expect(look('192.168.10.5', 'workload')).toBe('"printer" <utf8_string>');
    expect(look('192.168.10.5', 'labels', 'floor')).toBe('"2" <utf8_string>');
    expect(look('10.20.99.1', 'namespace')).toBe('"infra" <utf8_string>');
    expect(look('10.20.99.1', 'control_plane')).toBe('true <boolean>');
    expect(look('2001:db8::53', 'app')).toBe('"coredns" <utf8_string>');
    expect(look('2001:db8::53', 'internet_exposed')).toBe('true <boolean>');
  });

  it('looks an address up: the record and the network that matched, one JSON line', () => {
    const r = runGlia(['identity', 'lookup', mmdb, '10.20.3.4']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ip: '10.20.3.4',
      network: '10.20.0.0/16',
      namespace: 'infra',
      workload: 'nodes',
      labels: {},
      internet_exposed: false,
      control_plane: true,
    });
    const v6 = runGlia(['identity', 'lookup', mmdb, '2001:DB8:0::53']);
    expect(JSON.parse(v6.stdout)).toMatchObject({
      ip: '2001:db8::53',
      network: '2001:db8::53',
      app: 'coredns',
    });
  });

  const failures: Array<[string, string[], number, RegExp]> = [
    [
      'an address the file does not hold',
      ['lookup', 'MMDB', '10.21.0.1'],
      1,
      /^10\.21\.0\.1: not in .*identity\.mmdb \(host\/10\.21\.0\.1\)\n$/,
    ],
    [
      'something that is not an address',
      ['lookup', 'MMDB', '10.20.0'],
      2,
      /^"10\.20\.0" is not an IP address\n$/,
    ],
    [
      'a file that is not an MMDB',
      ['lookup', 'INVENTORY', '10.20.0.1'],
      2,
      /inventory\.yaml: not a MaxMind DB file/,
    ],
    [
      'a missing inventory',
      ['build', 'NONE', '-o', 'OUT'],
      2,
      /none\.yaml: cannot read the inventory: ENOENT/,
    ],
  ];
  it.each(failures)('says so for %s', (_name, args, code, message) => {
    const r = runGlia([
      'identity',
      ...args.map((a) =>
        a === 'MMDB'
          ? mmdb
          : a === 'INVENTORY'
            ? join(dir, 'inventory.yaml')
            : a === 'NONE'
              ? join(dir, 'none.yaml')
              : a === 'OUT'
                ? join(dir, 'x.mmdb')
                : a,
      ),
    ]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('refuses a bad inventory with every problem at its line, writing nothing', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      '- ip: 10.0.0.1\n  namespace: a\n  workload: b\n- ip: 10.0.0.300\n  namespace: a\n  workload: c\n- cidr: 10.0.0.0/24\n  namespace: a\n  workload: d\n',
    );
    const out = join(dir, 'bad.mmdb');
    const r = runGlia(['identity', 'build', bad, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${bad}:4:3: entry 2: "10.0.0.300" is not an IP address\n${bad}:1: 10.0.0.1 overlaps 10.0.0.0/24 (line 7): every address must belong to one entry\n`,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('glia test with identity and declared edges', () => {
  it('passes the demo capture cases: a label selector and edge.policy_violation on the right edges', () => {
    const r = runGlia([
      'test',
      join(repoRoot(), 'packages/enricher-identity/examples/demo-identity.test.yaml'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^3 passed, 0 failed$/m);
  });
});

describe('glia control-plane', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-cp-cli-'));
  writeFileSync(join(dir, 'inventory.yaml'), INVENTORY);
  writeFileSync(join(dir, 'edges.txt'), 'E a/b > c/d : eighty\n');
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    [
      'no inventory',
      [],
      { GLIA_CONTROL_PLANE_TOKEN: 't' },
      /give the inventory as --inventory FILE or --kubernetes/,
    ],
    [
      'no token',
      ['--inventory', join(dir, 'inventory.yaml')],
      { GLIA_CONTROL_PLANE_TOKEN: '' },
      /a bearer token is required/,
    ],
    [
      'a bad edges file',
      ['--inventory', join(dir, 'inventory.yaml'), '--edges', join(dir, 'edges.txt')],
      { GLIA_CONTROL_PLANE_TOKEN: 't' },
      /edges\.txt:1:15: "eighty" is not a port/,
    ],
    [
      'a bad listen address',
      ['--inventory', join(dir, 'inventory.yaml'), '--listen', 'nowhere'],
      { GLIA_CONTROL_PLANE_TOKEN: 't' },
      /--listen nowhere: expected HOST:PORT/,
    ],
  ];
  it.each(cases)('refuses to start with %s (exit 2)', (_name, args, env, message) => {
    const r = runGlia(['control-plane', ...args], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
