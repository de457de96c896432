// Stryker configuration for one mutation target of scripts/mutate-targets.mjs, named by
// GLIA_MUTATE_TARGET. Run it through `npm run mutate` (scripts/mutate.mjs), which sets that variable,
// runs the targets one after another and writes the scores.
import { TARGETS } from './scripts/mutate-targets.mjs';

const name = process.env.GLIA_MUTATE_TARGET ?? '';
const target = TARGETS[name];
if (target === undefined)
  throw new Error(
    `GLIA_MUTATE_TARGET=${JSON.stringify(name)} is not one of ${Object.keys(TARGETS).join(', ')}`,
  );

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: target.tsconfig,
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: target.mutate,
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.GLIA_MUTATE_CONCURRENCY ?? 1),
  // Added to 1.5 × the covering tests' own time: a mutant that loops is cut off without waiting long.
  timeoutMS: 8_000,
  thresholds: { high: 90, low: 80, break: null },
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: 'always',
  ignorePatterns: [
    '/reports',
    '/.stryker-tmp',
    '/docs',
    '/bench',
    '**/dist',
    '**/*.tsbuildinfo',
    '/test/packet/golden/*.new',
  ],
};
