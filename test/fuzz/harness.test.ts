import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';

/**
 * The fuzz harness (scripts/fuzz.mjs) at a fixed seed: a few hundred hostile captures, configs,
 * rule files and rule test files through the real command line, in watched workers. Every case
 * must end with exit 0 or 2: no crash, no hang, no exit 1. `npm run fuzz -- --cases 20000` is the
 * long run (docs/reliability.md).
 */
describe('fuzz harness, fixed seed', () => {
  it('400 cases: zero crashes, zero hangs, zero exits other than 0 or 2', () => {
    const keep = mkdtempSync(join(tmpdir(), 'glia-fuzz-findings-'));
    const r = spawnSync(
      process.execPath,
      [join(repoRoot(), 'scripts/fuzz.mjs'), '--cases', '400', '--seed', '20261130', '--keep', keep],
      { encoding: 'utf8', timeout: 240_000 },
    );
    const summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
      cases: number;
      findings: number;
      exits: Record<string, number>;
      by_kind: Record<string, number>;
    };
    expect(r.stderr, 'findings').toBe('');
    expect(summary.findings).toBe(0);
    expect(readdirSync(keep)).toEqual([]);
    expect(r.status).toBe(0);
    // Every kind of case ran, and both answers occurred: usable input and bad input.
    expect(Object.values(summary.by_kind).reduce((a, b) => a + b, 0)).toBe(400);
    expect(Object.keys(summary.by_kind).sort()).toEqual([
      'capture-generator',
      'capture-mutation',
      'config',
      'rule-test',
      'rules',
    ]);
    expect(summary.exits['0']).toBeGreaterThan(50);
    expect(summary.exits['2']).toBeGreaterThan(50);
  });
});
