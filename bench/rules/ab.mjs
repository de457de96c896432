// A/B comparison of two builds of @glia/rules on one of the bench sets, on CPU time (robust to
// other processes sharing the machine): run it alternately for each build.
//   node bench/rules/ab.mjs /path/to/packages/rules/dist/index.js realistic-20|fleet-1000 [runs=3]
// Prints the build, the best observations per CPU second, and every run's in thousands.
import { timedRun } from './harness.mjs';
import { SETS } from './sets.mjs';

const [dist, name, runs = '3'] = process.argv.slice(2);
const { PolicyStage } = await import(dist);
const set = SETS[name]();
timedRun(PolicyStage, set, 3000);
const rates = Array.from({ length: Number(runs) }, () => timedRun(PolicyStage, set, 2000).cpuRate);
console.log(
  dist,
  name,
  Math.round(Math.max(...rates)).toLocaleString('en-US'),
  rates.map((r) => Math.round(r / 1000)).join(' '),
);
