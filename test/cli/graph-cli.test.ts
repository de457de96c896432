import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, repoRoot } from '@glia/core/testing';
import type { GraphDiff, ServiceGraph } from '@glia/service-graph';
import { describe, expect, it } from 'vitest';
import { runGlia } from '../support/glia.js';
import { tsharkEdges } from '../support/tshark-edges.js';

const DEMO = join(repoRoot(), 'packages/cli/assets/demo.pcap');
const dir = mkdtempSync(join(tmpdir(), 'glia-graph-cli-'));

/** A config with the demo's enrichers and no sink printing on stdout; `rules` as YAML lines. */
function config(name: string, rules: string[] = []): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'agent: { id: cli-test }',
      'enrichers: [{ plugin: fqdn }, { plugin: ja4t }, { plugin: tls }, { plugin: flow }]',
      ...(rules.length > 0 ? ['rules:', ...rules] : []),
    ].join('\n'),
  );
  return file;
}

function graphOf(args: string[]): ServiceGraph {
  const r = runGlia(['replay', DEMO, '-c', config('plain'), '--print', 'graph', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ServiceGraph;
}

describe('glia replay --print graph', () => {
  it.skipIf(!hasTool('tshark'))('prints the capture’s edges with the connection counts tshark gives', () => {
    const graph = graphOf([]);
    const ipOf = new Map(graph.nodes.map((n) => [n.id, n.ips[0]]));
    const mine = Object.fromEntries(
      graph.edges.map((e) => [`${ipOf.get(e.source)}>${ipOf.get(e.target)}:${e.port}/${e.proto}`, e.flows]),
    );
    expect(mine).toEqual(Object.fromEntries(tsharkEdges(DEMO)));
    // Names from DNS answers in the capture sit on the nodes they were resolved to.
    expect(graph.nodes.find((n) => n.dns_names.includes('www.evil.com'))?.ips).toEqual(['10.99.0.3']);
  });

  it.skipIf(!hasTool('dot'))('--format dot is the same graph, as GraphViz reads it', () => {
    const json = graphOf(['--format', 'json']);
    const r = runGlia(['replay', DEMO, '-c', config('plain'), '--print', 'graph', '--format', 'dot']);
    expect(r.code, r.stderr).toBe(0);
    const read = JSON.parse(execFileSync('dot', ['-Tjson0'], { input: r.stdout, encoding: 'utf8' })) as {
      objects: Array<{ name: string; nodes?: number[]; _gvid: number }>;
      edges: Array<{ tail: number; head: number; label: string }>;
    };
    const names = new Map(read.objects.filter((o) => o.nodes === undefined).map((o) => [o._gvid, o.name]));
    expect(read.edges.map((e) => `${names.get(e.tail)} ${names.get(e.head)} ${e.label}`).sort()).toEqual(
      json.edges.map((e) => `${e.source} ${e.target} ${e.proto}/${e.port} (${e.flows})`).sort(),
    );
  });

  it('--format mermaid starts a flowchart; wrong combinations exit 2 and say why', () => {
    const m = runGlia(['replay', DEMO, '-c', config('plain'), '--print', 'graph', '--format', 'mermaid']);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout.split('\n')[0]).toBe('flowchart LR');
    const cases: Array<[string[], RegExp]> = [
      [['--print', 'graph', '--format', 'jsonl'], /--print graph: --format must be json, dot or mermaid/],
      [['--print', 'events', '--format', 'dot'], /--format dot is only for --print graph/],
      [['--print', 'verdicts', '--identity', 'x.mmdb'], /--identity is only for --print graph/],
      [
        ['--print', 'graph', '--identity', join(dir, 'none.mmdb')],
        /identity baseline .*none\.mmdb: .*ENOENT/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = runGlia(['replay', DEMO, '-c', config('plain'), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});

describe('glia graph diff', () => {
  it('lists the edges a policy would block, and what changed between two graphs', () => {
    const before = join(dir, 'before.json');
    const after = join(dir, 'after.json');
    writeFileSync(before, JSON.stringify(graphOf([])));
    const policy = runGlia([
      'replay',
      DEMO,
      '-c',
      config('policy', ['  - { id: no-web, expression: "tcp.dstport eq 80", action: drop, enforce: false }']),
      '--print',
      'graph',
    ]);
    expect(policy.code, policy.stderr).toBe(0);
    const withPolicy = JSON.parse(policy.stdout) as ServiceGraph;
    // Graph B: the policy's graph without the port-scan edges.
    writeFileSync(
      after,
      JSON.stringify({
        ...withPolicy,
        edges: withPolicy.edges.filter((e) => e.port === 80 || e.port > 1024),
      }),
    );
    const r = runGlia(['graph', 'diff', before, after, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const diff = JSON.parse(r.stdout) as GraphDiff;
    const port80 = withPolicy.edges.filter((e) => e.port === 80);
    expect(port80.length).toBeGreaterThan(0);
    expect(diff.blocked.map((e) => `${e.source}>${e.target}:${e.port}`).sort()).toEqual(
      port80.map((e) => `${e.source}>${e.target}:${e.port}`).sort(),
    );
    expect(diff.added).toEqual([]);
    expect(diff.removed.length).toBe(
      withPolicy.edges.filter((e) => !(e.port === 80 || e.port > 1024)).length,
    );
    const text = runGlia(['graph', 'diff', before, after]);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      `0 added, ${diff.removed.length} removed, ${diff.blocked.length} blocked`,
    );
    expect(text.stdout).toMatch(
      /^! host\/10\.99\.0\.1 -> \S+ tcp\/80 \(\d+ flows, 0 drop, \d+ would-drop\)$/m,
    );
  });

  it('exits 2 naming the file that is missing or not a graph', () => {
    const notGraph = join(dir, 'not-graph.json');
    writeFileSync(notGraph, '{"version": 1, "nodes": []}');
    const cases: Array<[string[], RegExp]> = [
      [[join(dir, 'missing.json'), notGraph], /missing\.json: cannot read: .*ENOENT/],
      [[notGraph, notGraph], /not-graph\.json: not a glia service graph: edges is not an array/],
    ];
    for (const [files, message] of cases) {
      const r = runGlia(['graph', 'diff', ...files]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('glia collector', () => {
  it('exits 2 without an upload token, and for a bad --store or --listen', () => {
    const env = { GLIA_COLLECTOR_TOKEN: '' };
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['collector'], env, /no upload token: set GLIA_COLLECTOR_TOKEN/],
      [
        ['collector', '--store', 'mysql://x'],
        { GLIA_COLLECTOR_TOKEN: 'long-enough' },
        /--store mysql:\/\/x: expected sqlite:PATH or postgres:\/\//,
      ],
      [
        ['collector', '--listen', 'nowhere'],
        { GLIA_COLLECTOR_TOKEN: 'long-enough' },
        /--listen nowhere: expected HOST:PORT/,
      ],
    ];
    const cwd = mkdtempSync(join(tmpdir(), 'glia-collector-cli-'));
    for (const [args, e, message] of cases) {
      const r = runGlia(args, { env: e, timeoutMs: 20_000, cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(readdirSync(cwd)).toEqual([]); // nothing created for a refused start
  });
});
