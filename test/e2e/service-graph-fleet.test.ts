import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir, hasTool } from '@glia/core/testing';
import type { ServiceGraph } from '@glia/service-graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputWatcher, runGlia, startGlia } from '../support/glia.js';
import { tsharkEdges } from '../support/tshark-edges.js';

const fixtures = fixturesDir();
const ready = fixtures !== null && hasTool('tshark');
const TOKEN = 'fleet-test-token';

/**
 * Each agent replays its own captures; zeek_http_get.pcap is in both, so one edge is reported by two
 * agents. FTP's data connections (a lower client port to a higher server port) check that a
 * connection stays oriented by its handshake, not by the port rule.
 */
const AGENT_A = [
  'zeek_smtp.pcap',
  'zeek_http_get.pcap',
  'zeek_dns_long-connection.pcap',
  'zeek_ftp_ipv4.pcap',
  'zeek_ftp_ipv6.pcap',
];
const AGENT_B = [
  'zeek_ssh_single-conn.pcap',
  'zeek_redis_pipelining-example.pcap',
  'zeek_mysql_mysql.pcap',
  'zeek_http_get.pcap',
];

describe.skipIf(!ready)('service graph: two agents, one collector, on loopback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-fleet-'));
  let collector: ReturnType<typeof startGlia>;
  let base = '';

  beforeAll(async () => {
    collector = startGlia(
      ['collector', '--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, 'graph.db')}`],
      {
        env: { GLIA_COLLECTOR_TOKEN: TOKEN },
      },
    );
    const line = await new OutputWatcher(collector.stderr).waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
    base = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1];
  });
  afterAll(() => {
    collector?.kill('SIGTERM');
  });

  function agentConfig(id: string, captures: string[]): string {
    const file = join(dir, `${id}.yaml`);
    const files = captures.map((c) => JSON.stringify(join(fixtures!, 'pcaps', c))).join(', ');
    writeFileSync(
      file,
      [
        `agent: { id: ${id} }`,
        `capture:`,
        `  - { plugin: pcap, file: [${files}] }`,
        `enrichers: [{ plugin: fqdn }, { plugin: ja4t }, { plugin: tls }, { plugin: flow }]`,
        `sinks:`,
        `  - { plugin: service_graph, url: "${base}", token: "\${GLIA_TEST_TOKEN}", interval: 0.2 }`,
      ].join('\n'),
    );
    return file;
  }

  function runAgent(file: string): void {
    const r = runGlia(['run', '-c', file], { env: { GLIA_TEST_TOKEN: TOKEN } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/upload failed|left unsent/);
  }

  async function graphByIp(): Promise<Map<string, { flows: number; agents: string[] }>> {
    const graph = (await (await fetch(`${base}/v1/graph`)).json()) as ServiceGraph;
    const ipOf = new Map(graph.nodes.map((n) => [n.id, n.ips]));
    const edges = new Map<string, { flows: number; agents: string[] }>();
    for (const e of graph.edges) {
      const [src, dst] = [ipOf.get(e.source)!, ipOf.get(e.target)!];
      expect(src.length * dst.length, `${e.source} or ${e.target} has several addresses`).toBe(1);
      edges.set(`${src[0]}>${dst[0]}:${e.port}/${e.proto}`, { flows: e.flows, agents: e.agents });
    }
    return edges;
  }

  /** The union of each agent's captures by tshark: connections add up, agents are listed. */
  function expected(): Map<string, { flows: number; agents: string[] }> {
    const union = new Map<string, { flows: number; agents: string[] }>();
    for (const [agent, captures] of [
      ['agent-a', AGENT_A],
      ['agent-b', AGENT_B],
    ] as const) {
      for (const c of captures) {
        for (const [key, flows] of tsharkEdges(join(fixtures!, 'pcaps', c))) {
          const e = union.get(key) ?? { flows: 0, agents: [] };
          e.flows += flows;
          if (!e.agents.includes(agent)) e.agents.push(agent);
          union.set(key, e);
        }
      }
    }
    for (const e of union.values()) e.agents.sort();
    return union;
  }

  it('the merged graph is exactly the union of both agents’ edges, with the counts tshark gives', async () => {
    runAgent(agentConfig('agent-a', AGENT_A));
    runAgent(agentConfig('agent-b', AGENT_B));
    const want = expected();
    expect([...want.values()].some((e) => e.agents.length === 2)).toBe(true); // one edge seen by both
    expect(Object.fromEntries(await graphByIp())).toEqual(Object.fromEntries(want));
  });

  it('restarting an agent (a new process replaying the same captures) does not double its counts', async () => {
    const before = Object.fromEntries(await graphByIp());
    runAgent(agentConfig('agent-a', AGENT_A));
    runAgent(agentConfig('agent-a', AGENT_A));
    expect(Object.fromEntries(await graphByIp())).toEqual(before);
    const agents = (await (await fetch(`${base}/v1/agents`)).json()) as {
      agents: Array<{ agent: string; epoch: number }>;
    };
    expect(agents.agents.map((a) => a.agent)).toEqual(['agent-a', 'agent-b']);
  });
});
