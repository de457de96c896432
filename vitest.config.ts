import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources, so no build is needed for them.
const packagesDir = resolve(import.meta.dirname, 'packages');
const alias: Record<string, string> = {};
for (const dir of readdirSync(packagesDir)) {
  const manifest = join(packagesDir, dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
  if (existsSync(join(packagesDir, dir, 'src/testing/index.ts'))) {
    alias[`${name}/testing`] = join(packagesDir, dir, 'src/testing/index.ts');
  }
  alias[name] = join(packagesDir, dir, 'src/index.ts');
}

export default defineConfig({
  resolve: {
    alias: Object.entries(alias).map(([find, replacement]) => ({
      find: new RegExp(`^${find}$`),
      replacement,
    })),
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
