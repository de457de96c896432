import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@glia/core/testing';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * scripts/test.mjs (`npm test`) closes on "tests: N passed, N failed, N skipped", the line CI reads.
 * It runs here on a small suite of its own (a temporary folder given to vitest as --root, with the
 * repository's node_modules linked in), so that a test file that cannot load, or an error thrown
 * outside any test, shows as a failure in that line and in the exit status.
 */
const ROOT = repoRoot();
const dirs: string[] = [];

function runSuite(files: Record<string, string>): { status: number | null; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'glia-summary-'));
  dirs.push(dir);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['*.test.mjs'] } };\n");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const env = { ...process.env };
  delete env.VITEST; // the inner vitest must not think it runs inside this one
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/test.mjs'), '--root', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  return { status: run.status, lines: run.stdout.trim().split('\n') };
}

const PASSING = "import { it, expect } from 'vitest';\nit('adds', () => expect(1 + 1).toBe(2));\n";

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the closing line of npm test', () => {
  it('a broken import in one test file makes it say 1 failed, and the run fail', () => {
    const { status, lines } = runSuite({
      'good.test.mjs': PASSING,
      'broken.test.mjs':
        "import { gone } from './no-such-module.mjs';\nimport { it } from 'vitest';\nit('uses it', () => gone());\n",
    });
    expect(lines.at(-1)).toBe('tests: 1 passed, 1 failed, 0 skipped');
    expect(lines.at(-2)).toMatch(/^failed to run: .*broken\.test\.mjs: .*no-such-module/);
    expect(status).not.toBe(0);
  });

  it('an error thrown outside any test counts as a failure', () => {
    const { status, lines } = runSuite({
      'late.test.mjs':
        "import { it } from 'vitest';\nit('leaves a timer', async () => {\n  setTimeout(() => { throw new Error('after the test'); }, 1);\n  await new Promise((r) => setTimeout(r, 50));\n});\n",
    });
    expect(lines.at(-1)).toBe('tests: 1 passed, 1 failed, 0 skipped');
    expect(status).not.toBe(0);
  });

  it('a clean suite says 0 failed and exits 0', () => {
    const { status, lines } = runSuite({
      'good.test.mjs': PASSING,
      'skipped.test.mjs': "import { it } from 'vitest';\nit.skip('not now', () => {});\n",
    });
    expect(lines.at(-1)).toBe('tests: 1 passed, 0 failed, 1 skipped');
    expect(status).toBe(0);
  });
});
