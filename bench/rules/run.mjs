// Policy stage throughput: observations/s through PolicyStage (bus dispatch, field resolution,
// the rules, dedup) on one core, for the realistic 20-rule set and a generated 1 000-rule fleet
// policy. Build first: npx tsc -b packages/rules
//   node bench/rules/run.mjs [seconds-per-run=3] [realistic-20] [fleet-1000]
import { Bus, CORE_FIELDS } from '@glia/core';
import { PolicyStage } from '../../packages/rules/dist/index.js';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RULES, population } from './realistic.mjs';
import { fleetPopulation, fleetRules } from './fleet.mjs';

const seconds = Number(process.argv[2] ?? 3);
const chosen = process.argv.slice(3);
const SETS = {
  'realistic-20': () => ({ rules: RULES, ...population() }),
  'fleet-1000': () => ({ rules: fleetRules(1000), ...fleetPopulation() }),
};

function run({ rules, fields, observations, wantedFields }, durationMs) {
  const N = observations.length;
  const bus = new Bus();
  let verdicts = 0;
  bus.subscribe('verdict', () => verdicts++);
  const stage = new PolicyStage({
    bus,
    fields: [...CORE_FIELDS, ...fields],
    wantedFields,
    rules,
    enforce: true,
  });
  stage.start();
  let n = 0;
  let round = 0n;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    const shift = round * 65_536_000_000n; // packet time moves on each pass, so dedup windows roll over
    for (let i = 0; i < N; i++) {
      // A fresh observation per event, as the enrichment stage makes them (observationOf).
      const e = observations[i];
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
    now = process.hrtime.bigint();
  }
  const elapsed = Number(now - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  // On a shared machine the wall clock counts time spent waiting for a CPU; CPU time does not.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { rate: n / elapsed, cpuRate: n / cpuSeconds, counters: stage.counters(), verdicts };
}

if (chosen.length === 0) {
  // Each set in a process of its own, so one set's compiled code does not slow the other's.
  for (const name of Object.keys(SETS)) {
    spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(seconds), name], {
      stdio: 'inherit',
    });
  }
  process.exit(0);
}

for (const name of chosen) {
  if (SETS[name] === undefined)
    throw new Error(`unknown set ${name}; the sets are ${Object.keys(SETS).join(', ')}`);
  const set = SETS[name]();
  run(set, 1000); // warm-up
  const results = [];
  for (let i = 0; i < 3; i++) results.push(run(set, seconds * 1000));
  const best = results.reduce((a, b) => (a.rate > b.rate ? a : b));
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  console.log(`${name}: rules ${set.rules.length}, distinct observations ${set.observations.length}`);
  console.log(`  runs (observations/s of wall time): ${results.map((r) => fmt(r.rate)).join(', ')}`);
  console.log(`  runs (observations per CPU second): ${results.map((r) => fmt(r.cpuRate)).join(', ')}`);
  console.log(
    `  best: ${fmt(best.rate)} observations/s on one core (${fmt(Math.max(...results.map((r) => r.cpuRate)))} per CPU second)`,
  );
  const c = best.counters;
  const share = (x) => `${((100 * x) / c.evaluated).toFixed(1)} %`;
  const matched = c.matched.allow + c.matched.drop + c.matched.log;
  console.log(
    `  matched ${share(matched)} (allow ${c.matched.allow}, drop ${c.matched.drop}, log ${c.matched.log}); verdicts ${share(c.verdicts)}, suppressed ${c.suppressed}, errors ${c.errors}`,
  );
}
const cpu = (() => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model;
  } catch {
    return cpus()[0]?.model;
  }
})();
console.log(`node ${process.version}, cpu: ${cpu}, nproc: ${cpus().length}`);
// How fast and how busy this machine is, so figures from different machines can be compared.
const t0 = process.hrtime.bigint();
let x = 0;
for (let i = 0; i < 1e8; i++) x += i & 7;
const loopMs = Number(process.hrtime.bigint() - t0) / 1e6;
let load = 'n/a';
try {
  load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
} catch {
  // not Linux: no load average to show
}
console.log(
  `calibration: 1e8-iteration integer loop ${loopMs.toFixed(0)} ms (${x > 0 ? 'ok' : ''}); load average ${load}`,
);
