import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../obs/observation.js';
import type { AnyPluginFactory } from './api.js';
import { absentDefinitions, declaredFields, resolverMismatch, runningDefinitions } from './fields.js';

const factory = {
  type: 'acme',
  kind: 'enricher',
  description: 'x',
  configSchema: {},
  fields: [
    { name: 'acme.a', type: 'Int', description: 'a' },
    { name: 'acme.b', type: 'Bytes', description: 'b' },
  ],
  create: () => null,
} as unknown as AnyPluginFactory;
const o = { fields: new Map() } as unknown as Observation;

describe('declared fields', () => {
  it('come after the core fields, with their provider', () => {
    const fields = declaredFields([{ name: 'mine', factory }]);
    expect(fields.slice(-2)).toEqual([
      { name: 'acme.a', type: 'Int', description: 'a', provider: 'mine' },
      { name: 'acme.b', type: 'Bytes', description: 'b', provider: 'mine' },
    ]);
    expect(fields[0].provider).toBe('core');
    expect(() =>
      declaredFields([
        { name: 'one', factory },
        { name: 'two', factory },
      ]),
    ).toThrow('field acme.a is declared by both one and two: enable only one of them');
  });

  const one = (): number => 1;
  const x = (): string => 'x';
  const table: Array<[Record<string, unknown>, string | null]> = [
    [{ 'acme.a': one, 'acme.b': x }, null],
    [
      { 'acme.a': () => 1 },
      'its instance does not match its declared fields: no resolver for declared field(s) acme.b',
    ],
    [
      { 'acme.a': one, 'acme.b': x, 'acme.c': one },
      'its instance does not match its declared fields: resolver(s) for undeclared field(s) acme.c',
    ],
    [
      { 'acme.a': 1, 'acme.b': x },
      'its instance does not match its declared fields: no resolver for declared field(s) acme.a; resolver(s) for undeclared field(s) acme.a',
    ],
  ];
  it.each(table)('resolverMismatch(%j)', (resolvers, expected) => {
    expect(resolverMismatch(factory, resolvers as never)).toBe(expected);
  });

  it('a resolver that throws is logged with the plugin and field once a minute, and still throws', () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    const [a] = runningDefinitions(
      'mine',
      factory,
      {
        'acme.a': () => {
          throw new Error('store closed');
        },
        'acme.b': () => 'x',
      },
      logger,
    );
    for (let i = 0; i < 1000; i++) expect(() => a.resolve(o)).toThrow('store closed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ plugin: 'mine', field: 'acme.a', err: 'store closed', level: 50 });
    expect(String(lines[0].msg)).toMatch(/enricher mine: resolver of acme\.a threw/);
  });

  it('an enricher that does not run gives its declared fields as absent', () => {
    expect(absentDefinitions(factory).map((d) => [d.name, d.resolve(o)])).toEqual([
      ['acme.a', undefined],
      ['acme.b', undefined],
    ]);
  });
});
