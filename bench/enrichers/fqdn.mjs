// Throughput of the fqdn enricher: DNS responses/s into the store (parse + CNAME chains + store
// writes, through the plugin's ingest) and lookups/s (dns.fqdn and dns.fqdns resolved for an
// observation). Run after `npx tsc -b packages/enricher-fqdn`:  node bench/enrichers/fqdn.mjs
import { cpus } from 'node:os';
import dnsPacket from 'dns-packet';
import { MemoryBudget, MetricsRegistry, PacketClock, observationOf } from '../../packages/core/dist/index.js';
import { fqdnPlugin } from '../../packages/enricher-fqdn/dist/index.js';

const SECOND = 1_000_000_000n;
const DISTINCT = 20_000; // distinct responses cycled through (distinct names and addresses)

function addressOf(i) {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/** A mix like a resolver's traffic: 60% plain A, 25% CNAME chain of 2 + A, 15% AAAA; EDNS OPT. */
function messages() {
  const out = [];
  for (let i = 0; i < DISTINCT; i++) {
    const q = `host${i}.svc${i % 97}.example.com`;
    const kind = i % 20;
    let answers;
    if (kind < 12) answers = [{ type: 'A', name: q, ttl: 300, data: addressOf(i) }];
    else if (kind < 17)
      answers = [
        { type: 'CNAME', name: q, ttl: 60, data: `edge${i}.cdn.example.net` },
        { type: 'CNAME', name: `edge${i}.cdn.example.net`, ttl: 60, data: `e${i}.akamai.example` },
        { type: 'A', name: `e${i}.akamai.example`, ttl: 20, data: addressOf(i) },
        { type: 'A', name: `e${i}.akamai.example`, ttl: 20, data: addressOf(i + 1) },
      ];
    else answers = [{ type: 'AAAA', name: q, ttl: 300, data: `2001:db8::${(i & 0xffff).toString(16)}` }];
    out.push(
      dnsPacket.encode({
        type: 'response',
        id: i & 0xffff,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
        questions: [{ type: 'A', name: q }],
        answers,
        additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0 }],
      }),
    );
  }
  return out;
}

function context(clock) {
  const subscribers = [];
  return {
    name: 'fqdn',
    bus: { subscribe: (_t, h) => (subscribers.push(h), () => undefined) },
    clock,
    logger: {
      info() {},
      warn() {},
      error() {},
      debug() {},
      child() {
        return this;
      },
    },
    metrics: new MetricsRegistry(),
    network: { home_net: [], pod_nets: [], never_ban: [] },
    agentId: 'bench',
    container: null,
    baseDir: '.',
    memory: new MemoryBudget(),
  };
}

function time(label, n, fn) {
  fn(Math.min(n, 20_000)); // warm up
  const start = process.hrtime.bigint();
  fn(n);
  const ns = Number(process.hrtime.bigint() - start);
  const rate = n / (ns / 1e9);
  console.log(
    `${label.padEnd(48)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} /s  (${n.toLocaleString('en-US')} in ${(ns / 1e6).toFixed(0)} ms)`,
  );
  return rate;
}

const msgs = messages();
const clock = new PacketClock(1_700_000_000n * SECOND);
const enricher = fqdnPlugin.create(context(clock), {});
const [fqdn, fqdns] = enricher.fields();

const N = 400_000;
const ingest = time('DNS responses/s into the store (ingest)', N, (n) => {
  for (let i = 0; i < n; i++) {
    if ((i & 1023) === 0) clock.advance(clock.now() + SECOND / 100n);
    enricher.ingest(msgs[i % DISTINCT]);
  }
});

const observations = [];
for (let i = 0; i < 4096; i++) {
  const hit = i % 4 !== 0; // 75% of destinations were resolved, 25% were not
  const server = hit ? addressOf((i * 7) % DISTINCT) : `172.16.${(i >> 8) & 255}.${i & 255}`;
  observations.push(
    observationOf(
      {
        ts: clock.now(),
        iface: 'eth0',
        dir: 'egress',
        src: '10.9.0.1',
        dst: server,
        sport: 40000,
        dport: 443,
        proto: 'tcp',
      },
      'flow',
    ),
  );
}
let sink = 0;
const lookups = time('lookups/s (dns.fqdn, 75% hits)', 4_000_000, (n) => {
  for (let i = 0; i < n; i++) if (fqdn.resolve(observations[i & 4095]) !== undefined) sink++;
});
const lookupsAll = time('lookups/s (dns.fqdns array, 75% hits)', 2_000_000, (n) => {
  for (let i = 0; i < n; i++) if (fqdns.resolve(observations[i & 4095]) !== undefined) sink++;
});

// The same ingest into a full store: 1000 entries, so every new address evicts one.
const small = fqdnPlugin.create(context(clock), { max_entries: 1000 });
const evicting = time('DNS responses/s with max_entries 1000 (evicting)', N, (n) => {
  for (let i = 0; i < n; i++) small.ingest(msgs[i % DISTINCT]);
});

console.log(
  JSON.stringify({
    node: process.version,
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    ingestPerSec: Math.round(ingest),
    ingestEvictingPerSec: Math.round(evicting),
    lookupsPerSec: Math.round(lookups),
    lookupsArrayPerSec: Math.round(lookupsAll),
    storeSize: enricher.store.size,
    stored: enricher.metrics.store.stored.value,
    evictions: small.metrics.store.evictedEntries.value,
    sink,
  }),
);
