import type { FieldValue } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { compileError, evaluate } from './test-scheme.js';

/**
 * Index steps at their edges: the largest array index (wirefilter's u32), and values of another
 * shape than the field's type (a list where a Map is expected, a Map or text where a list is),
 * which index to nothing, i.e. absent.
 */
describe('array indexes (named)', () => {
  it.each([
    ['4294967295 is the largest index', 'dns.fqdns[4294967295] eq "x"', 'ok'],
    [
      '4294967296 is past it',
      'dns.fqdns[4294967296] eq "x"',
      '1:11: dns.fqdns is Array(Bytes): expected an index (0, 1, ...) or *',
    ],
    ['an index may be written in hex', 'dns.fqdns[0x1] eq "x"', 'ok'],
  ])('%s', (_name, expression, expected) => {
    expect(compileError(expression)).toBe(expected);
  });

  it('an index in hex reads that element', () => {
    expect(evaluate('dns.fqdns[0x1] eq "b"', { 'dns.fqdns': ['a', 'b'] })).toBe(true);
  });
});

describe('values of another shape index to nothing (named)', () => {
  const labels = new Map([['app', 'web']]);
  const cases: Array<[string, string, Record<string, FieldValue>, boolean]> = [
    [
      'a list where a Map is expected has no key',
      'identity.k8s.src_label["app"] eq "web"',
      { 'identity.k8s.src_label': ['web'] },
      false,
    ],
    ['a Map where a list is expected has no index', 'dns.fqdns[0] eq "web"', { 'dns.fqdns': labels }, false],
    ['text where a list is expected has no index', 'dns.fqdns[0] eq "w"', { 'dns.fqdns': 'web' }, false],
    ['[*] of text is absent: any() is false', 'any(dns.fqdns[*] eq "w")', { 'dns.fqdns': 'web' }, false],
    ['[*] of text is absent: all() is true', 'all(dns.fqdns[*] eq "w")', { 'dns.fqdns': 'web' }, true],
    [
      '[*] of a Map reads its values',
      'any(identity.k8s.src_label[*] eq "web")',
      { 'identity.k8s.src_label': labels },
      true,
    ],
    [
      '[*] over a Map of lists, then an index: the first element of each list',
      'any(test.headers[*][0] eq "x")',
      { 'test.headers': new Map([['h', ['x']]]) },
      true,
    ],
    [
      '[*][*] over a list holding text: the text has no elements',
      'any(test.parts[*][*] eq "Stryker was here")',
      { 'test.parts': [['a'], 'Stryker was here'] },
      false,
    ],
  ];
  it.each(cases)('%s', (_name, expression, fields, expected) => {
    expect(evaluate(expression, fields)).toBe(expected);
  });
});
