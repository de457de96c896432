import { describe, expect, it } from 'vitest';
import { parseGraphQuery, parseTime } from './graph-query.js';

const NOW = Date.UTC(2024, 4, 1, 12);

describe('parseTime', () => {
  const cases: Array<[string, number]> = [
    ['2024-05-01T11:00:00Z', Date.UTC(2024, 4, 1, 11)],
    ['2024-05-01T13:00:00+02:00', Date.UTC(2024, 4, 1, 11)],
    ['1714561200000', 1714561200000],
    ['-30s', NOW - 30_000],
    ['-15m', NOW - 900_000],
    ['-2h', NOW - 7_200_000],
    ['-1.5d', NOW - 129_600_000],
  ];
  for (const [text, ms] of cases) it(text, () => expect(parseTime(text, 'from', NOW)).toBe(ms));
  for (const bad of ['yesterday', '-5w', '15m', '2024-13-45', '']) {
    it(`refuses ${JSON.stringify(bad)}`, () =>
      expect(() => parseTime(bad, 'from', NOW)).toThrow(/^from=.*: expected RFC 3339/));
  }
});

describe('parseGraphQuery', () => {
  const q = (s: string) => parseGraphQuery(new URLSearchParams(s), NOW);
  it('reads filters, repeated and comma-separated', () => {
    expect(q('namespace=shop,db&namespace=ops&workload=shop/frontend&from=-1h&format=dot')).toEqual({
      filter: { namespaces: ['shop', 'db', 'ops'], workloads: ['shop/frontend'], from: NOW - 3_600_000 },
      format: 'dot',
    });
    expect(q('')).toEqual({ filter: {}, format: 'json' });
    expect(q('access_token=x').filter).toEqual({});
  });
  const bad: Array<[string, RegExp]> = [
    ['format=svg', /format=svg: expected json, dot or mermaid/],
    ['namespaces=shop', /unknown parameter "namespaces"/],
    ['from=-1h&to=-2h', /from is after to/],
    ['from=-1h&from=-2h', /from: give one time/],
  ];
  for (const [query, message] of bad) it(`refuses ${query}`, () => expect(() => q(query)).toThrow(message));
});
