// Runs the services enricher's active prober from inside a test namespace (the test process itself
// cannot reach the namespace's addresses) and prints what it found as JSON. Uses the built package.
//   node test/support/run-prober.mjs <probes> <ip> <ports> <rate_per_second>
import {
  ActiveProber,
  ResponseMatcher,
  ServiceDatabase,
  ACTIVE_DEFAULTS,
} from '../../packages/enricher-services/dist/index.js';

const [probes, ip, ports, rate] = process.argv.slice(2);
const db = await ServiceDatabase.load(probes);
const found = {};
const started = Date.now();
const prober = new ActiveProber(
  db,
  new ResponseMatcher(),
  {
    ...ACTIVE_DEFAULTS,
    enabled: true,
    cidrs: [`${ip}/32`],
    ports,
    rate_per_second: Number(rate),
    max_concurrent: 4,
  },
  (host, port, f) => (found[port] = f),
);
for (const port of ports.split(',')) prober.enqueue({ ip, port: Number(port) });
await prober.idle();
prober.stop();
console.log(JSON.stringify({ found, counters: prober.counters, ms: Date.now() - started }));
