// A/B comparison of two builds of @glia/rules on one of the bench sets, on CPU time (robust to
// other processes sharing the machine): run it alternately for each build.
//   node bench/rules/ab.mjs /path/to/packages/rules/dist/index.js realistic-20|fleet-1000 [runs=3]
// Prints the best observations per CPU second and every run's, in thousands.
import { Bus, CORE_FIELDS } from '@glia/core';
import { RULES, population } from './realistic.mjs';
import { fleetPopulation, fleetRules } from './fleet.mjs';
const [dist, name, runsText] = process.argv.slice(2);
const { PolicyStage } = await import(dist);
const set =
  name === 'fleet-1000'
    ? { rules: fleetRules(1000), ...fleetPopulation() }
    : { rules: RULES, ...population() };
function run(ms) {
  const bus = new Bus();
  const stage = new PolicyStage({
    bus,
    fields: [...CORE_FIELDS, ...set.fields],
    wantedFields: set.wantedFields,
    rules: set.rules,
    enforce: true,
  });
  stage.start();
  const N = set.observations.length;
  let n = 0,
    round = 0n;
  const c0 = process.cpuUsage();
  const deadline = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < deadline) {
    const shift = round * 65_536_000_000n;
    for (let i = 0; i < N; i++) {
      const e = set.observations[i];
      bus.publish('observation', {
        ts: BigInt(i) * 1_000_000n + shift,
        iface: e.iface,
        dir: e.dir,
        phase: e.phase,
        client: e.client,
        server: e.server,
        clientPort: e.clientPort,
        serverPort: e.serverPort,
        proto: e.proto,
        event: e.event,
        fields: new Map(),
      });
    }
    n += N;
    round++;
  }
  const c = process.cpuUsage(c0);
  return n / ((c.user + c.system) / 1e6);
}
run(1000);
const rates = [];
for (let i = 0; i < Number(runsText ?? 3); i++) rates.push(run(2000));
console.log(
  dist.includes('/work/main') ? 'main' : 'new ',
  name,
  Math.round(Math.max(...rates)).toLocaleString('en-US'),
  rates.map((r) => Math.round(r / 1000)).join(' '),
);
