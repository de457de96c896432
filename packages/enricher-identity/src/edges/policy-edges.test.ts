import { describe, expect, it } from 'vitest';
import { edgeLineText, formatEdgesProblem, parsePolicyEdges } from './policy-edges.js';

describe('parsePolicyEdges', () => {
  it('reads E, G and S lines, comments and blank lines', () => {
    const { lines, problems } = parsePolicyEdges(
      [
        '# declared edges of the shop',
        'E shop/frontend > shop/api : 8080',
        'E  */*  >  shop/frontend  :  *',
        '',
        'E shop/api > data/*  : 5432',
        'G shop/api',
        'S shop/frontend',
        'G */*',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(lines.map(edgeLineText)).toEqual([
      'E shop/frontend > shop/api : 8080',
      'E */* > shop/frontend : *',
      'E shop/api > data/* : 5432',
      'G shop/api',
      'S shop/frontend',
      'G */*',
    ]);
  });

  const bad: Array<[string, string, string]> = [
    ['an unknown kind', 'X shop/a', '1:1: unknown line kind "X"; expected E, G or S'],
    ['a lower-case kind', 'e shop/a > shop/b : 80', '1:1: unknown line kind "e"'],
    [
      'no slash',
      'E shop > shop/b : 80',
      '1:3: expected <namespace>/<workload>, */* or <namespace>/*, found "shop"',
    ],
    [
      'a wildcard namespace alone',
      'E */a > shop/b : 80',
      '1:3: "*/a": a wildcard namespace needs a wildcard workload (*/*)',
    ],
    ['no arrow', 'E shop/a shop/b : 80', '1:10: expected ">" after the source'],
    ['no colon', 'E shop/a > shop/b 80', '1:19: expected ":" after the destination'],
    ['no port', 'E shop/a > shop/b :', '1:20: expected a port (1-65535) or * after ":"'],
    ['port zero', 'E shop/a > shop/b : 0', '1:21: "0" is not a port (1-65535) or *'],
    ['port too large', 'E shop/a > shop/b : 65536', '1:21: "65536" is not a port'],
    ['a port range', 'E shop/a > shop/b : 80-90', '1:21: "80-90" is not a port'],
    ['trailing text', 'E shop/a > shop/b : 80 tcp', '1:24: unexpected "tcp" after the end of the line'],
    ['G without an endpoint', 'G', '1:2: expected the destination'],
    ['S with two endpoints', 'S a/b c/d', '1:7: unexpected "c/d"'],
    ['a bad name', 'G sh op/x', '1:3: expected <namespace>/<workload>'],
    ['a name with bad characters', 'G shop/fr$nt', '1:3: "fr$nt" is not a workload name'],
  ];
  it.each(bad)('reports %s at its line and column', (_name, text, message) => {
    const { problems } = parsePolicyEdges(text, 'edges.txt');
    expect(problems.map(formatEdgesProblem)).toEqual([expect.stringContaining(`edges.txt:${message}`)]);
  });

  it('reports every bad line and keeps the good ones', () => {
    const { lines, problems } = parsePolicyEdges('G a/b\nE x\nS c/d\nQ\n');
    expect(lines.map(edgeLineText)).toEqual(['G a/b', 'S c/d']);
    expect(problems.map((p) => p.line)).toEqual([2, 4]);
  });
});
