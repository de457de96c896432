import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The vitest configuration Stryker runs (stryker.config.mjs): the project's, with the test files
// of one mutation target (GLIA_MUTATE_TESTS, a JSON list of globs set by scripts/mutate.mjs).
const tests = JSON.parse(process.env.GLIA_MUTATE_TESTS ?? '[]') as string[];
if (tests.length === 0)
  throw new Error('GLIA_MUTATE_TESTS is empty: run mutation testing with npm run mutate');

export default defineConfig({ ...base, test: { ...base.test, include: tests } });
