import { describe, expect, it } from 'vitest';
import { envFlag, hostHas, underCi } from './host-guard.js';

describe('envFlag', () => {
  const cases: Array<[string, string | undefined, boolean]> = [
    ['unset', undefined, false],
    ['empty', '', false],
    ['zero', '0', false],
    ['false', 'false', false],
    ['FALSE in capitals', 'FALSE', false],
    ['no', 'no', false],
    ['one (CI=1, as some runners set it)', '1', true],
    ['true', 'true', true],
    ['True with spaces', ' True ', true],
    ['yes', 'yes', true],
    ['any other word', 'woodpecker', true],
  ];
  it.each(cases)('%s', (_name, value, want) => {
    expect(envFlag('CI', value === undefined ? {} : { CI: value })).toBe(want);
    expect(underCi(value === undefined ? {} : { CI: value })).toBe(want);
  });
});

describe('hostHas', () => {
  it('is true and silent when the feature is there, under CI or not', () => {
    const warnings: string[] = [];
    expect(hostHas(true, 'a tool', { CI: '1' }, (m) => warnings.push(m))).toBe(true);
    expect(hostHas(true, 'a tool', {}, (m) => warnings.push(m))).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('warns and skips outside CI', () => {
    const warnings: string[] = [];
    expect(hostHas(false, 'the /dev/full device', { CI: 'false' }, (m) => warnings.push(m))).toBe(false);
    expect(warnings).toEqual(['SKIPPING tests that need the /dev/full device: not available on this host']);
  });

  it.each(['1', 'true'])('throws under CI=%s', (ci) => {
    expect(() => hostHas(false, 'the /dev/full device', { CI: ci })).toThrow(
      /\/dev\/full device is missing; CI must provide it/,
    );
  });
});
