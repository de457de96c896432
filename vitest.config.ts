import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources, so no build is needed for them.
const packagesDir = resolve(import.meta.dirname, 'packages');
const alias: Record<string, string> = {};
for (const dir of readdirSync(packagesDir)) {
  const manifest = join(packagesDir, dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const { name, exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    name: string;
    exports?: Record<string, unknown>;
  };
  // Each subpath export ("./testing", "./errors") maps to the source file its dist entry comes from.
  for (const [subpath, target] of Object.entries(exports ?? {})) {
    const entry = typeof target === 'string' ? target : (target as { default?: string }).default;
    if (subpath === '.' || typeof entry !== 'string') continue;
    const source = join(packagesDir, dir, entry.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
    if (existsSync(source)) alias[`${name}${subpath.slice(1)}`] = source;
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
