import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';

/**
 * CI sets CI=true on some systems and CI=1 on others; a test guard that compares the variable with
 * one spelling skips under the other, silently. Every read of CI (and of GLIA_REQUIRE_KERNEL, the
 * kernel tests' flag) goes through envFlag/underCi in @glia/core/testing; this scan finds any
 * comparison of those variables with a literal anywhere in the sources, tests and scripts.
 */
const ROOT = repoRoot();
const DIRS = ['packages', 'test', 'scripts', 'examples', 'bench', '.ci'];
const SKIP = new Set(['node_modules', 'dist', 'golden', 'data', 'results']);
const READ = /env(?:\.|\[\s*['"])(CI|GLIA_REQUIRE_KERNEL)\b(?:['"]\s*\])?\s*(?:[!=]==?|\?\?)/;
const SHELL = /\[\[?\s*"?\$\{?(CI|GLIA_REQUIRE_KERNEL)\}?"?\s*!?==?/;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|mts|js|mjs|cjs|sh)$/.test(entry) || entry === 'run') yield path;
  }
}

describe('CI flags are read one way', () => {
  it('no source compares CI or GLIA_REQUIRE_KERNEL with a literal (use envFlag/underCi)', () => {
    const offenders: string[] = [];
    let scanned = 0;
    for (const dir of DIRS) {
      let exists = true;
      try {
        statSync(join(ROOT, dir));
      } catch {
        exists = false;
      }
      if (!exists) continue;
      for (const path of files(join(ROOT, dir))) {
        if (path.endsWith('host-guard.ts') || path === import.meta.filename) continue;
        scanned++;
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (READ.test(line) || SHELL.test(line))
              offenders.push(`${relative(ROOT, path)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(scanned).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  it('the scan recognizes the forms it forbids', () => {
    for (const line of [
      "if (process.env.CI === 'true') throw",
      "if (!ok && process.env.CI == '1')",
      "const ci = process.env['CI'] !== undefined",
      "if (process.env.GLIA_REQUIRE_KERNEL === '1')",
      'const required = process.env.GLIA_REQUIRE_KERNEL ?? "0"',
    ])
      expect(READ.test(line), line).toBe(true);
    expect(SHELL.test('if [ "$CI" = true ]; then')).toBe(true);
    expect(SHELL.test('if [[ ${GLIA_REQUIRE_KERNEL} == 1 ]]; then')).toBe(true);
    expect(READ.test('if (underCi()) throw')).toBe(false);
    expect(READ.test("const dir = process.env.GLIA_FIXTURES ?? resolve('..')")).toBe(false);
  });
});
