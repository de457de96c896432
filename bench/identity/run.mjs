// Identity enricher throughput on one thread, over the built packages (`npm run build` first):
//   node bench/identity/run.mjs [pods]            (default 100 000 pods)
// - baseline MMDB build (glia's writer) and open; lookups/s straight through mmdb-lib;
// - overlay lookups/s; IdentityStore lookups/s with a cold and a warm cache;
// - all ten identity fields of an observation through the enricher's per-edge cache;
// - delta apply rate: JSON text → parsed delta → DeltaSync → overlay, entries/s and deltas/s.
// bench/identity/peer.sh runs MaxMind's Perl writer and reader on the same data, side by side.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseCidr } from '../../packages/core/dist/index.js';
import {
  buildIdentityMmdb,
  DeltaSync,
  IdentityBaseline,
  IdentityOverlay,
  IdentityStore,
  readIdentityDelta,
} from '../../packages/enricher-identity/dist/index.js';
import { EdgeIdentities } from '../../packages/enricher-identity/dist/edge-identities.js';

const PODS = Number(process.argv[2] ?? 100_000);
const ip = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const record = (i) => ({
  namespace: `ns${i % 50}`,
  workload: `wl${i % 2000}`,
  app: `app${i % 500}`,
  labels: new Map([
    ['app', `app${i % 500}`],
    ['tier', ['web', 'api', 'db'][i % 3]],
    ['team', `t${i % 20}`],
  ]),
  internet_exposed: i % 10 === 0,
  control_plane: false,
});

function rate(label, n, fn) {
  fn(Math.min(n, 10_000)); // warm up
  const t = performance.now();
  fn(n);
  const s = (performance.now() - t) / 1000;
  const perS = n / s;
  console.log(`${label.padEnd(58)} ${(perS / 1e6).toFixed(2).padStart(6)} M/s  (${n} in ${s.toFixed(2)} s)`);
  return perS;
}

console.log(
  `identity bench: ${PODS} pods, ${cpus()[0].model}, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

// Build and open.
const entries = Array.from({ length: PODS }, (_, i) => ({ network: parseCidr(ip(i)), record: record(i) }));
let t = performance.now();
const file = buildIdentityMmdb(entries);
console.log(
  `build MMDB (glia writer)                                    ${((performance.now() - t) / 1000).toFixed(2)} s, ${(file.length / 1048576).toFixed(1)} MiB`,
);
writeFileSync('/tmp/glia-bench-identity.mmdb', file);
writeFileSync(
  '/tmp/glia-bench-identity.json',
  JSON.stringify(
    entries.map((e, i) => ({
      network: `::${ip(i)}/128`,
      record: {
        namespace: e.record.namespace,
        workload: e.record.workload,
        app: e.record.app,
        labels: Object.fromEntries(e.record.labels),
        internet_exposed: e.record.internet_exposed ? 1 : 0,
        control_plane: 0,
      },
    })),
  ),
);
t = performance.now();
const baseline = new IdentityBaseline(file, 'bench');
console.log(
  `open MMDB                                                   ${((performance.now() - t) * 1000).toFixed(0)} µs`,
);

// Probe addresses: 90 % known, 10 % unknown, in a scattered order.
const probes = Array.from({ length: 1 << 16 }, (_, i) =>
  i % 10 === 9 ? `192.168.${(i >> 8) & 255}.${i & 255}` : ip((i * 7919) % PODS),
);
let sink = 0;
rate('baseline lookup (mmdb-lib tree walk, records decoded once)', 1_000_000, (n) => {
  for (let i = 0; i < n; i++) sink += baseline.lookup(probes[i & 0xffff]) === null ? 0 : 1;
});

const overlay = new IdentityOverlay();
overlay.apply({
  epoch: 'b',
  seq: 1,
  upserts: entries.map((e, i) => ({ ip: ip(i), record: e.record })),
  removes: [],
});
rate('overlay lookup (hosts), no cache', 5_000_000, (n) => {
  for (let i = 0; i < n; i++) sink += overlay.lookup(probes[i & 0xffff]) === undefined ? 0 : 1;
});

const cold = new IdentityStore({ cacheSize: 1024, maxOverlay: 2_000_000 }, baseline);
rate('IdentityStore lookup, baseline, cache misses (1 024 entries)', 1_000_000, (n) => {
  for (let i = 0; i < n; i++) sink += cold.lookup(probes[i & 0xffff]) === null ? 0 : 1;
});
const warm = new IdentityStore({ cacheSize: 65_536, maxOverlay: 2_000_000 }, baseline);
rate('IdentityStore lookup, baseline, cache hits (65 536 entries)', 5_000_000, (n) => {
  for (let i = 0; i < n; i++) sink += warm.lookup(probes[i & 0xffff]) === null ? 0 : 1;
});
const withOverlay = new IdentityStore({ cacheSize: 1024, maxOverlay: 2_000_000 }, baseline);
withOverlay.applyDelta({
  epoch: 'b',
  seq: 1,
  upserts: entries.slice(0, PODS / 2).map((e, i) => ({ ip: ip(i), record: e.record })),
  removes: [],
});
rate('IdentityStore lookup, half in the overlay, cache misses', 1_000_000, (n) => {
  for (let i = 0; i < n; i++) sink += withOverlay.lookup(probes[i & 0xffff]) === null ? 0 : 1;
});

// Every identity field of an observation, as the policy stage reads them, through EdgeIdentities.
const facts = new EdgeIdentities(warm, () => null, 65_536);
const observations = Array.from({ length: 1 << 16 }, (_, i) => ({
  client: probes[i],
  server: probes[(i * 31) & 0xffff],
  serverPort: 443,
}));
rate('observation: src+dst identity and flags (edge cache)', 5_000_000, (n) => {
  for (let i = 0; i < n; i++) {
    const f = facts.of(observations[i & 0xffff]);
    sink += (f.src?.namespace.length ?? 0) + (f.dst?.labels.size ?? 0);
  }
});

// Deltas: the JSON an identity-delta event carries, parsed, sequenced and applied.
for (const size of [1, 100]) {
  const texts = [];
  for (let d = 0; d < 2000; d++) {
    const upserts = [];
    for (let k = 0; k < size; k++) {
      const i = (d * size + k) % PODS;
      const r = record(i + 1);
      upserts.push({
        ip: ip(i),
        namespace: r.namespace,
        workload: r.workload,
        app: r.app,
        labels: Object.fromEntries(r.labels),
      });
    }
    texts.push(upserts);
  }
  const store = new IdentityStore({ cacheSize: 65_536, maxOverlay: 10_000_000 }, baseline);
  const sync = new DeltaSync({ apply: (d) => store.applyDelta(d), repull: async () => null });
  sync.start({ epoch: 'e', seq: 0 });
  let seq = 0;
  const jsons = texts.map((upserts) => JSON.stringify({ epoch: 'e', upserts, removes: [] }));
  const deltasPerS = rate(
    `delta apply: JSON → parse → sequence → overlay, ${size} upsert${size > 1 ? 's' : ''}/delta`,
    size === 1 ? 200_000 : 20_000,
    (n) => {
      for (let i = 0; i < n; i++) {
        const json = JSON.parse(jsons[i % jsons.length]);
        json.seq = ++seq;
        const read = readIdentityDelta(json);
        if (sync.receive(read.delta) !== 'applied') throw new Error('not applied');
      }
    },
  );
  console.log(`${''.padEnd(58)} = ${((deltasPerS * size) / 1e6).toFixed(2)} M upserts/s`);
}
if (sink === 0.5) console.log(sink);
