import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PcreNode } from './pcre-ast.js';

/** What real PCRE2 said about one subject: no match, the groups (null = unset), or an error. */
export type Pcre2Answer =
  { match: false } | { match: true; groups: Array<string | null> } | { error: string };

export interface Pcre2Case {
  pattern: string;
  caseless: boolean;
  dotall: boolean;
  subjects: string[];
}

const DELIMITERS = ['/', '!', '%', '&', ',', ';', '@', '~', '`', '"', "'", ':', '=', '<', '>'];

/**
 * Runs Debian's pcre2test (PCRE2 10.42, 8-bit, no UTF) over patterns and subjects, with nmap's
 * match and depth limits, and reads back each answer. pcre2test prints a byte outside 0x20-0x7e
 * as \xhh; printable() does the same to the JavaScript side before comparing.
 */
export function runPcre2test(cases: readonly Pcre2Case[]): Array<Pcre2Answer[] | { compileError: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'glia-pcre2-'));
  try {
    // nmap's limits (service_scan.cc) as the default of every subject.
    const input: string[] = ['#subject match_limit=50000,depth_limit=1000', ''];
    for (const c of cases) {
      const d = DELIMITERS.find((x) => !c.pattern.includes(x)) ?? '/';
      const body = c.pattern.includes(d) ? c.pattern.split(d).join(`\\${d}`) : c.pattern;
      const mods = [c.caseless ? 'i' : '', c.dotall ? 's' : ''].join('');
      input.push(`${d}${body}${d}${mods}`);
      for (const s of c.subjects) input.push(`    ${subjectLine(s)}`);
      input.push('');
    }
    const file = join(dir, 'input.txt');
    writeFileSync(file, input.join('\n') + '\n', 'latin1');
    const out = execFileSync('pcre2test', ['-q', file], { maxBuffer: 1 << 28, encoding: 'latin1' });
    return parseOutput(out, cases);
  } finally {
    if (!process.env.KEEP_PCRE2) rmSync(dir, { recursive: true, force: true });
  }
}

function subjectLine(s: string): string {
  let out = '';
  for (const ch of s) {
    const b = ch.charCodeAt(0);
    out += b > 0x20 && b < 0x7f && ch !== '\\' ? ch : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function parseOutput(
  out: string,
  cases: readonly Pcre2Case[],
): Array<Pcre2Answer[] | { compileError: string }> {
  const lines = out.split('\n');
  const results: Array<Pcre2Answer[] | { compileError: string }> = [];
  let i = 1; // after the #subject command
  for (const c of cases) {
    while (i < lines.length && lines[i] === '') i++;
    i++; // the echoed pattern line
    if (lines[i]?.startsWith('Failed:')) {
      results.push({ compileError: lines[i] });
      // pcre2test echoes the subjects of a pattern that failed to compile, without answers.
      i += 1 + c.subjects.length;
      continue;
    }
    const answers: Pcre2Answer[] = [];
    for (let s = 0; s < c.subjects.length; s++) {
      i++; // the echoed subject line
      const line = lines[i] ?? '';
      if (line === 'No match') {
        answers.push({ match: false });
        i++;
      } else if (/^Failed: error -?\d+/.test(line) || /^Error -?\d+/.test(line)) {
        answers.push({ error: line });
        i++;
      } else {
        const groups: Array<string | null> = [];
        while (i < lines.length && /^ *\d+:( |$)/.test(lines[i])) {
          const m = /^ *(\d+): ?(.*)$/.exec(lines[i])!;
          groups[Number(m[1])] = m[2] === '<unset>' ? null : m[2];
          i++;
        }
        for (let g = 0; g < groups.length; g++) if (groups[g] === undefined) groups[g] = null;
        answers.push({ match: true, groups });
      }
    }
    results.push(answers);
  }
  return results;
}

/** A latin1 string as pcre2test prints captured text. */
export function printable(s: string): string {
  let out = '';
  for (const ch of s) {
    const b = ch.charCodeAt(0);
    out += b >= 0x20 && b < 0x7f ? ch : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * Subjects likely to match a pattern, drawn from its syntax tree: each set picks a member, each
 * repetition a count near its minimum, each alternative a branch; back references repeat what
 * their group produced. Deterministic for a given random source.
 */
export function generateSubject(root: PcreNode, random: () => number, maxLength = 300): string {
  const groups = new Map<number, string>();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const gen = (n: PcreNode, budget: { left: number }): string => {
    if (budget.left <= 0) return '';
    switch (n.type) {
      case 'set': {
        const ranges = n.set.ranges();
        if (ranges.length === 0) return '';
        // Prefer printable members: closer to real banners.
        const printableRanges = ranges.filter(([lo, hi]) => hi >= 0x20 && lo <= 0x7e);
        const [lo, hi] = random() < 0.85 && printableRanges.length > 0 ? pick(printableRanges) : pick(ranges);
        budget.left--;
        return String.fromCharCode(lo + Math.floor(random() * (hi - lo + 1)));
      }
      case 'seq':
        return n.items.map((i) => gen(i, budget)).join('');
      case 'alt':
        return gen(pick(n.branches), budget);
      case 'assert':
        return n.kind === 'end' && random() < 0.2 ? '\n' : '';
      case 'backref':
        return groups.get(n.index) ?? '';
      case 'group': {
        if (n.kind === 'not-ahead' || n.kind === 'not-behind' || n.kind === 'behind') return '';
        if (n.kind === 'ahead') return '';
        const text = gen(n.body, budget);
        if (n.kind === 'capture' && n.index !== undefined) groups.set(n.index, text);
        return text;
      }
      case 'repeat': {
        const extra = n.max === n.min ? 0 : Math.floor(random() * Math.min(4, n.max - n.min + 1));
        let out = '';
        for (let k = 0; k < n.min + extra && budget.left > 0; k++) out += gen(n.body, budget);
        return out;
      }
    }
  };
  return gen(root, { left: maxLength });
}
