// Measures bus dispatch: one publisher, three subscribers, a capture-event-sized payload (a conn
// event with its options bytes). Runs in one thread (one core). Usage: node bench/bus/run.mjs
import { cpus } from 'node:os';
import { Bus } from '../../packages/core/dist/index.js';

const EVENTS = Number(process.env.EVENTS ?? 20_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

function makeEvents(n) {
  // A ring of distinct payloads so the subscribers do not see one hot object.
  const ring = [];
  for (let i = 0; i < n; i++) {
    ring.push({
      ts: 1_700_000_000_000_000_000n + BigInt(i),
      iface: 'eth0',
      dir: 'ingress',
      src: `10.0.${i & 255}.${(i >> 8) & 255}`,
      dst: '10.1.0.1',
      sport: 30000 + (i & 0x7fff),
      dport: 443,
      proto: 'tcp',
      phase: 'syn',
      ttl: 64,
      window: 64240,
      options: new Uint8Array([2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]),
      mss: 1460,
      wscale: 7,
    });
  }
  return ring;
}

function round(batch) {
  const bus = new Bus();
  let a = 0;
  let b = 0;
  let c = 0;
  // Three realistic subscribers: a counter, a port histogram, a field read.
  const ports = new Uint32Array(65536);
  bus.subscribe('conn', () => {
    a++;
  });
  bus.subscribe('conn', (e) => {
    ports[e.dport]++;
    b++;
  });
  bus.subscribe('conn', (e) => {
    if (e.window > 0) c += e.ttl;
  });
  const ring = makeEvents(4096);
  const start = process.hrtime.bigint();
  if (batch) {
    const size = 256;
    const slices = [];
    for (let i = 0; i < ring.length; i += size) slices.push(ring.slice(i, i + size));
    let sent = 0;
    while (sent < EVENTS) {
      for (const s of slices) {
        bus.publishBatch('conn', s);
        sent += s.length;
      }
    }
  } else {
    for (let i = 0; i < EVENTS; i++) bus.publish('conn', ring[i & 4095]);
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (a === 0 || b !== a || c === 0) throw new Error('subscribers did not run');
  return (a / ns) * 1e9;
}

const results = { publish: [], publishBatch: [] };
for (let r = 0; r < ROUNDS; r++) {
  results.publish.push(round(false));
  results.publishBatch.push(round(true));
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
console.log(`machine: ${cpus()[0].model}, ${cpus().length} cores, node ${process.version}`);
console.log(`events per round: ${EVENTS}, rounds: ${ROUNDS}, subscribers: 3, one thread`);
for (const [name, xs] of Object.entries(results)) {
  console.log(
    `${name.padEnd(13)} median ${(median(xs) / 1e6).toFixed(2)} M events/s (min ${(Math.min(...xs) / 1e6).toFixed(2)}, max ${(Math.max(...xs) / 1e6).toFixed(2)})`,
  );
}
