import vm from 'node:vm';
import type { BacktrackingBound } from '../regex/pcre-analysis.js';
import { execPattern } from '../regex/translate.js';
import { substituteTemplates, type VersionInfo } from '../version/substitute.js';
import { candidateLines, type CompiledProbe } from './service-database.js';

/** A service identified from one response. */
export interface ServiceIdentification extends VersionInfo {
  service: string;
  soft: boolean;
  /** Line of nmap-service-probes that matched. */
  line: number;
  /** The probe whose line matched (the response's own probe, a fallback, or NULL). */
  matchedProbe: string;
}

export interface MatcherOptions {
  /** Time one pattern may run on one subject before it counts as no match (ms). */
  budgetMs: number;
  /** Bytes of a response matched at most; a longer response is cut there. */
  maxSubjectBytes: number;
  /** Timed-out patterns after which the rest of a subject is given up. */
  maxTimeoutsPerSubject: number;
  /** Timeouts after which a line is never run again. */
  quarantineAfter: number;
}

/**
 * A line runs without the time budget's per-call cost when its backtracking bound on this subject
 * (factor × n^degree attempts, each scanning up to n bytes) is at most this many steps: a few
 * milliseconds of RegExp work at the very worst. The first line that is not moves the rest of the
 * scan under the budget.
 */
export const UNGUARDED_MAX_STEPS = 1 << 20;

export const MATCHER_DEFAULTS: MatcherOptions = {
  budgetMs: 20,
  maxSubjectBytes: 4096,
  maxTimeoutsPerSubject: 2,
  quarantineAfter: 3,
};

/**
 * Appended to a subject that was cut (a 256-byte banner, or a response past maxSubjectBytes). No
 * translated pattern can consume a character above 0xFF, so `$`, `\z` and anything needing the
 * bytes after the cut cannot match there: a cut subject only matches lines that would match
 * whatever followed.
 */
export const CUT_MARK = '\u0100';

export interface MatcherCounters {
  subjects: number;
  identified: number;
  /** Pattern runs stopped at the time budget (PCRE2's match limit plays this part in nmap). */
  timeouts: number;
  /** Subjects given up after maxTimeoutsPerSubject timeouts. */
  abandoned: number;
  /** Lines no longer run after quarantineAfter timeouts. */
  quarantined: number;
  /** Pattern executions. */
  executions: number;
  /** Subjects that needed the time budget (a line of too high a backtracking bound was reached). */
  guarded: number;
  /** Budget calls restarted at the line they ran out in (the lines before it used the budget up). */
  restarts: number;
}

interface ScanState {
  chain: readonly CompiledProbe[];
  subject: string;
  firstByte: number;
  chainIndex: number;
  position: number;
  /** The line running now: reported when the budget stops it. */
  current: number;
  result: ServiceIdentification | null;
  /** Under the budget; when false the scan stops before a line whose bound is too high. */
  guard: boolean;
  /** chainIndex × 10^6 + position of the line last restarted after a timeout (-1: none). */
  retried: number;
}

/**
 * Runs a response through a probe's fallback chain as nmap's servicescan_read_handler does: for
 * each probe of the chain, its lines in file order; the first line that matches, soft or hard, is
 * the answer. Every run is bounded in time: V8's RegExp cannot be interrupted from inside, so the
 * scan runs under node:vm's timeout, which terminates a runaway pattern; that pattern counts as no
 * match (as nmap treats PCRE2_ERROR_MATCHLIMIT) and the scan goes on from the next line. The
 * watchdog costs some 50 µs per call, so the scan first runs directly the lines whose backtracking
 * bound on this subject is small (UNGUARDED_MAX_STEPS), and enters the budget only at the first
 * line whose bound is not.
 */
export class ResponseMatcher {
  readonly counters: MatcherCounters = {
    subjects: 0,
    identified: 0,
    timeouts: 0,
    abandoned: 0,
    quarantined: 0,
    executions: 0,
    guarded: 0,
    restarts: 0,
  };
  /** Line numbers stopped by the budget, with how often. */
  readonly slowLines = new Map<number, number>();
  private readonly quarantine = new Set<number>();
  private readonly context = vm.createContext({ scan: null });
  private readonly script = new vm.Script('scan()');
  private state: ScanState | null = null;

  constructor(private readonly options: MatcherOptions = MATCHER_DEFAULTS) {
    this.context.scan = () => this.scan();
  }

  /**
   * Matches a response (latin1) to the probe that elicited it. `cut` says the bytes are a prefix
   * of a longer response (a banner at its size limit).
   */
  match(probe: CompiledProbe, response: string, cut: boolean): ServiceIdentification | null {
    if (response.length === 0) return null;
    this.counters.subjects++;
    let subject = response;
    if (subject.length > this.options.maxSubjectBytes) {
      subject = subject.slice(0, this.options.maxSubjectBytes);
      cut = true;
    }
    if (cut) subject += CUT_MARK;
    const state: ScanState = {
      chain: probe.chain,
      subject,
      firstByte: subject.charCodeAt(0),
      chainIndex: 0,
      position: 0,
      current: -1,
      result: null,
      guard: false,
      retried: -1,
    };
    this.state = state;
    let timeouts = 0;
    try {
      this.scan();
      if (state.result !== null || state.chainIndex >= state.chain.length) {
        if (state.result !== null) this.counters.identified++;
        return state.result;
      }
      state.guard = true;
      this.counters.guarded++;
      for (;;) {
        try {
          this.script.runInContext(this.context, { timeout: this.options.budgetMs });
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
          // The budget covers a whole call: the line it ran out in gets a call of its own first,
          // and only a line that overruns alone is slow.
          const at = state.chainIndex * 1_000_000 + state.position;
          if (at !== state.retried) {
            state.retried = at;
            this.counters.restarts++;
            continue;
          }
          this.onTimeout(state.current);
          state.position++;
          if (++timeouts >= this.options.maxTimeoutsPerSubject) {
            this.counters.abandoned++;
            return null;
          }
        }
      }
    } finally {
      this.state = null;
    }
    if (state.result !== null) this.counters.identified++;
    return state.result;
  }

  private onTimeout(line: number): void {
    this.counters.timeouts++;
    const n = (this.slowLines.get(line) ?? 0) + 1;
    this.slowLines.set(line, n);
    if (n >= this.options.quarantineAfter && !this.quarantine.has(line)) {
      this.quarantine.add(line);
      this.counters.quarantined++;
    }
  }

  private scan(): void {
    const s = this.state;
    if (s === null) return;
    for (; s.chainIndex < s.chain.length; s.chainIndex++, s.position = 0) {
      const probe = s.chain[s.chainIndex];
      const list = candidateLines(probe, s.firstByte);
      for (; s.position < list.length; s.position++) {
        const line = probe.lines[list[s.position]];
        if (this.quarantine.has(line.match.line)) continue;
        if (!s.guard && !cheap(line.pattern!.backtracking, s.subject.length)) return;
        s.current = line.match.line;
        this.counters.executions++;
        const groups = execPattern(line.pattern!, s.subject);
        if (groups === null) continue;
        s.result = {
          service: line.match.service,
          soft: line.match.soft,
          line: line.match.line,
          matchedProbe: probe.probe.name,
          ...substituteTemplates(line.match.templates, groups),
        };
        return;
      }
    }
  }
}

/** Whether a line's backtracking bound on an n-byte subject is within UNGUARDED_MAX_STEPS. */
function cheap(bound: BacktrackingBound, n: number): boolean {
  return (
    bound.degree !== Infinity &&
    bound.factor * Math.pow(Math.max(n, 2), bound.degree + 1) <= UNGUARDED_MAX_STEPS
  );
}
