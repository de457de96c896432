import { describe, expect, it } from 'vitest';
import { DeltaSequence, type DeltaPosition, type SequencedDelta } from './delta-sequence.js';

describe('DeltaSequence', () => {
  const cases: Array<[string, DeltaPosition | null, SequencedDelta, string]> = [
    ['the next seq applies', { epoch: 'a', seq: 4 }, { epoch: 'a', seq: 5 }, 'apply'],
    ['the same seq again is a duplicate', { epoch: 'a', seq: 4 }, { epoch: 'a', seq: 4 }, 'duplicate'],
    ['an older seq is a duplicate', { epoch: 'a', seq: 4 }, { epoch: 'a', seq: 1 }, 'duplicate'],
    ['a jump is a gap', { epoch: 'a', seq: 4 }, { epoch: 'a', seq: 6 }, 'resync:gap'],
    ['another epoch starts over', { epoch: 'a', seq: 4 }, { epoch: 'b', seq: 5 }, 'resync:new epoch'],
    ['another epoch even at seq 1', { epoch: 'a', seq: 4 }, { epoch: 'b', seq: 1 }, 'resync:new epoch'],
    [
      'a head at the position is current',
      { epoch: 'a', seq: 4 },
      { epoch: 'a', seq: 4, head: true },
      'current',
    ],
    [
      'a head ahead means deltas were missed',
      { epoch: 'a', seq: 4 },
      { epoch: 'a', seq: 7, head: true },
      'resync:behind head',
    ],
    [
      'a head of another epoch',
      { epoch: 'a', seq: 4 },
      { epoch: 'b', seq: 4, head: true },
      'resync:new epoch',
    ],
    ['an unknown position takes the first delta', null, { epoch: 'a', seq: 9 }, 'apply'],
    ['an unknown position takes the first head', null, { epoch: 'a', seq: 9, head: true }, 'current'],
  ];
  it.each(cases)('%s', (_name, position, delta, expected) => {
    const sequence = new DeltaSequence();
    sequence.reset(position);
    const verdict = sequence.check(delta);
    expect(verdict.action === 'resync' ? `resync:${verdict.reason}` : verdict.action).toBe(expected);
  });

  it('advances to the delta taken', () => {
    const sequence = new DeltaSequence();
    sequence.advance({ epoch: 'a', seq: 3 });
    expect(sequence.position).toEqual({ epoch: 'a', seq: 3 });
    expect(sequence.check({ epoch: 'a', seq: 4 }).action).toBe('apply');
  });
});
