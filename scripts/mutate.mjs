// Mutation testing (Stryker) of glia's pure logic, one package at a time: `npm run mutate` runs every
// target of scripts/mutate-targets.mjs in order; `npm run mutate -- packet rules` runs those only.
// Options: --concurrency N (default 1: the machine is shared), --incremental (reuse the previous
// run's results for unchanged code and tests), --mutate GLOBS (a part of one target's files, for a
// split run: comma-separated paths or globs; Stryker splits on commas, so no {a,b} braces). Reports land in reports/mutation/<target>.{json,html}; the closing table gives each
// target's score (killed + timeout over all valid mutants, Stryker's "mutation score").
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ORDER, TARGETS } from './mutate-targets.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};
const flag = (name) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const concurrency = option('--concurrency') ?? '1';
const mutate = option('--mutate');
const incremental = flag('--incremental');
const unknown = args.filter((a) => !(a in TARGETS));
if (unknown.length > 0) {
  console.error(`mutate: unknown target ${unknown.join(', ')}; targets: ${ORDER.join(', ')}`);
  process.exit(2);
}
const targets = args.length > 0 ? args : ORDER;
if (mutate !== undefined && targets.length !== 1) {
  console.error('mutate: --mutate narrows one target: name exactly one');
  process.exit(2);
}
const fixtures = process.env.GLIA_FIXTURES ?? resolve(ROOT, '..', 'shared', 'fixtures');

/** Stryker's mutation score from its JSON report: (killed + timeout) / (all but no-coverage-free invalid ones). */
function score(report) {
  const counts = {};
  for (const file of Object.values(report.files))
    for (const m of file.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const n = (s) => counts[s] ?? 0;
  const detected = n('Killed') + n('Timeout');
  const undetected = n('Survived') + n('NoCoverage');
  const valid = detected + undetected;
  return { counts, detected, undetected, valid, score: valid === 0 ? NaN : (100 * detected) / valid };
}

const rows = [];
let failed = false;
for (const name of targets) {
  const target = TARGETS[name];
  const files = mutate ?? target.mutate.join(' ');
  console.log(`mutate: ${name} (${files}) with concurrency ${concurrency}`);
  const started = Date.now();
  const run = spawnSync(
    'npx',
    [
      'stryker',
      'run',
      'stryker.config.mjs',
      '--concurrency',
      concurrency,
      ...(incremental ? ['--incremental'] : []),
      ...(mutate !== undefined ? ['--mutate', mutate] : []),
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        GLIA_MUTATE_TARGET: name,
        GLIA_MUTATE_TESTS: JSON.stringify(target.tests),
        GLIA_FIXTURES: fixtures,
      },
    },
  );
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const report = join(ROOT, 'reports', 'mutation', `${name}.json`);
  if (run.status !== 0 || !existsSync(report)) {
    console.error(`mutate: ${name} failed (Stryker exit ${run.status})`);
    rows.push(`| ${name} | failed | | | | ${minutes} |`);
    failed = true;
    continue;
  }
  const s = score(JSON.parse(readFileSync(report, 'utf8')));
  if (s.score < 80) failed = true;
  rows.push(
    `| ${name} | ${s.score.toFixed(2)} % | ${s.counts.Killed ?? 0} + ${s.counts.Timeout ?? 0} | ` +
      `${s.counts.Survived ?? 0} + ${s.counts.NoCoverage ?? 0} | ${(s.counts.CompileError ?? 0) + (s.counts.RuntimeError ?? 0)} | ${minutes} |`,
  );
}
console.log(
  '\n| target | score | killed + timeout | survived + no coverage | compile/runtime errors | minutes |',
);
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
process.exit(failed ? 1 : 0);
