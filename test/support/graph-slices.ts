import { seededRandom } from '@glia/core/testing';
import type { ObservedSlice, RawGraph, ServiceFact, SliceEdge, SliceNode } from '@glia/service-graph';

/**
 * A seeded stream of slices from several agents as real agents would send them: cumulative counts
 * per edge growing over time, delta slices with a random part of what changed, late retries of
 * older slices, and restarts (a new epoch whose counts start again). Edges overlap across agents.
 */
export function sliceStream(
  seed: number,
  agents: number,
  slices: number,
  edgesPerAgent = 40,
): ObservedSlice[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const ips = Array.from({ length: 12 }, (_, i) => (i < 9 ? `10.0.${i % 3}.${i}` : `2001:db8::${i}`));
  const ports = [22, 53, 80, 443, 5432, 6379];
  const state = Array.from({ length: agents }, (_, a) => ({
    agent: `agent-${a}`,
    epoch: 1_000 + a,
    seq: 0,
    edges: new Map<string, SliceEdge>(),
    sent: [] as ObservedSlice[],
  }));
  const out: ObservedSlice[] = [];
  for (let i = 0; i < slices; i++) {
    const s = pick(state);
    if (random() < 0.08 && s.sent.length > 1) {
      out.push(pick(s.sent)); // a late retry of an older slice
      continue;
    }
    if (random() < 0.05) {
      s.epoch += 10_000; // a restart: counts begin again
      s.seq = 0;
      s.edges.clear();
    }
    const changed: SliceEdge[] = [];
    for (let k = 0; k < 1 + Math.floor(random() * 8); k++) {
      const client = pick(ips);
      const server = pick(ips.filter((ip) => ip !== client && ip.includes(':') === client.includes(':')));
      const port = pick(ports);
      const proto = port === 53 && random() < 0.5 ? 'udp' : 'tcp';
      const key = `${client}>${server}:${port}/${proto}`;
      if (!s.edges.has(key) && s.edges.size >= edgesPerAgent) continue;
      const t = 1_700_000_000_000 + i * 1000;
      const e = s.edges.get(key) ?? {
        client,
        server,
        port,
        proto,
        flows: 0,
        first_seen: t,
        last_seen: t,
        verdicts: { drop: 0, would_drop: 0, log: 0, allow: 0 },
      };
      e.flows += 1 + Math.floor(random() * 5);
      e.last_seen = t + Math.floor(random() * 500);
      if (random() < 0.2) e.verdicts.would_drop++;
      if (random() < 0.1) e.verdicts.drop++;
      s.edges.set(key, e);
      changed.push({ ...e, verdicts: { ...e.verdicts } });
    }
    const nodes: SliceNode[] = changed.slice(0, 2).map((e) => node(e.server, e.port, random));
    const slice: ObservedSlice = {
      version: 1,
      agent: s.agent,
      epoch: s.epoch,
      seq: ++s.seq,
      full: s.seq === 1,
      generated_at: 1_700_000_000_000 + i * 1000,
      edges: changed,
      nodes,
    };
    s.sent.push(slice);
    out.push(slice);
  }
  return out;
}

function node(ip: string, port: number, random: () => number): SliceNode {
  const services: ServiceFact[] =
    random() < 0.5
      ? [{ port, proto: 'tcp', service: `svc${port}`, version: String(Math.floor(random() * 3)) }]
      : [];
  return {
    ip,
    last_seen: 0,
    ja4t: random() < 0.3 ? [`t${Math.floor(random() * 4)}`] : [],
    ja4ts: random() < 0.3 ? [{ port, ja4ts: `ts${port}` }] : [],
    services,
    dns_names: random() < 0.5 ? [`${ip.replace(/[.:]/g, '-')}.example`] : [],
    tls_names: [],
  };
}

/** A raw graph in a canonical order, for comparing a store's answer with the reference model. */
export function canonical(raw: RawGraph): RawGraph {
  const key = (e: { client: string; server: string; port: number; proto: string }) =>
    `${e.client}>${e.server}:${e.port}/${e.proto}`;
  return {
    edges: [...raw.edges].sort((a, b) => (key(a) < key(b) ? -1 : 1)),
    nodes: [...raw.nodes]
      .sort((a, b) => (a.ip < b.ip ? -1 : 1))
      .map((n) => ({
        ...n,
        services: [...n.services],
        dns_names: [...n.dns_names].sort(),
        ja4t: [...n.ja4t].sort(),
      })),
  };
}
