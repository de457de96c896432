#!/usr/bin/env node
// Heap cost of one entry of each bounded store, as the memory budget (limits.memory_mb) counts
// it: the growth of V8's used heap after a full GC, over N distinct entries, divided by N. The
// constants the stores size their caps with (FLOW_STATE_BYTES, BYTES_PER_SOURCE, ...) are these
// figures rounded up. Run after `npm run build`:  node bench/memory/entry-cost.mjs
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const root = new URL('../../packages/', import.meta.url);
const load = (pkg) => import(new URL(`${pkg}/dist/index.js`, root).href);
const { FlowWindows } = await load('enricher-flow');
const { FqdnStore } = await load('enricher-fqdn');
const { TlsEdgeStore } = await load('enricher-tls');
const { VerdictDedup } = await load('rules');
const { CaptureEventLogic } = await load('packet');
const { PacketClock, formatIPv4, MetricsRegistry, Bus, MemoryBudget, silentLogger } = await load('core');
const ja4t = (await load('enricher-ja4t')).default;

const used = () => {
  gc();
  gc();
  return v8.getHeapStatistics().used_heap_size;
};
const rows = [];
function measure(name, n, fill) {
  const before = used();
  const keep = fill(n);
  const after = used();
  rows.push([name, Math.round((after - before) / n)]);
  return keep;
}
// Addresses are made inside each fill, so their strings count as they do in a live store.
const ip = (i) => formatIPv4((10 << 24) + 0x10000 + i);
const S = 1_000_000_000n;

measure('flow enricher: a source with one connection', 50_000, (n) => {
  const w = new FlowWindows({ windowNs: 60n * S, maxSources: 1e9, maxEntriesPerSource: 4096 });
  for (let i = 0; i < n; i++)
    w.record({
      ts: BigInt(i),
      client: ip(i),
      clientPort: 40000,
      server: '10.0.0.1',
      serverPort: 80,
      proto: 'tcp',
    });
  return w;
});
measure('flow enricher: a further connection, port and destination (3 entries)', 100_000, (n) => {
  const w = new FlowWindows({ windowNs: 60n * S, maxSources: 1e9, maxEntriesPerSource: 1e9 });
  for (let i = 0; i < n; i++)
    w.record({
      ts: BigInt(i),
      client: '10.0.0.2',
      clientPort: 40000,
      server: ip(i),
      serverPort: i,
      proto: 'tcp',
    });
  return w;
});
measure('fqdn: an address with one name', 100_000, (n) => {
  const s = new FqdnStore(
    { maxEntries: 1e9, maxNamesPerIp: 16, minTtl: 0, maxTtl: 86400 },
    new PacketClock(),
  );
  for (let i = 0; i < n; i++) s.add(ip(i), `host${i}.example.com`, 300);
  return s;
});
measure('tls: facts of a connection and its edge', 100_000, (n) => {
  const s = new TlsEdgeStore(1e9, 3600n * S);
  for (let i = 0; i < n; i++)
    s.record(
      { client: ip(i), clientPort: 40000, server: '10.0.0.1', serverPort: 443 },
      { sni: `h${i}.example.com`, alpn: ['h2'] },
      1n,
    );
  return s;
});
measure('policy: a verdict dedup key', 100_000, (n) => {
  const d = new VerdictDedup(60n * S, 1e9);
  for (let i = 0; i < n; i++) d.admit(ip(i), '10.0.0.1', 80, 'tcp', 1, 1n);
  return d;
});
measure('ja4t: a client node and a server connection (SYN + SYN-ACK)', 50_000, (n) => {
  const bus = new Bus(() => undefined);
  const ctx = {
    name: 'ja4t',
    bus,
    clock: new PacketClock(),
    logger: silentLogger(),
    metrics: new MetricsRegistry(),
    memory: new MemoryBudget(1e6),
  };
  const e = ja4t.create(ctx, { max_nodes: 1e7 });
  e.start();
  const options = Uint8Array.from([2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);
  for (let i = 0; i < n; i++) {
    const base = { ts: BigInt(i), iface: 'x', dir: 'ingress', proto: 'tcp', window: 64240, ttl: 64, options };
    bus.publish('conn', {
      ...base,
      phase: 'syn',
      flags: 2,
      src: ip(i),
      dst: ip(n + i),
      sport: 40000,
      dport: 80,
    });
    bus.publish('conn', {
      ...base,
      phase: 'synack',
      flags: 0x12,
      src: ip(n + i),
      dst: ip(i),
      sport: 80,
      dport: 40000,
    });
  }
  return e;
});
// The capture-event logic's table: SYNs of distinct flows through CaptureEventLogic.
const frame = Buffer.alloc(54);
frame.writeUInt16BE(0x0800, 12);
frame[14] = 0x45;
frame.writeUInt16BE(40, 16);
frame[22] = 64;
frame[23] = 6;
frame.writeUInt32BE(0x0a000001, 30);
frame.writeUInt16BE(80, 36);
frame[46] = 0x50;
frame[47] = 0x02;
measure('capture-event logic: a flow (FlowState)', 60_000, (n) => {
  const logic = new CaptureEventLogic(() => undefined, { maxFlows: 1e9 });
  for (let i = 0; i < n; i++) {
    frame.writeUInt32BE(0x0b000000 + i, 26);
    frame.writeUInt16BE(1024 + (i & 0x7fff), 34);
    logic.handleFrame(frame, 0, 54, 1, i, 0, 'x', 'ingress');
  }
  return logic;
});

console.log('| store entry | heap bytes |\n|---|---:|');
for (const [name, bytes] of rows) console.log(`| ${name} | ${bytes} |`);
