import { describe, expect, it } from 'vitest';
import { envFlag, hostHas, underCi } from './host-guard.js';
import { propertyRuns } from './property-seed.js';

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

describe('propertyRuns', () => {
  const quiet = (): void => undefined;
  it('is fixed per name, different across names', () => {
    const a = propertyRuns('cidr membership', 100, {}, quiet);
    expect(propertyRuns('cidr membership', 100, {}, quiet)).toEqual(a);
    expect(propertyRuns('entropy', 100, {}, quiet).seed).not.toBe(a.seed);
    expect(a.numRuns).toBe(100);
  });
  it('takes GLIA_PROPERTY_SEED, and prints the seed', () => {
    const lines: string[] = [];
    expect(propertyRuns('x', 5, { GLIA_PROPERTY_SEED: '42' }, (m) => lines.push(m)).seed).toBe(42);
    expect(lines).toEqual(['property "x": seed 42, 5 runs (GLIA_PROPERTY_SEED=42 reproduces)']);
    const random = propertyRuns('x', 5, { GLIA_PROPERTY_SEED: 'random' }, quiet).seed;
    expect(Number.isInteger(random) && random >= 0).toBe(true);
  });
});
