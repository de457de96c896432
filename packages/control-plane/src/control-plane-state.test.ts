import { parseInventory, parsePolicyEdges, readEdgesDelta, readIdentityDelta } from '@glia/enricher-identity';
import { describe, expect, it } from 'vitest';
import { ControlPlaneState } from './control-plane-state.js';
import type { StreamEvent } from './event-history.js';

const inventory = (yaml: string) => {
  const { entries, problems } = parseInventory(yaml);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return entries;
};
const A = '- {ip: 10.0.0.1, namespace: shop, workload: web, labels: {app: web}}\n';
const B = '- {ip: 10.0.0.2, namespace: shop, workload: api}\n';
const B2 = '- {ip: 10.0.0.2, namespace: shop, workload: api, labels: {tier: db}}\n';

describe('ControlPlaneState', () => {
  it('turns each inventory change into a delta with the next seq, and nothing for no change', () => {
    const state = new ControlPlaneState({ epoch: 'e1' });
    const events: StreamEvent[] = [];
    state.subscribe((e) => events.push(e));
    expect(state.setInventory(inventory(A + B))).toBe(1);
    expect(state.setInventory(inventory(A + B))).toBeNull();
    expect(state.setInventory(inventory(A + B2))).toBe(2);
    expect(state.setInventory(inventory(B2))).toBe(3);
    const deltas = events.map((e) => {
      const read = readIdentityDelta(JSON.parse(e.data));
      if ('problem' in read) throw new Error(read.problem);
      return [e.id, e.name, read.delta.seq, read.delta.upserts.map((u) => u.ip), read.delta.removes];
    });
    expect(deltas).toEqual([
      ['e1:1', 'identity-delta', 1, ['10.0.0.1', '10.0.0.2'], []],
      ['e1:2', 'identity-delta', 2, ['10.0.0.2'], []],
      ['e1:3', 'identity-delta', 3, [], ['10.0.0.1']],
    ]);
  });

  it('edges deltas carry the lines added and removed, with their own seq', () => {
    const state = new ControlPlaneState({ epoch: 'e1' });
    const events: StreamEvent[] = [];
    state.subscribe((e) => events.push(e));
    state.setEdges(parsePolicyEdges('E a/b > c/d : 80\nG c/d\n').lines);
    state.setEdges(parsePolicyEdges('E a/b > c/d : 443\nG c/d\n').lines);
    const read = readEdgesDelta(JSON.parse(events[1].data));
    if ('problem' in read) throw new Error(read.problem);
    expect(read.delta.seq).toBe(2);
    expect(events[1].data).toBe(
      JSON.stringify({ epoch: 'e1', seq: 2, added: ['E a/b > c/d : 443'], removed: ['E a/b > c/d : 80'] }),
    );
    expect(state.edgesDocument().body.toString()).toBe('E a/b > c/d : 443\nG c/d\n');
  });

  it('a greeting replays what a Last-Event-ID missed, then the heads; an unknown id gets heads only', () => {
    const state = new ControlPlaneState({ epoch: 'e1', historySize: 3 });
    state.setInventory(inventory(A));
    state.setInventory(inventory(A + B));
    state.setRules('- {id: r, expression: "tcp.dstport eq 1", action: log}\n');
    state.setInventory(inventory(A + B2));
    const names = (events: StreamEvent[]) => events.map((e) => `${e.id} ${e.name}`);
    expect(names(state.greeting('e1:2'))).toEqual([
      'e1:3 rules',
      'e1:4 identity-delta',
      'e1:4 identity-delta',
      'e1:4 policy-edges-delta',
      'e1:4 rules',
    ]);
    expect(JSON.parse(state.greeting(undefined)[0].data)).toEqual({
      epoch: 'e1',
      seq: 3,
      head: true,
      upserts: [],
      removes: [],
    });
    // Too old for the bounded history, another epoch, or nonsense: heads only.
    for (const id of ['e1:0', 'e0:4', 'x', 'e1:99'])
      expect(
        state.greeting(id).map((e) => JSON.parse(e.data).head ?? 'rules'),
        id,
      ).toEqual([true, true, 'rules']);
  });

  it('builds the baseline once per seq, its ETag naming epoch and seq', () => {
    const state = new ControlPlaneState({ epoch: 'e9' });
    state.setInventory(inventory(A));
    const first = state.baseline();
    expect(state.baseline()).toBe(first);
    expect(first.etag).toBe('"e9-1"');
    state.setInventory(inventory(A + B));
    expect(state.baseline().etag).toBe('"e9-2"');
  });

  it('a new rule set is published once per distinct text', () => {
    const state = new ControlPlaneState();
    expect(state.setRules('a')).toBe(true);
    expect(state.setRules('a')).toBe(false);
    expect(state.setRules('b')).toBe(true);
    expect(state.positions.events).toBe(2);
  });
});
