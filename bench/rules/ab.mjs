// A/B comparison of two builds of @glia/rules on one of the bench sets, on CPU time (robust to
// other processes sharing the machine), after 2 s of warm-up CPU: run it alternately for each build.
//   node bench/rules/ab.mjs /path/to/packages/rules/dist/index.js realistic-20|fleet-1000 [runs=3]
// Prints the build, the best observations per CPU second, and every run's in thousands.
import { StageRun } from './harness.mjs';
import { SETS } from './sets.mjs';

const [dist, name, runs = '3'] = process.argv.slice(2);
const { PolicyStage } = await import(dist);
const set = SETS[name]();
const stageRun = new StageRun(PolicyStage, set);
stageRun.warmUp(2000);
const rates = Array.from({ length: Number(runs) }, () => stageRun.run(2000).cpuRate);
console.log(
  dist,
  name,
  Math.round(Math.max(...rates)).toLocaleString('en-US'),
  rates.map((r) => Math.round(r / 1000)).join(' '),
);
