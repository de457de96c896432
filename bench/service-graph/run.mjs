// Service graph benchmark: upload and merge throughput (edges/s) and collector memory with N agents
// of M edges each (default 100 × 5 000), against a real `glia collector` process.
//
//   node bench/service-graph/run.mjs [--store sqlite|postgres://…] [--agents 100] [--edges 5000]
//
// Needs `npm run build`. Phases: (1) the agent side alone: accumulate M edges, drain a full slice and
// gzip it; (2) every agent PUTs its full slice at once (100 concurrent uploads); (3) every agent
// PUTs a delta slice (10 % of its edges changed); (4) GET /v1/graph once (the whole merged graph,
// resolved and serialized); collector RSS (VmRSS, VmHWM) after each phase from /proc.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Bus, CORE_FIELDS } from '@glia/core';
import { GraphAccumulator } from '@glia/service-graph';
import { GraphRecorder } from '@glia/sink-service-graph';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const AGENTS = Number(args.agents ?? 100);
const EDGES = Number(args.edges ?? 5000);
const store = args.store ?? 'sqlite';
const TOKEN = 'bench-token-123';
const root = new URL('../../', import.meta.url).pathname;

function mib(kb) {
  return `${(kb / 1024).toFixed(0)} MiB`;
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)[1]);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/**
 * One agent's edges: its 50 pods (10.<agent>.0.<pod>) each calling 100 of the cluster's 1 000
 * service addresses (10.250.x.y, shared by all agents): 5 000 distinct edges per agent.
 */
function agentEdges(agent, seq, changedShare) {
  const acc = new GraphAccumulator({
    maxEdges: EDGES * 2,
    maxNodes: EDGES * 2,
    maxFlows: 1 << 20,
    idleMs: 1e15,
    flowIdleMs: 300_000,
  });
  const t = 1_700_000_000_000 + seq * 30_000;
  for (let i = 0; i < EDGES; i++) {
    const client = `10.${agent % 250}.${Math.floor(agent / 250)}.${i % 50}`;
    const service = Math.floor(i / 50) + (agent % 10) * 100;
    const server = `10.250.${service >> 8}.${service & 255}`;
    const port = [80, 443, 5432, 6379, 8080][service % 5];
    const flows = seq === 1 || i < EDGES * changedShare ? 1 + (i % 7) + seq : 0;
    for (let f = 0; f < Math.max(1, flows % 3); f++)
      acc.observe({ client, server, clientPort: 30000 + f, serverPort: port, proto: 'tcp', ts: t + f });
  }
  const drained = acc.drain(t, true);
  const edges = drained.edges.slice(0, seq === 1 ? EDGES : Math.floor(EDGES * changedShare));
  return {
    version: 1,
    agent: `agent-${agent}`,
    epoch: 1,
    seq,
    full: seq === 1,
    generated_at: t,
    edges,
    nodes: [],
  };
}

async function startCollector() {
  const dir = mkdtempSync(join(tmpdir(), 'glia-bench-graph-'));
  const storeArg = store === 'sqlite' ? `sqlite:${join(dir, 'graph.db')}` : store;
  const child = spawn(
    process.execPath,
    [join(root, 'packages/cli/bin/glia.js'), 'collector', '--listen', '127.0.0.1:0', '--store', storeArg],
    {
      env: { ...process.env, GLIA_COLLECTOR_TOKEN: TOKEN },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const base = await new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (c) => {
      text += c;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`collector exited ${code}: ${text}`)));
  });
  return { child, base };
}

async function upload(base, bodies) {
  const started = performance.now();
  const statuses = await Promise.all(
    bodies.map(({ agent, body }) =>
      fetch(`${base}/v1/observed/${agent}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-encoding': 'gzip',
          'content-type': 'application/json',
        },
        body,
      }).then((r) => r.status),
    ),
  );
  const bad = statuses.filter((s) => s !== 204);
  if (bad.length > 0) throw new Error(`uploads refused: ${bad.join(', ')}`);
  return performance.now() - started;
}

// (0) The sink's hot path: observations through the bus into the accumulator (GraphRecorder), 1 M
// observations over 10 000 edges (100 connections each, each seen twice: SYN and a flow report).
{
  const bus = new Bus();
  const acc = new GraphAccumulator({
    maxEdges: 200_000,
    maxNodes: 200_000,
    maxFlows: 1 << 21,
    idleMs: 1e15,
    flowIdleMs: 300_000,
  });
  const recorder = new GraphRecorder(bus, acc, () => CORE_FIELDS);
  recorder.start();
  const observations = [];
  for (let c = 0; c < 100; c++)
    for (let e = 0; e < 10_000; e++)
      for (const phase of ['syn', 'flow'])
        observations.push({
          ts: 1_700_000_000_000_000_000n + BigInt(c * 1000 + e),
          iface: 'eth0',
          dir: 'ingress',
          phase,
          client: `10.1.${e >> 8}.${e & 255}`,
          server: `10.2.0.${e % 200}`,
          clientPort: 30000 + c,
          serverPort: 443,
          proto: 'tcp',
          event: {},
          fields: new Map(),
        });
  const start = performance.now();
  for (const o of observations) bus.publish('observation', o);
  const ms = performance.now() - start;
  console.log(
    `sink hot path: ${observations.length} observations in ${ms.toFixed(0)} ms, ${Math.round(observations.length / (ms / 1000))} observations/s (${acc.edgeCount} edges)`,
  );
}

// (1) The agent side, measured on one agent's slice.
let t0 = performance.now();
const sample = agentEdges(0, 1, 1);
const accumulateMs = performance.now() - t0;
t0 = performance.now();
const sampleBody = gzipSync(JSON.stringify(sample));
const encodeMs = performance.now() - t0;
console.log(
  `agent side: ${EDGES} edges accumulated in ${accumulateMs.toFixed(0)} ms; full slice JSON+gzip ${encodeMs.toFixed(0)} ms, ${(sampleBody.length / 1024).toFixed(0)} KiB on the wire`,
);

const full = [];
const delta = [];
for (let a = 0; a < AGENTS; a++) {
  full.push({ agent: `agent-${a}`, body: gzipSync(JSON.stringify(agentEdges(a, 1, 1))) });
  delta.push({ agent: `agent-${a}`, body: gzipSync(JSON.stringify(agentEdges(a, 2, 0.1))) });
}

const { child, base } = await startCollector();
try {
  const idle = memory(child.pid);
  const fullMs = await upload(base, full);
  const afterFull = memory(child.pid);
  const deltaMs = await upload(base, delta);
  const afterDelta = memory(child.pid);
  t0 = performance.now();
  const response = await fetch(`${base}/v1/graph`);
  const text = await response.text();
  const graphMs = performance.now() - t0;
  const afterGraph = memory(child.pid);
  const graph = JSON.parse(text);
  const total = AGENTS * EDGES;
  const rows = [
    ['store', store === 'sqlite' ? 'SQLite (embedded)' : 'PostgreSQL 15'],
    ['agents × edges', `${AGENTS} × ${EDGES} = ${total}`],
    [
      'full slices, all agents at once',
      `${(fullMs / 1000).toFixed(2)} s, ${Math.round(total / (fullMs / 1000))} edges/s`,
    ],
    [
      'delta slices (10 %), all at once',
      `${(deltaMs / 1000).toFixed(2)} s, ${Math.round((total * 0.1) / (deltaMs / 1000))} edges/s`,
    ],
    [
      'GET /v1/graph (whole graph)',
      `${(graphMs / 1000).toFixed(2)} s, ${graph.edges.length} edges, ${(text.length / 1048576).toFixed(0)} MiB JSON`,
    ],
    ['collector RSS idle', mib(idle.rss)],
    ['collector RSS after full uploads (peak)', `${mib(afterFull.rss)} (${mib(afterFull.hwm)})`],
    ['collector RSS after deltas (peak)', `${mib(afterDelta.rss)} (${mib(afterDelta.hwm)})`],
    ['collector RSS after GET /v1/graph (peak)', `${mib(afterGraph.rss)} (${mib(afterGraph.hwm)})`],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(44)} ${v}`);
  if (graph.edges.length !== total)
    throw new Error(`the merged graph has ${graph.edges.length} edges, expected ${total}`);
} finally {
  child.kill('SIGTERM');
}
