// Measures the flow enricher: observations per second through its bus subscriber plus field
// resolution the way the policy stage does it (memoized per observation through core's
// FieldResolver). One thread. Build first: npx tsc -b packages/enricher-flow
// Usage: node bench/enrichers/flow.mjs   (OBSERVATIONS=…, ROUNDS=… to change the run)
import { cpus, loadavg, totalmem } from 'node:os';
import {
  Bus,
  CORE_FIELDS,
  FieldResolver,
  MemoryBudget,
  MetricsRegistry,
  PacketClock,
  silentLogger,
} from '../../packages/core/dist/index.js';
import flow from '../../packages/enricher-flow/dist/index.js';

const OBSERVATIONS = Number(process.env.OBSERVATIONS ?? 2_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const STEP_NS = 50_000n; // 20 000 observations per second of packet time: a busy node
const TUPLES = 1 << 17;

/**
 * The edges of a node's traffic: 2000 pods talking to 300 in-cluster services and 200 external
 * addresses (SYN, then SYN-ACK for most), DNS over UDP to the cluster resolver, flow reports of
 * long-lived connections, and one pod port-scanning a neighbour now and then. Kept as a ring of
 * tuples; observation objects are made fresh in the timed loop, as the enrichment stage makes
 * them, so the heap looks like production (short-lived observations), not a million retained ones.
 */
function makeTuples(n) {
  let seed = 7;
  const rnd = (k) => {
    // mulberry32: an LCG's low bits would make `% k` visit only a few hundred pods.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % k;
  };
  const pod = (i) => `10.244.${(i >> 8) & 255}.${i & 255}`;
  const services = Array.from({ length: 300 }, (_, i) => [
    `10.96.${i >> 8}.${(i & 255) + 1}`,
    [80, 443, 5432, 6379, 8080, 9090][i % 6],
  ]);
  const external = Array.from({ length: 200 }, (_, i) => [`203.0.${113 + (i >> 8)}.${i & 255}`, 443]);
  const out = [];
  let clientPort = 32768;
  let scanPort = 1;
  const push = (phase, client, server, cport, sport, proto) =>
    out.push({ phase, client, server, cport, sport, proto });
  while (out.length < n) {
    const r = rnd(100);
    const client = pod(rnd(2000));
    clientPort = clientPort >= 60999 ? 32768 : clientPort + 1;
    if (r < 55) {
      const [server, port] = rnd(10) < 8 ? services[rnd(300)] : external[rnd(200)];
      push('syn', client, server, clientPort, port, 'tcp');
      if (rnd(10) < 9) push('synack', client, server, clientPort, port, 'tcp');
    } else if (r < 85) {
      push('flow', client, '10.96.0.10', clientPort, 53, 'udp');
    } else if (r < 99 || rnd(10) > 0) {
      const [server, port] = services[rnd(300)];
      push('flow', client, server, 40000 + rnd(2000), port, 'tcp');
    } else {
      for (let i = 0; i < 20; i++)
        push('syn', '10.244.7.7', '10.244.9.9', 55555, (scanPort++ % 65535) + 1, 'tcp');
    }
  }
  return out.slice(0, n);
}

/** Worst case for the caps: one source sweeping every port of 256 hosts, so its maps stay full and evict on every SYN. */
function makeScanTuples(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      phase: 'syn',
      client: '10.244.7.7',
      server: `10.244.9.${i & 255}`,
      cport: 55555,
      sport: ((i >>> 8) % 65535) + 1,
      proto: 'tcp',
    });
  }
  return out;
}

function context() {
  return {
    name: 'flow',
    bus: new Bus(),
    clock: new PacketClock(),
    logger: silentLogger(),
    metrics: new MetricsRegistry(),
    network: {
      home_net: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
      pod_nets: ['10.244.0.0/16'],
      never_ban: [],
    },
    agentId: 'bench',
    container: undefined,
    baseDir: process.cwd(),
    memory: new MemoryBudget(),
  };
}

/** One round: a fresh enricher (unless `enricher` is false); every observation published, `wanted` fields resolved. */
function round(tuples, n, wanted, enricher = true) {
  const ctx = context();
  const instance = enricher ? flow.create(ctx, {}) : null;
  const resolver = new FieldResolver([...CORE_FIELDS, ...(instance?.fields() ?? [])]);
  let checksum = 0;
  ctx.bus.subscribe('observation', (o) => {
    checksum += o.serverPort;
    for (let f = 0; f < wanted.length; f++) checksum += resolver.get(o, wanted[f]);
  });
  instance?.start();
  let ts = 1_700_000_000_000_000_000n;
  const mask = tuples.length - 1;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t = tuples[i & mask];
    ts += STEP_NS;
    ctx.bus.publish('observation', {
      ts,
      iface: 'cilium_vxlan',
      dir: 'ingress',
      phase: t.phase,
      client: t.client,
      server: t.server,
      clientPort: t.cport,
      serverPort: t.sport,
      proto: t.proto,
      vni: 2,
      event: null,
      fields: new Map(),
    });
  }
  const ns = Number(process.hrtime.bigint() - start);
  instance?.stop();
  if (checksum === 0) throw new Error('subscriber did not run');
  return { rate: (n / ns) * 1e9, sources: instance?.windows.trackedSources ?? 0 };
}

const FLOW = ['flow.unique_dst_ports', 'flow.unique_dsts', 'flow.flows_per_min', 'flow.dst_port_entropy'];
const IDS = [
  'ids.src_home_net',
  'ids.dst_home_net',
  'ids.dst_external_net',
  'ids.src_pod_net',
  'ids.dst_pod_net',
];
const tuples = makeTuples(TUPLES);
const scan = makeScanTuples(TUPLES);
const modes = [
  ['baseline: make + publish, no enricher', [], false, tuples],
  ['window upkeep only (no field read)', [], true, tuples],
  ['ids.* (5 fields)', IDS, true, tuples],
  ['flow.* (4 fields)', FLOW, true, tuples],
  ['all 9 fields (ids.* + flow.*)', [...IDS, ...FLOW], true, tuples],
  ['port-scan flood, all 9 fields (caps hit)', [...IDS, ...FLOW], true, scan],
];

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(
  `machine: ${cpus()[0].model}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
console.log(
  `observations per round: ${OBSERVATIONS} (${Number(BigInt(OBSERVATIONS) * STEP_NS) / 1e9} s of packet time), rounds: ${ROUNDS}, one thread, load average ${loadavg()[0].toFixed(1)}`,
);
for (const [name, wanted, enricher, traffic] of modes) {
  round(traffic, 200_000, wanted, enricher); // warm-up
  const runs = [];
  let sources = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const result = round(traffic, OBSERVATIONS, wanted, enricher);
    runs.push(result.rate);
    sources = result.sources;
  }
  console.log(
    `${name.padEnd(40)} median ${fmt(median(runs))} obs/s (min ${fmt(Math.min(...runs))}, max ${fmt(Math.max(...runs))}); sources at end: ${sources}`,
  );
}
console.log(`load average after: ${loadavg()[0].toFixed(1)}`);
