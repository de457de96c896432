import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '@glia/core/testing';
import { eventToJson } from '@glia/packet';
import { describe, expect, it } from 'vitest';
import { fixtureCaptures, replayAll } from './fixture-replay.js';

/**
 * glia's full event output for every shared fixture capture, one JSON line per event, compared
 * with test/packet/golden/<capture>.jsonl. After an intended change, regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run test/packet/golden.test.ts` and review the diff.
 */

const fixtures = fixturesDir();
const update = process.env.UPDATE_GOLDEN === '1';
const goldenDir = join(import.meta.dirname, 'golden');

describe.skipIf(fixtures === null)('golden event output', () => {
  for (const name of fixtures === null ? [] : fixtureCaptures(fixtures)) {
    it(name, async () => {
      const { events, summary } = await replayAll(join(fixtures ?? '', 'pcaps', name));
      const text =
        events.map((e) => eventToJson(e.event, e.topic)).join('\n') + (events.length > 0 ? '\n' : '');
      const golden = join(goldenDir, `${name}.jsonl`);
      if (update) writeFileSync(golden, text);
      expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(golden, 'utf8'));
      expect(summary.truncatedRecords).toBe(0);
    });
  }
});
