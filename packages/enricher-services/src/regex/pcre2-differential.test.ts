import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, hasTool, seededRandom } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { parseProbeFile } from '../probes/probe-file.js';
import { parsePcre } from './pcre-parser.js';
import { generateSubject, printable, runPcre2test, type Pcre2Case } from './pcre2test.fixture.js';
import { execPattern, translatePcre } from './translate.js';

const fixtures = fixturesDir();
const enabled = fixtures !== null && hasTool('pcre2test');

/** Subjects per line: a generated match, the same with a tail, a flipped byte, swapped case, a cut. */
function subjectsFor(pattern: string, caseless: boolean, dotall: boolean, random: () => number): string[] {
  const root = parsePcre(pattern, { caseless, dotall }).root;
  const base = generateSubject(root, random);
  const flipped = base.length === 0 ? 'x' : flipByte(base, Math.floor(random() * base.length), random);
  const swapped = base.replace(/[A-Za-z]/g, (c) =>
    c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase(),
  );
  const subjects = [
    base,
    `${base}\r\n`,
    `${base}\n`,
    flipped,
    swapped,
    base.slice(0, Math.max(1, base.length >> 1)),
  ];
  return [...new Set(subjects.filter((s) => s.length > 0))];
}

function flipByte(s: string, at: number, random: () => number): string {
  return s.slice(0, at) + String.fromCharCode(Math.floor(random() * 256)) + s.slice(at + 1);
}

describe.skipIf(!enabled)('translation against PCRE2 itself (pcre2test 10.42)', () => {
  it('gives the same match or not, and the same captures, on every match line of the fixture file', () => {
    const text = readFileSync(join(fixtures!, 'nmap', 'nmap-service-probes'), 'latin1');
    const file = parseProbeFile(text);
    const random = seededRandom(12);
    const cases: Array<Pcre2Case & { line: number }> = [];
    for (const probe of file.probes)
      for (const m of probe.matches)
        cases.push({
          line: m.line,
          pattern: m.pattern,
          caseless: m.caseless,
          dotall: m.dotall,
          subjects: subjectsFor(m.pattern, m.caseless, m.dotall, random),
        });
    const answers = runPcre2test(cases);
    let compared = 0;
    let matched = 0;
    let limited = 0;
    const differences: string[] = [];
    cases.forEach((c, i) => {
      const real = answers[i];
      const translated = translatePcre(c.pattern, { caseless: c.caseless, dotall: c.dotall });
      if ('compileError' in real) {
        differences.push(`line ${c.line}: pcre2test refuses the pattern: ${real.compileError}`);
        return;
      }
      if (!translated.ok) {
        differences.push(`line ${c.line}: translation failed: ${translated.error.message}`);
        return;
      }
      c.subjects.forEach((subject, s) => {
        const answer = real[s];
        if ('error' in answer) {
          limited++;
          return;
        }
        compared++;
        const ours = execPattern(translated.pattern, subject);
        const ourGroups =
          ours === null ? null : trimUnset(ours.map((g) => (g === undefined ? null : printable(g))));
        if (answer.match) matched++;
        const theirs = answer.match ? answer.groups : null;
        if (JSON.stringify(ourGroups) !== JSON.stringify(theirs))
          differences.push(
            `line ${c.line} subject ${JSON.stringify(printable(subject))}: PCRE2 ${JSON.stringify(theirs)}, ours ${JSON.stringify(ourGroups)}`,
          );
      });
    });
    console.log(
      `pcre2 differential: ${cases.length} lines, ${compared} subjects compared (${matched} matching), ${limited} hit PCRE2's match limit`,
    );
    if (differences.length > 0)
      console.log(`${differences.length} differences:\n${differences.slice(0, 40).join('\n')}`);
    expect(differences.slice(0, 20)).toEqual([]);
    expect(cases.length).toBe(12171);
    // Generated subjects must exercise matches, not only misses.
    expect(matched).toBeGreaterThan(cases.length * 2);
  }, 300_000);
});

/** pcre2test lists groups up to the last one set. */
function trimUnset(groups: Array<string | null>): Array<string | null> {
  let n = groups.length;
  while (n > 1 && groups[n - 1] === null) n--;
  return groups.slice(0, n);
}
