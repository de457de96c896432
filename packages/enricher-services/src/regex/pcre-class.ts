import { ByteSet, POSIX_CLASSES } from './byte-set.js';
import type { PatternCursor } from './pcre-cursor.js';
import { readEscape } from './pcre-escapes.js';

/** Reads a character class after its `[` into the set of bytes it matches (folded when caseless). */
export function readClass(cur: PatternCursor, caseless: boolean): ByteSet {
  let negate = false;
  if (cur.peek() === '^') {
    negate = true;
    cur.pos++;
  }
  const set = new ByteSet();
  let first = true;
  for (;;) {
    const c = cur.peek();
    if (c === '') throw cur.error('missing terminating ] for character class', cur.src.length);
    if (c === ']' && !first) {
      cur.pos++;
      break;
    }
    first = false;
    const item = classItem(cur);
    if (item === null) continue;
    if (typeof item !== 'number') {
      if (cur.peek() === '-' && cur.peek(1) !== ']' && cur.peek(1) !== '')
        throw cur.error('invalid range in character class', cur.pos);
      set.addSet(item);
      continue;
    }
    if (cur.peek() === '-' && cur.peek(1) !== ']' && cur.peek(1) !== '') {
      cur.pos++;
      const hi = classItem(cur);
      if (typeof hi !== 'number') throw cur.error('invalid range in character class', cur.pos);
      if (hi < item) throw cur.error('range out of order in character class', cur.pos - 1);
      set.addRange(item, hi);
    } else set.add(item);
  }
  const folded = caseless ? set.caseFolded() : set;
  return negate ? folded.complement() : folded;
}

/** One class member: a byte, a set (\d, [:alpha:]), or null for \E and empty \Q\E. */
function classItem(cur: PatternCursor): number | ByteSet | null {
  const c = cur.peek();
  if (c === '[') {
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(cur.src.slice(cur.pos, cur.pos + 16));
    if (posix !== null) {
      const set = POSIX_CLASSES[posix[2]];
      if (set === undefined) throw cur.error('unknown POSIX class name');
      cur.pos += posix[0].length;
      return posix[1] === '^' ? set.complement() : set;
    }
    if (
      /^\[[.=]/.test(cur.src.slice(cur.pos, cur.pos + 2)) &&
      cur.src.indexOf(cur.peek(1) + ']', cur.pos + 2) >= 0
    )
      throw cur.error('POSIX collating elements are not supported');
  }
  if (c === '\\') {
    const e = readEscape(cur, true);
    if (e.kind === 'char') return e.code;
    if (e.kind === 'set') return e.set;
    if (e.kind === 'nothing') return null;
    if (e.kind === 'quote') {
      // \Q...\E inside a class: each quoted byte is a member; a range cannot start from it.
      const end = cur.src.indexOf('\\E', cur.pos);
      const text = end < 0 ? cur.src.slice(cur.pos) : cur.src.slice(cur.pos, end);
      cur.pos = end < 0 ? cur.src.length : end + 2;
      if (text.length === 0) return null;
      const set = new ByteSet();
      for (const ch of text) set.add(ch.charCodeAt(0));
      return set;
    }
    throw cur.error('escape sequence is invalid in character class', cur.pos - 1);
  }
  cur.pos++;
  return c.charCodeAt(0);
}
