// Policy stage throughput: observations/s through PolicyStage (bus dispatch, field resolution,
// the rules, dedup) on one core, for the realistic 20-rule set and a generated 1 000-rule fleet
// policy, each in a process of its own. Build first: npx tsc -b packages/rules
//   node bench/rules/run.mjs [seconds-per-run=3] [realistic-20] [fleet-1000]
import { PolicyStage } from '../../packages/rules/dist/index.js';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StageRun } from './harness.mjs';
import { SETS } from './sets.mjs';

const seconds = Number(process.argv[2] ?? 3);
const chosen = process.argv.slice(3);

if (chosen.length === 0) {
  // Each set in a process of its own, so one set's compiled code does not slow the other's.
  for (const name of Object.keys(SETS)) {
    spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(seconds), name], {
      stdio: 'inherit',
    });
  }
  process.exit(0);
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
for (const name of chosen) {
  if (SETS[name] === undefined)
    throw new Error(`unknown set ${name}; the sets are ${Object.keys(SETS).join(', ')}`);
  const set = SETS[name]();
  // One stage, as an agent has: a new rule set runs slowly until V8 has optimized its generated
  // functions (about a CPU second for 1 000 rules), so the runs follow 2 s of its CPU time.
  const stageRun = new StageRun(PolicyStage, set);
  const first = stageRun.warmUp(2000);
  const results = [];
  for (let i = 0; i < 3; i++) results.push(stageRun.run(seconds * 1000));
  const best = results.reduce((a, b) => (a.rate > b.rate ? a : b));
  console.log(`${name}: rules ${set.rules.length}, distinct observations ${set.observations.length}`);
  console.log(`  runs (observations/s of wall time): ${results.map((r) => fmt(r.rate)).join(', ')}`);
  console.log(`  runs (observations per CPU second): ${results.map((r) => fmt(r.cpuRate)).join(', ')}`);
  console.log(
    `  best: ${fmt(best.rate)} observations/s on one core (${fmt(Math.max(...results.map((r) => r.cpuRate)))} per CPU second)`,
  );
  console.log(`  a new rule set's first 0.5 s: ${fmt(first.cpuRate)} observations per CPU second`);
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
