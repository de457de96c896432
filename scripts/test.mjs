// Runs the whole vitest suite and ends with one plain line, "tests: N passed, N failed, N skipped",
// that any CI reads. Extra arguments go to vitest (e.g. a path filter).
//
// "failed" counts failed tests, plus each test file that failed without a failed test of its own
// (it did not load: a broken import, a throw at the top level or in a describe body), plus one when
// vitest still exits non-zero with nothing failed (an unhandled error outside any test). So a run
// that did not pass never closes on "0 failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const report = join(mkdtempSync(join(tmpdir(), 'glia-test-')), 'vitest.json');
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
const status = run.status ?? 1;

/** The closing line's numbers from vitest's JSON report, and what made up the failures. */
function summarize(r, exitStatus) {
  const notes = [];
  const brokenFiles = r.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'),
  );
  for (const file of brokenFiles) {
    const why = (file.message ?? '').split('\n')[0];
    notes.push(`failed to run: ${relative(process.cwd(), file.name)}${why === '' ? '' : `: ${why}`}`);
  }
  let failed = r.numFailedTests + brokenFiles.length;
  if (failed === 0 && exitStatus !== 0) {
    notes.push(`vitest exited with ${exitStatus} with no failed test (an unhandled error: see above)`);
    failed = 1;
  }
  const skipped = r.numPendingTests + r.numTodoTests;
  return { passed: r.numPassedTests, failed, skipped, notes };
}

let summary = 'tests: 0 passed, 1 failed, 0 skipped';
let notes = ['vitest wrote no report'];
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const s = summarize(r, status);
  notes = s.notes;
  summary = `tests: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
  if (r.numTotalTests === 0 && s.failed === 0) {
    notes.push('no test ran');
    summary = 'tests: 0 passed, 1 failed, 0 skipped';
  }
} catch (error) {
  notes.push(`reading ${report}: ${String(error)}`);
}
for (const note of notes) console.log(note);
console.log(summary);
process.exit(status === 0 && summary.includes(' 0 failed') ? 0 : status || 1);
