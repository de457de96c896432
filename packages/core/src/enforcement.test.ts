import { describe, expect, it } from 'vitest';
import { EnforcementBackends, type EnforcementBackend } from './enforcement.js';

const backend = (name: string): EnforcementBackend => ({
  name,
  install: () => undefined,
  remove: () => true,
});

describe('EnforcementBackends', () => {
  it('lists registered backends and tells watchers of each change, until they unsubscribe', () => {
    const backends = new EnforcementBackends();
    const events: string[] = [];
    const stop = backends.watch((b, e) => events.push(`${e} ${b.name}`));
    const unregisterA = backends.register(backend('a'));
    backends.register(backend('b'));
    expect(backends.list().map((b) => b.name)).toEqual(['a', 'b']);
    unregisterA();
    unregisterA();
    stop();
    backends.register(backend('c'));
    expect(backends.list().map((b) => b.name)).toEqual(['b', 'c']);
    expect(events).toEqual(['added a', 'added b', 'removed a']);
  });
});
