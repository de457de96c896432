import { describe, expect, it } from 'vitest';
import { RecencyList, type RecencyNode } from './recency-list.js';

interface Node extends RecencyNode<string> {
  n: number;
}

function order(list: RecencyList<string, Node>): string[] {
  const keys: string[] = [];
  for (let n = list.front(); n !== null; n = n.next) keys.push(n.key);
  const back: string[] = [];
  for (let n = list.back(); n !== null; n = n.prev) back.unshift(n.key);
  expect(back).toEqual(keys); // both directions agree
  return keys;
}

describe('RecencyList', () => {
  const cases: Array<{ name: string; ops: (l: RecencyList<string, Node>) => void; want: string[] }> = [
    { name: 'empty', ops: () => undefined, want: [] },
    {
      name: 'appends in order',
      ops: (l) => ['a', 'b', 'c'].forEach((k, i) => l.append({ key: k, n: i, prev: null, next: null })),
      want: ['a', 'b', 'c'],
    },
    {
      name: 'move the front to the back',
      ops: (l) => {
        ['a', 'b', 'c'].forEach((k, i) => l.append({ key: k, n: i, prev: null, next: null }));
        l.moveToBack(l.get('a')!);
      },
      want: ['b', 'c', 'a'],
    },
    {
      name: 'move the middle to the back; moving the back is a no-op',
      ops: (l) => {
        ['a', 'b', 'c'].forEach((k, i) => l.append({ key: k, n: i, prev: null, next: null }));
        l.moveToBack(l.get('b')!);
        l.moveToBack(l.get('b')!);
      },
      want: ['a', 'c', 'b'],
    },
    {
      name: 'remove front, middle and back',
      ops: (l) => {
        ['a', 'b', 'c', 'd', 'e'].forEach((k, i) => l.append({ key: k, n: i, prev: null, next: null }));
        l.remove(l.get('a')!);
        l.remove(l.get('c')!);
        l.remove(l.get('e')!);
      },
      want: ['b', 'd'],
    },
    {
      name: 'remove the only node, then append again',
      ops: (l) => {
        l.append({ key: 'a', n: 1, prev: null, next: null });
        l.remove(l.get('a')!);
        l.append({ key: 'b', n: 2, prev: null, next: null });
      },
      want: ['b'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const list = new RecencyList<string, Node>();
      c.ops(list);
      expect(order(list)).toEqual(c.want);
      expect(list.size).toBe(c.want.length);
    });
  }
});
