// The five bugs of issue 17 that once went unnoticed, planted one at a time: each must make its
// named test fail, and the test must pass again once the source is restored. `npm run
// mutate:planted` prints one line per plant and exits non-zero if any plant survives. Sources are
// edited in place and always restored; do not run it alongside other test runs in this tree.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

export const PLANTS = [
  {
    bug: 'JA4T MSS padding boundary (MSS 10 written "010")',
    file: 'packages/enricher-ja4t/src/ja4t.ts',
    from: 'mss < 10 ? `0${mss}`',
    to: 'mss <= 10 ? `0${mss}`',
    test: 'packages/enricher-ja4t/src/ja4t.property.test.ts',
    name: 'MSS 10 has two digits already: 10, not 010',
  },
  {
    bug: 'a DNS label ending in a dot no longer flagged',
    file: 'packages/enricher-fqdn/src/name-walk.ts',
    from: 'for (let i = pos + 1; i <= pos + len; i++)',
    to: 'for (let i = pos + 1; i < pos + len; i++)',
    test: 'packages/enricher-fqdn/src/name-walk.property.test.ts',
    name: 'a label ending in a dot is flagged',
  },
  {
    bug: 'IPv6 CIDR merge flipped (a nested range shortens the one around it)',
    file: 'packages/core/src/net/cidr-set.ts',
    from: 'if (compareWords(r[1], 0, last[1], 0) > 0) last[1] = r[1];',
    to: 'if (compareWords(r[1], 0, last[1], 0) < 0) last[1] = r[1];',
    test: 'packages/core/src/net/cidr-set.property.test.ts',
    name: 'a wide IPv6 range followed by a nested one keeps its end',
  },
  {
    bug: 'host bits cleared from the wrong position (10.200.0.0/8 stops matching 10.1.2.3)',
    file: 'packages/core/src/net/cidr-set.ts',
    from: 'for (let bit = prefix; bit < max; bit++)',
    to: 'for (let bit = prefix + 1; bit < max; bit++)',
    test: 'packages/core/src/net/cidr-set.property.test.ts',
    name: 'host bits in the written network are ignored: 10.200.0.0/8 has 10.1.2.3',
  },
  {
    bug: 'entropy table bound (a port count of 4 096 gives entropy 0)',
    file: 'packages/enricher-flow/src/entropy.ts',
    from: 'return c < TABLE_SIZE ? table[c]',
    to: 'return c <= TABLE_SIZE ? table[c]',
    test: 'packages/enricher-flow/src/entropy.property.test.ts',
    name: 'a port count of 4 096 (the first past the table): 1 bit with another 4 096',
  },
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs one named test; true when it passed. */
function passes(plant) {
  const run = spawnSync('npx', ['vitest', 'run', plant.test, '-t', `^.*${escape(plant.name)}$`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const ran = /Tests\s+.*\b(\d+) (passed|failed)/.test(run.stdout);
  if (!ran) throw new Error(`${plant.test}: no test named ${JSON.stringify(plant.name)} ran\n${run.stdout}`);
  return run.status === 0;
}

let survived = 0;
for (const plant of PLANTS) {
  const path = join(ROOT, plant.file);
  const original = readFileSync(path, 'utf8');
  if (original.split(plant.from).length !== 2)
    throw new Error(`${plant.file}: the text to plant over is not there exactly once: ${plant.from}`);
  const before = passes(plant);
  let caught;
  try {
    writeFileSync(path, original.replace(plant.from, plant.to));
    caught = !passes(plant);
  } finally {
    writeFileSync(path, original);
  }
  const after = passes(plant);
  const ok = before && caught && after;
  if (!ok) survived++;
  console.log(
    `${ok ? 'caught' : 'NOT CAUGHT'}: ${plant.bug}\n  plant: ${plant.file}: ${plant.from} -> ${plant.to}\n` +
      `  test: ${plant.test} > "${plant.name}" (before: ${before ? 'pass' : 'FAIL'}, planted: ${caught ? 'fail' : 'PASS'}, restored: ${after ? 'pass' : 'FAIL'})`,
  );
}
console.log(`planted mutations: ${PLANTS.length - survived} caught, ${survived} not caught`);
process.exit(survived === 0 ? 0 : 1);
