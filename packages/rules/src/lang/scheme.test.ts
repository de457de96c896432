import { describe, expect, it } from 'vitest';
import { Scheme } from './scheme.js';

describe('Scheme (named)', () => {
  it('refuses a field declared twice, naming it', () => {
    expect(
      () =>
        new Scheme([
          { name: 'a.b', type: 'Int' },
          { name: 'a.b', type: 'Bytes' },
        ]),
    ).toThrow(/^field a\.b is declared twice in the scheme$/);
  });
  it('gives slots in declaration order, and -1 for an unknown field', () => {
    const scheme = new Scheme([
      { name: 'a', type: 'Int' },
      { name: 'b', type: 'Int' },
    ]);
    expect([scheme.slot('a'), scheme.slot('b'), scheme.slot('c')]).toEqual([0, 1, -1]);
  });
});
