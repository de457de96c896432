import { hasTool, seededRandom } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { printable, runPcre2test } from './pcre2test.fixture.js';
import { execPattern, translatePcre } from './translate.js';

const ALPHABET = [
  'a',
  'b',
  'x',
  '1',
  '\\d',
  '\\w',
  '\\s',
  '\\b',
  '.',
  '(',
  ')',
  '(?:',
  '(?>',
  '(?=',
  '(?!',
  '[',
  ']',
  '[^',
  '-',
  '|',
  '*',
  '+',
  '?',
  '{1,2}',
  '{2}',
  '*?',
  '++',
  '^',
  '$',
  '\\1',
  '\\n',
  ' ',
];
const SUBJECT = ['a', 'b', 'x', '1', ' ', '\n', 'A', '-', ']'];

/**
 * Random patterns from PCRE syntax pieces: PCRE2 and the translation must agree on which compile
 * (an error of ours that is not "unsupported" is a pattern PCRE2 rejects), and on every match and
 * capture of random subjects for the ones both accept.
 */
describe.skipIf(!hasTool('pcre2test'))('random patterns against PCRE2', () => {
  it('same compile verdict, same matches and captures', () => {
    const random = seededRandom(2026);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const cases = Array.from({ length: 6000 }, () => {
      const parts = Array.from({ length: 1 + Math.floor(random() * 10) }, () => pick(ALPHABET));
      const subjects = Array.from({ length: 4 }, () =>
        Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick(SUBJECT)).join(''),
      );
      return { pattern: parts.join(''), caseless: random() < 0.2, dotall: random() < 0.2, subjects };
    });
    const answers = runPcre2test(cases);
    let bothCompiled = 0;
    let unsupported = 0;
    const differences: string[] = [];
    cases.forEach((c, i) => {
      const real = answers[i];
      const t = translatePcre(c.pattern, c);
      const pcre2Accepts = !('compileError' in real);
      if (!t.ok && t.error.unsupported) {
        unsupported++;
        // Conditional groups are refused whole, well-formed or not.
        if (c.pattern.includes('(?(')) return;
        if (!pcre2Accepts)
          differences.push(
            `${JSON.stringify(c.pattern)}: unsupported, but PCRE2 rejects it: ${(real as { compileError: string }).compileError}`,
          );
        return;
      }
      if (t.ok !== pcre2Accepts) {
        differences.push(
          `${JSON.stringify(c.pattern)}: ours ${t.ok ? 'compiles' : t.error.message}, PCRE2 ${pcre2Accepts ? 'compiles' : (real as { compileError: string }).compileError}`,
        );
        return;
      }
      if (!t.ok || !pcre2Accepts) return;
      bothCompiled++;
      c.subjects.forEach((subject, s) => {
        const answer = (real as Array<{ match?: boolean; groups?: Array<string | null>; error?: string }>)[s];
        if (answer.error !== undefined) return;
        const ours = execPattern(t.pattern, subject);
        const mine = ours === null ? null : ours.map((g) => (g === undefined ? null : printable(g)));
        while (mine !== null && mine.length > 1 && mine[mine.length - 1] === null) mine.pop();
        const theirs = answer.match === true ? answer.groups : null;
        if (JSON.stringify(mine) !== JSON.stringify(theirs))
          differences.push(
            `${JSON.stringify(c.pattern)}${c.caseless ? 'i' : ''}${c.dotall ? 's' : ''} on ${JSON.stringify(subject)}: PCRE2 ${JSON.stringify(theirs)}, ours ${JSON.stringify(mine)}`,
          );
      });
    });
    console.log(
      `random patterns: ${cases.length}, both compiled ${bothCompiled}, unsupported ${unsupported}, differences ${differences.length}\n${differences.slice(0, 30).join('\n')}`,
    );
    expect(differences).toEqual([]);
    expect(bothCompiled).toBeGreaterThan(800);
  }, 120_000);
});
