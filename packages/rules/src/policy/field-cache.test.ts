import type { FieldDefinition, FieldValue, Observation } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { ObservationFieldCache } from './field-cache.js';

/**
 * The field cache of the policy stage: each field resolved at most once per observation, values
 * already on the observation preferred, a throwing resolver taken as absent and counted, lookups by
 * name when the slot a caller passes is not the field's, commit() writing only what this
 * observation resolved, and no value surviving into another observation, across the generation
 * counter's wrap too.
 */
function observation(server: string, known: Record<string, FieldValue> = {}): Observation {
  return {
    ts: 0n,
    iface: 'eth0',
    dir: 'ingress',
    phase: 'syn',
    client: '10.0.0.1',
    server,
    clientPort: 40000,
    serverPort: 22,
    proto: 'tcp',
    event: {
      ts: 0n,
      iface: 'eth0',
      dir: 'ingress',
      src: '10.0.0.1',
      dst: server,
      sport: 40000,
      dport: 22,
      proto: 'tcp',
    },
    fields: new Map(Object.entries(known)),
  };
}

/** Fields a, b (the server address, counted per call) and bad (throws). */
function definitions(calls: string[]): FieldDefinition[] {
  const field = (name: string, resolve: (o: Observation) => FieldValue | undefined): FieldDefinition => ({
    name,
    type: 'Bytes',
    description: 'test',
    resolve: (o) => {
      calls.push(name);
      return resolve(o);
    },
  });
  return [
    field('a', (o) => `a of ${o.server}`),
    field('b', (o) => `b of ${o.server}`),
    field('bad', () => {
      throw new Error('resolver bug');
    }),
  ];
}

describe('ObservationFieldCache', () => {
  it('resolves each field once per observation, and again for the next one', () => {
    const calls: string[] = [];
    const cache = new ObservationFieldCache(definitions(calls));
    cache.begin(observation('s1'));
    expect([cache.get('a', 0), cache.get('a', 0), cache.readerOf('a')?.(observation('other'))]).toEqual([
      'a of s1',
      'a of s1',
      'a of s1',
    ]);
    cache.begin(observation('s2'));
    expect(cache.get('a', 0)).toBe('a of s2');
    expect(calls).toEqual(['a', 'a']);
  });

  it('a value already on the observation wins over the resolver', () => {
    const calls: string[] = [];
    const cache = new ObservationFieldCache(definitions(calls));
    cache.begin(observation('s1', { b: 'given' }));
    expect(cache.get('b', 1)).toBe('given');
    expect(calls).toEqual([]);
  });

  it('a throwing resolver is absent and counted once per observation', () => {
    const calls: string[] = [];
    const cache = new ObservationFieldCache(definitions(calls));
    cache.begin(observation('s1'));
    expect(cache.get('bad', 2)).toBeUndefined();
    expect(cache.get('bad', 2)).toBeUndefined();
    expect(cache.errors).toBe(1);
    cache.begin(observation('s2'));
    expect(cache.get('bad', 2)).toBeUndefined();
    expect(cache.errors).toBe(2);
  });

  it.each([
    ['the right slot', 'b', 1, 'b of s1'],
    ["another field's slot", 'b', 0, 'b of s1'],
    ['a negative slot', 'b', -1, 'b of s1'],
    ['a slot past the last', 'b', 3, 'b of s1'],
    ['a name no definition provides', 'c', 0, undefined],
    ['a name no definition provides, past the last slot', 'c', 7, undefined],
  ] as const)('get with %s finds the field by name', (_name, field, slot, expected) => {
    const cache = new ObservationFieldCache(definitions([]));
    cache.begin(observation('s1'));
    expect(cache.get(field, slot)).toBe(expected);
  });

  it('readerOf is undefined for a field no definition provides', () => {
    expect(new ObservationFieldCache(definitions([])).readerOf('c')).toBeUndefined();
  });

  it('commit writes what this observation resolved, and nothing the observation already had', () => {
    const cache = new ObservationFieldCache(definitions([]));
    const first = observation('s1');
    cache.begin(first);
    cache.get('b', 1);
    cache.end();
    const second = observation('s2', { a: 'given' });
    cache.begin(second);
    cache.get('a', 0);
    cache.commit();
    // b was resolved for the first observation only; a was the observation's own.
    expect(Object.fromEntries(second.fields)).toEqual({ a: 'given' });
    cache.get('b', 1);
    cache.commit();
    expect(Object.fromEntries(second.fields)).toEqual({ a: 'given', b: 'b of s2' });
    expect(first.fields.size).toBe(0);
  });

  it('commit leaves a field the observation got after it was resolved', () => {
    const cache = new ObservationFieldCache(definitions([]));
    const o = observation('s1');
    cache.begin(o);
    expect(cache.get('a', 0)).toBe('a of s1');
    o.fields.set('a', 'set meanwhile');
    cache.commit();
    expect(o.fields.get('a')).toBe('set meanwhile');
  });

  it('no value outlives its observation when the generation counter wraps', () => {
    const calls: string[] = [];
    const cache = new ObservationFieldCache(definitions(calls));
    cache.generation = 0;
    cache.begin(observation('s1')); // generation 1
    expect(cache.get('a', 0)).toBe('a of s1');
    cache.generation = 0xfffffffe;
    cache.begin(observation('s2')); // 0xffffffff wraps to 1: the stamp of s1's value must not match
    expect(cache.generation).toBe(1);
    expect(cache.get('a', 0)).toBe('a of s2');
    expect(calls).toEqual(['a', 'a']);
  });

  it('a field provided twice is refused', () => {
    const defs = definitions([]);
    expect(() => new ObservationFieldCache([...defs, defs[1]])).toThrow(
      new Error('field b is provided twice'),
    );
  });
  it('generation counts up by one per observation below the wrap', () => {
    const cache = new ObservationFieldCache(definitions([]));
    cache.begin(observation('s1'));
    cache.begin(observation('s2'));
    expect(cache.generation).toBe(3);
  });

  it('end lets go of the observation: a field it did not resolve is not read from it afterwards', () => {
    const calls: string[] = [];
    const cache = new ObservationFieldCache(definitions(calls));
    cache.begin(observation('s1'));
    cache.end();
    expect(() => cache.get('a', 0)).toThrow(TypeError);
    expect(calls).toEqual([]);
  });
});

describe('ObservationFieldCache where code generation is disallowed (the closure readers)', () => {
  /** Builds the cache while `new Function` throws, as under --disallow-code-generation-from-strings. */
  function closureCache(calls: string[]): ObservationFieldCache {
    const original = globalThis.Function;
    globalThis.Function = function disallowed() {
      throw new EvalError('Code generation from strings disallowed for this context');
    } as unknown as FunctionConstructor;
    try {
      return new ObservationFieldCache(definitions(calls));
    } finally {
      globalThis.Function = original;
    }
  }

  it('resolves each field once per observation, and again for the next one', () => {
    const calls: string[] = [];
    const cache = closureCache(calls);
    cache.begin(observation('s1'));
    expect([cache.get('a', 0), cache.get('a', 0)]).toEqual(['a of s1', 'a of s1']);
    cache.begin(observation('s2'));
    expect(cache.get('a', 0)).toBe('a of s2');
    expect(calls).toEqual(['a', 'a']);
  });

  it('a value already on the observation wins; another field on it does not hide the resolver', () => {
    const calls: string[] = [];
    const cache = closureCache(calls);
    cache.begin(observation('s1', { b: 'given' }));
    expect([cache.get('b', 1), cache.get('a', 0)]).toEqual(['given', 'a of s1']);
    expect(calls).toEqual(['a']);
  });

  it('a throwing resolver is absent and counted once per observation', () => {
    const calls: string[] = [];
    const cache = closureCache(calls);
    cache.begin(observation('s1'));
    expect([cache.get('bad', 2), cache.get('bad', 2)]).toEqual([undefined, undefined]);
    expect(cache.errors).toBe(1);
    cache.begin(observation('s2'));
    expect(cache.get('bad', 2)).toBeUndefined();
    expect(cache.errors).toBe(2);
    expect(calls).toEqual(['bad', 'bad']);
  });
});
