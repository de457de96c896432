import { readFile } from 'node:fs/promises';
import { parseProbeFile, type Probe, type ProbeFileError } from '../probes/probe-file.js';
import type { PortList } from '../probes/port-list.js';
import type { MatchLine } from '../probes/match-line.js';
import { translatePcre, type TranslatedPattern } from '../regex/translate.js';

/** A match line with its translated pattern (null when the pattern is unsupported). */
export interface CompiledLine {
  match: MatchLine;
  pattern: TranslatedPattern | null;
}

/** A probe with its compiled lines and its fallback chain (itself, its fallbacks, then NULL for TCP). */
export interface CompiledProbe {
  probe: Probe;
  lines: CompiledLine[];
  chain: CompiledProbe[];
  /** Lines worth running per first byte of a subject (computed on first use). */
  candidates: Array<Int32Array | undefined>;
}

export interface UnsupportedLine {
  line: number;
  message: string;
}

export interface DatabaseStats {
  probes: number;
  matchLines: number;
  compiled: number;
  /** Lines PCRE2 accepts whose semantics the translation cannot keep: reported, never run. */
  unsupported: UnsupportedLine[];
  /** Lines that are not valid nmap-service-probes (nmap refuses the file on these). */
  errors: ProbeFileError[];
  /** Patterns anchored with a known first byte (the first-byte index skips them cheaply). */
  anchored: number;
  /**
   * Lines whose templates use a group that a repetition may leave unset in its last pass: PCRE2
   * keeps the group's earlier value there, JavaScript does not, so that field may differ.
   */
  approximate: UnsupportedLine[];
  /** Lines whose shortest match is longer than 256 bytes: a banner can never match them. */
  longerThanBanner: number;
  parseMs: number;
}

/** nmap-service-probes parsed and every pattern translated, ready for matching. */
export class ServiceDatabase {
  readonly nullProbe: CompiledProbe | undefined;
  private readonly byName = new Map<string, CompiledProbe>();

  private constructor(
    readonly source: string,
    readonly probes: readonly CompiledProbe[],
    readonly stats: DatabaseStats,
    /** Ports nmap never probes (the file's Exclude directive). */
    readonly exclude: PortList | undefined,
  ) {
    for (const p of probes)
      if (!this.byName.has(key(p.probe.proto, p.probe.name)))
        this.byName.set(key(p.probe.proto, p.probe.name), p);
    this.nullProbe = this.byName.get(key('TCP', 'NULL'));
    for (const p of probes) {
      p.chain.push(p);
      for (const name of p.probe.fallback) {
        // As nmap's getProbeByName: the same protocol first, else any (DNSVersionBindReqTCP
        // falls back to the UDP DNSVersionBindReq, where the DNS lines are).
        const f =
          this.byName.get(key(p.probe.proto, name)) ??
          this.byName.get(key(p.probe.proto === 'TCP' ? 'UDP' : 'TCP', name));
        if (f !== undefined && f !== p) p.chain.push(f);
      }
      if (p.probe.proto === 'TCP' && this.nullProbe !== undefined && p !== this.nullProbe)
        p.chain.push(this.nullProbe);
    }
  }

  /** Reads the probes file at run time (latin1, as nmap's bytes). Never bundled with glia. */
  static async load(path: string): Promise<ServiceDatabase> {
    let text: string;
    try {
      text = await readFile(path, 'latin1');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(
        `cannot read nmap-service-probes at ${path} (${code}); install nmap or set the probes path`,
        { cause },
      );
    }
    return ServiceDatabase.fromText(text, path);
  }

  static fromText(text: string, source = 'nmap-service-probes'): ServiceDatabase {
    const started = performance.now();
    const file = parseProbeFile(text, source);
    const stats: DatabaseStats = {
      probes: file.probes.length,
      matchLines: 0,
      compiled: 0,
      unsupported: [],
      errors: [...file.errors],
      approximate: [],
      anchored: 0,
      longerThanBanner: 0,
      parseMs: 0,
    };
    const probes = file.probes.map((probe): CompiledProbe => {
      const lines = probe.matches.map((match): CompiledLine => {
        stats.matchLines++;
        const outcome = translatePcre(match.pattern, { caseless: match.caseless, dotall: match.dotall });
        if (!outcome.ok) {
          const where = `pattern offset ${outcome.error.offset}`;
          if (outcome.error.unsupported)
            stats.unsupported.push({ line: match.line, message: `${outcome.error.message} (${where})` });
          else
            stats.errors.push({
              line: match.line,
              message: `illegal regexp: ${outcome.error.message} (${where})`,
            });
          return { match, pattern: null };
        }
        if (outcome.pattern.minLength === 0) {
          stats.errors.push({ line: match.line, message: 'pattern matches zero-length string' });
          return { match, pattern: null };
        }
        stats.compiled++;
        const used = templateGroups(match);
        const differing = outcome.pattern.clearedByRepeats.filter((g) => used.has(g));
        if (differing.length > 0)
          stats.approximate.push({
            line: match.line,
            message: `groups ${differing.join(', ')} may differ from PCRE2's after a repetition`,
          });
        if (outcome.pattern.firstBytes !== null) stats.anchored++;
        if (outcome.pattern.minLength > 256) stats.longerThanBanner++;
        return { match, pattern: outcome.pattern };
      });
      return { probe, lines, chain: [], candidates: new Array(256) };
    });
    stats.errors.sort((a, b) => a.line - b.line);
    stats.parseMs = performance.now() - started;
    return new ServiceDatabase(source, probes, stats, file.exclude);
  }

  probe(proto: 'TCP' | 'UDP', name: string): CompiledProbe | undefined {
    return this.byName.get(key(proto, name));
  }
}

function key(proto: string, name: string): string {
  return `${proto}/${name}`;
}

/** Indices of the lines of a probe that may match a subject starting with this byte, in file order. */
export function candidateLines(probe: CompiledProbe, firstByte: number): Int32Array {
  let list = probe.candidates[firstByte];
  if (list === undefined) {
    const out: number[] = [];
    probe.lines.forEach((l, i) => {
      if (l.pattern === null) return;
      if (l.pattern.firstBytes === null || l.pattern.firstBytes.has(firstByte)) out.push(i);
    });
    list = Int32Array.from(out);
    probe.candidates[firstByte] = list;
  }
  return list;
}

/** Group numbers the version templates of a line substitute ($n, $P(n), $SUBST(n,...), $I(n,...)). */
function templateGroups(match: MatchLine): Set<number> {
  const t = match.templates;
  const text = [t.product, t.version, t.info, t.hostname, t.os, t.deviceType, ...t.cpe].join(' ');
  const out = new Set<number>();
  for (const m of text.matchAll(/\$(?:(\d)|[A-Z]+\(\s*(\d+))/g)) out.add(Number(m[1] ?? m[2]));
  return out;
}
