import { describe, expect, it } from 'vitest';
import { anchoredFirstBytes, backtrackingBound, minLength } from './pcre-analysis.js';
import { parsePcre } from './pcre-parser.js';

const bound = (pattern: string) => backtrackingBound(parsePcre(pattern).root);

describe('backtrackingBound', () => {
  it.each([
    // Classic catastrophic patterns: no polynomial bound.
    { pattern: '^(a+)+$', degree: Infinity },
    { pattern: '^(a|a)*b', degree: Infinity },
    { pattern: '^(a|ab)*c', degree: Infinity },
    { pattern: '^(\\w+\\s?)*$', degree: Infinity },
    { pattern: '^(?:a*)*b', degree: Infinity },
    { pattern: '^(.*a){10}', degree: Infinity },

    // Polynomial: each ambiguous long loop is a factor of n, an unanchored pattern one more.
    { pattern: '^a.*b.*c', degree: 2 },
    { pattern: '^HTTP/1\\.[01] \\d\\d\\d .*\\r\\nServer: nginx', degree: 1 },
    { pattern: 'Server: nginx', degree: 1 },
    // Loops with a single way to stop: no factor.
    { pattern: '^SSH-([\\d.]+)-OpenSSH_([\\w._-]+)', degree: 0 },
    { pattern: '^\\$\\d+\\r\\n(?:#[^\\r\\n]*\\r\\n)*redis_version:([.\\d]+)\\r\\n', degree: 0 },
    { pattern: '^220 \\(vsFTPd ([-.\\w]+)\\)', degree: 0 },
    // A count choice in a loop with a single way to match each pass: a factor of n.
    { pattern: '^(?:[^\\r\\n]+\\r\\n)*?Server: x', degree: 1 },
    { pattern: '^(?:[^\\r\\n]*\\r\\n(?!\\r\\n))*?Server', degree: 1 },
    { pattern: '^x.*$', degree: 0 },
  ])('$pattern: degree $degree', ({ pattern, degree }) => {
    expect(bound(pattern).degree).toBe(degree);
  });

  it('counts short ambiguous repeats, overlapping alternatives and optional items as constant factors', () => {
    expect(bound('^a{1,4}a(b|bc|d)x?x')).toEqual({ factor: 4 * 3 * 2, degree: 0 });
    // Branches and optional items told apart by their first byte: no factor.
    expect(bound('^a{1,4}b(c|d|e)x?y')).toEqual({ factor: 1, degree: 0 });
  });
});

describe('anchoredFirstBytes and minLength', () => {
  it.each([
    { pattern: '^SSH', first: [0x53], min: 3 },
    { pattern: '^(?:a|B)x', first: [0x42, 0x61], min: 2 },
    { pattern: '^\\d?x', first: [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x78], min: 1 },
    { pattern: '^(?=a)ab', first: [0x61], min: 2 },
    { pattern: 'a', first: null, min: 1 },
    { pattern: '^a*', first: null, min: 0 },
    { pattern: '^x{300}', first: [0x78], min: 300 },
  ])('$pattern', ({ pattern, first, min }) => {
    const root = parsePcre(pattern).root;
    const set = anchoredFirstBytes(root);
    expect(
      set === null
        ? null
        : set.ranges().flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)),
    ).toEqual(first);
    expect(minLength(root)).toBe(min);
  });
});
