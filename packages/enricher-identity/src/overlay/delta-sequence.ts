/** Where a stream of deltas stands: the control plane's epoch and the last sequence number applied. */
export interface DeltaPosition {
  epoch: string;
  seq: number;
}

/** What to do with a delta. */
export type SequenceVerdict =
  | { action: 'apply' }
  /** Already applied (a replay after a reconnect): ignore it. */
  | { action: 'duplicate' }
  /** A head that matches the position: nothing was missed. */
  | { action: 'current' }
  /** Something was missed or the stream restarted: drop the overlay and re-pull the baseline. */
  | { action: 'resync'; reason: 'new epoch' | 'gap' | 'behind head' };

/** The fields every delta has. `head` marks the position the server is at, with no changes. */
export interface SequencedDelta {
  epoch: string;
  seq: number;
  head?: boolean;
}

/**
 * The rule of DESIGN §7 for deltas: within an epoch, seq n+1 follows n; an older or equal seq is
 * a duplicate; a larger jump is a gap; another epoch means the producer started over. A head
 * (sent by the control plane on every connection) matches the position or forces a resync, so a
 * client that missed deltas while disconnected finds out at once. An unknown position (a baseline
 * read from a file) takes the first delta or head as given.
 */
export class DeltaSequence {
  private at: DeltaPosition | null = null;

  get position(): DeltaPosition | null {
    return this.at;
  }

  /** Sets the position (a baseline's), or forgets it (null: the next delta or head is taken as is). */
  reset(position: DeltaPosition | null): void {
    this.at = position === null ? null : { ...position };
  }

  check(delta: SequencedDelta): SequenceVerdict {
    const at = this.at;
    if (at === null) return delta.head === true ? { action: 'current' } : { action: 'apply' };
    if (delta.epoch !== at.epoch) return { action: 'resync', reason: 'new epoch' };
    if (delta.head === true)
      return delta.seq === at.seq ? { action: 'current' } : { action: 'resync', reason: 'behind head' };
    if (delta.seq <= at.seq) return { action: 'duplicate' };
    if (delta.seq === at.seq + 1) return { action: 'apply' };
    return { action: 'resync', reason: 'gap' };
  }

  /** Records that a delta (or a head, for an unknown position) was taken. */
  advance(delta: SequencedDelta): void {
    this.at = { epoch: delta.epoch, seq: delta.seq };
  }
}
