import { describe, expect, it } from 'vitest';
import { substituteEnv } from './env.js';

const env = { HOST: 'node-1', PORT: '8080', EMPTY: '' };

describe('substituteEnv', () => {
  it.each([
    ['plain text', 'abc', 'abc', false, 0],
    ['one variable', '${HOST}', 'node-1', true, 0],
    ['inside text', 'http://${HOST}:${PORT}/x', 'http://node-1:8080/x', false, 0],
    ['default used when unset', '${NOPE:-fallback}', 'fallback', true, 0],
    ['default used when empty', '${EMPTY:-fallback}', 'fallback', true, 0],
    ['empty default', '${NOPE:-}', '', true, 0],
    ['escaped', '$${HOST}', '${HOST}', false, 0],
    ['unset without default', '${NOPE}', '', true, 1],
    ['malformed reference', '${1BAD}', '${1BAD}', false, 1],
  ])('%s', (_name, input, value, whole, problems) => {
    const r = substituteEnv(input, env);
    expect(r.value).toBe(value);
    expect(r.whole).toBe(whole);
    expect(r.problems).toHaveLength(problems);
  });
});
