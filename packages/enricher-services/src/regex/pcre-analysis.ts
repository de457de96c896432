import { ByteSet } from './byte-set.js';
import { PcreSyntaxError, UNBOUNDED, type PcreNode } from './pcre-ast.js';

/**
 * Back references whose group may be unset when they are reached: PCRE2 fails such a reference,
 * JavaScript matches it as empty. Throws `unsupported` for the first one found. Captures in
 * lookbehinds are matched right to left by JavaScript, so references inside them are refused too.
 */
export function checkBackReferences(root: PcreNode): void {
  walk(root, new Set(), false);
}

function walk(n: PcreNode, before: ReadonlySet<number>, inBehind: boolean): ReadonlySet<number> {
  switch (n.type) {
    case 'set':
    case 'assert':
      return before;
    case 'backref':
      if (inBehind || !before.has(n.index))
        throw new PcreSyntaxError(`back reference \\${n.index} to a group that may be unset there`, 0, true);
      return before;
    case 'seq': {
      let acc = before;
      for (const item of n.items) acc = walk(item, acc, inBehind);
      return acc;
    }
    case 'alt': {
      const outs = n.branches.map((b) => walk(b, before, inBehind));
      return new Set([...outs[0]].filter((g) => outs.every((o) => o.has(g))));
    }
    case 'group': {
      const behind = inBehind || n.kind === 'behind' || n.kind === 'not-behind';
      const after = walk(n.body, before, behind);
      if (n.kind === 'not-ahead' || n.kind === 'not-behind') return before;
      if (n.kind === 'capture' && n.index !== undefined) return new Set([...after, n.index]);
      return after;
    }
    case 'repeat': {
      // JavaScript clears the body's captures at each iteration, so only what one iteration sets counts.
      const after = walk(n.body, before, inBehind);
      return n.min >= 1 ? after : before;
    }
  }
}

/**
 * Capture groups inside a repetition that one iteration may leave unset. PCRE2 keeps such a
 * group's value from an earlier iteration; JavaScript clears it at each iteration, so `$n` of
 * these groups can differ.
 */
export function groupsClearedByRepeats(root: PcreNode): number[] {
  const out = new Set<number>();
  const visit = (n: PcreNode, inRepeat: boolean): void => {
    switch (n.type) {
      case 'seq':
        n.items.forEach((i) => visit(i, inRepeat));
        return;
      case 'alt':
        n.branches.forEach((b) => visit(b, inRepeat));
        return;
      case 'group':
        visit(n.body, inRepeat);
        return;
      case 'repeat': {
        if (n.max > 1) {
          const always = captured(n.body);
          for (const g of allGroups(n.body)) if (!always.has(g)) out.add(g);
        }
        visit(n.body, inRepeat || n.max > 1);
        return;
      }
      default:
        return;
    }
  };
  visit(root, false);
  return [...out].sort((a, b) => a - b);
}

/** Groups every match of the node sets. */
function captured(n: PcreNode): ReadonlySet<number> {
  try {
    return walkCaptures(n);
  } catch {
    return new Set();
  }
}

function walkCaptures(n: PcreNode): ReadonlySet<number> {
  switch (n.type) {
    case 'seq':
      return new Set(n.items.flatMap((i) => [...walkCaptures(i)]));
    case 'alt': {
      const outs = n.branches.map(walkCaptures);
      return new Set([...outs[0]].filter((g) => outs.every((o) => o.has(g))));
    }
    case 'group': {
      if (n.kind === 'not-ahead' || n.kind === 'not-behind') return new Set();
      const inner = walkCaptures(n.body);
      return n.kind === 'capture' && n.index !== undefined ? new Set([...inner, n.index]) : inner;
    }
    case 'repeat':
      return n.min >= 1 ? walkCaptures(n.body) : new Set();
    default:
      return new Set();
  }
}

function allGroups(n: PcreNode): number[] {
  switch (n.type) {
    case 'seq':
      return n.items.flatMap(allGroups);
    case 'alt':
      return n.branches.flatMap(allGroups);
    case 'group':
      return n.kind === 'capture' && n.index !== undefined
        ? [n.index, ...allGroups(n.body)]
        : allGroups(n.body);
    case 'repeat':
      return allGroups(n.body);
    default:
      return [];
  }
}

interface First {
  set: ByteSet;
  nullable: boolean;
}

/**
 * The bytes a match can begin with when the pattern is anchored at the subject's start (every
 * branch begins with `^` or `\A`), else null. A subject whose first byte is not in the set cannot
 * match: the matcher uses it to skip lines without running them.
 */
export function anchoredFirstBytes(root: PcreNode): ByteSet | null {
  const branches = root.type === 'alt' ? root.branches : [root];
  const set = new ByteSet();
  for (const branch of branches) {
    const items = branch.type === 'seq' ? branch.items : [branch];
    if (items.length === 0 || items[0].type !== 'assert' || items[0].kind !== 'start') return null;
    const f = first({ type: 'seq', items: items.slice(1) });
    if (f === null || f.nullable) return null;
    set.addSet(f.set);
  }
  return set;
}

function first(n: PcreNode): First | null {
  switch (n.type) {
    case 'set':
      return { set: n.set, nullable: false };
    case 'assert':
      return { set: new ByteSet(), nullable: true };
    case 'backref':
      return null;
    case 'seq': {
      const set = new ByteSet();
      for (const item of n.items) {
        const f = first(item);
        if (f === null) return null;
        set.addSet(f.set);
        if (!f.nullable) return { set, nullable: false };
      }
      return { set, nullable: true };
    }
    case 'alt': {
      const set = new ByteSet();
      let nullable = false;
      for (const b of n.branches) {
        const f = first(b);
        if (f === null) return null;
        set.addSet(f.set);
        nullable ||= f.nullable;
      }
      return { set, nullable };
    }
    case 'group':
      // A lookaround only narrows what follows; skipping it keeps the set a superset.
      if (n.kind !== 'capture' && n.kind !== 'plain' && n.kind !== 'atomic')
        return { set: new ByteSet(), nullable: true };
      return first(n.body);
    case 'repeat': {
      const f = first(n.body);
      if (f === null) return null;
      return { set: f.set, nullable: f.nullable || n.min === 0 };
    }
  }
}

/** The fewest bytes any match consumes (back references count as empty). */
export function minLength(n: PcreNode): number {
  switch (n.type) {
    case 'set':
      return 1;
    case 'assert':
    case 'backref':
      return 0;
    case 'seq':
      return n.items.reduce((sum, i) => sum + minLength(i), 0);
    case 'alt':
      return Math.min(...n.branches.map(minLength));
    case 'group':
      return n.kind === 'capture' || n.kind === 'plain' || n.kind === 'atomic' ? minLength(n.body) : 0;
    case 'repeat':
      return n.min === 0 ? 0 : n.min * minLength(n.body);
  }
}

export { UNBOUNDED };

/** A repetition longer than this counts as unbounded (a factor of n) in the cost bound. */
const LONG_REPEAT = 16;

/**
 * A bound on the backtracking of one match attempt on an n-byte subject: at most about
 * `factor` × n^`degree` steps (times the pattern's size). Sound but coarse:
 * - a repetition whose body has a single way to match (a set, or a sequence bound to factor 1,
 *   degree 0) and whose body cannot begin with a byte that may follow it has a single way to stop:
 *   no factor. If the body can begin with such a byte, the count is a choice: a factor of its
 *   range, n when long. A repeated body with several ways to match may be exponential: Infinity;
 * - an alternation whose branches may begin with the same byte multiplies by its number of
 *   branches, an optional item that may begin with a byte that may follow it by 2, an unanchored
 *   pattern by n (its starting positions). Lookarounds count as if inline.
 */
export interface BacktrackingBound {
  factor: number;
  degree: number;
}

export function backtrackingBound(root: PcreNode): BacktrackingBound {
  // Nothing follows the end of the match: a loop at the very end stops where it likes.
  const bound = boundOf(root, new ByteSet());
  if (anchoredFirstBytes(root) === null) bound.degree++;
  return bound;
}

function boundOf(root: PcreNode, rootFollow: ByteSet | null): BacktrackingBound {
  const bound = { factor: 1, degree: 0 };
  const visit = (n: PcreNode, follow: ByteSet | null): void => {
    if (bound.degree === Infinity) return;
    switch (n.type) {
      case 'seq':
        // Right to left, so each item's follow is built from the one after it.
        for (let i = n.items.length - 1, after = follow; i >= 0; i--) {
          visit(n.items[i], after);
          after = followOf(n.items[i], after);
        }
        return;
      case 'alt':
        // Branches that begin with different bytes: at most one can go on (no factor).
        if (!firstBytesApart(n.branches)) bound.factor *= n.branches.length;
        n.branches.forEach((b) => visit(b, follow));
        return;
      case 'group':
        // What follows a lookaround is not what follows its body.
        visit(n.body, n.kind === 'capture' || n.kind === 'plain' || n.kind === 'atomic' ? follow : null);
        return;
      case 'repeat': {
        const bodyFirst = first(n.body);
        if (n.max <= 1) {
          // Optional: a choice only when its first byte may also follow it.
          if (bodyFirst === null || bodyFirst.nullable || follow === null || !disjoint(bodyFirst.set, follow))
            bound.factor *= 2;
          visit(n.body, follow);
          return;
        }
        if (n.body.type !== 'set') {
          const loopFollow =
            bodyFirst === null || follow === null ? null : new ByteSet().addSet(bodyFirst.set).addSet(follow);
          const inner = boundOf(n.body, loopFollow);
          if (inner.degree !== 0 || inner.factor !== 1 || bodyFirst === null || bodyFirst.nullable) {
            bound.degree = Infinity;
            return;
          }
        }
        if (bodyFirst !== null && !bodyFirst.nullable && follow !== null && disjoint(bodyFirst.set, follow))
          return;
        if (n.max > LONG_REPEAT) bound.degree++;
        else bound.factor *= n.max - n.min + 1;
        return;
      }
      default:
        return;
    }
  };
  visit(root, rootFollow);
  return bound;
}

/** What may follow the item before `item`: its FIRST, plus `after` when it may be empty; null: unknown. */
function followOf(item: PcreNode, after: ByteSet | null): ByteSet | null {
  const f = first(item);
  if (f === null) return null;
  if (!f.nullable) return f.set;
  return after === null ? null : new ByteSet().addSet(f.set).addSet(after);
}

function firstBytesApart(branches: readonly PcreNode[]): boolean {
  const seen = new ByteSet();
  for (const b of branches) {
    const f = first(b);
    if (f === null || f.nullable || !disjoint(seen, f.set)) return false;
    seen.addSet(f.set);
  }
  return true;
}

function disjoint(a: ByteSet, b: ByteSet): boolean {
  for (let x = 0; x < 256; x++) if (a.has(x) && b.has(x)) return false;
  return true;
}
