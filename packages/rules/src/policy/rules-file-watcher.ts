import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { errorMessage } from '@glia/core';
import type { RuleSetSettings } from '../ruleset/compile-rules.js';
import { formatProblem, type RuleProblem } from '../ruleset/problem.js';
import { loadRuleFile } from '../ruleset/rule-file.js';
import type { RuleSet } from '../ruleset/rule-set.js';
import type { ReloadResult, RuleSource } from './policy-stage.js';

/** Something rules can be reloaded into: the policy stage. */
export interface Reloadable {
  reload(rules: RuleSource, rulesFile?: string, settings?: RuleSetSettings): ReloadResult;
  /** Counts a reload refused before it got to `reload` (the file does not parse or cannot be read). */
  refuseReload(problems: RuleProblem[]): ReloadResult;
  readonly rules: RuleSet;
}

export interface ReloadOutcome extends ReloadResult {
  /** One line for the log: what is in force now and why. */
  message: string;
}

export interface RulesFileWatcherOptions {
  path: string;
  target: Reloadable;
  /** Called after every reload attempt, good or bad. */
  onReload?: (outcome: ReloadOutcome) => void;
  /** Editors write in bursts; changes within this many ms make one reload. Default 200. */
  debounceMs?: number;
}

/**
 * Reloads a rule file when it changes (fs.watch on its directory, so editors that save by rename
 * are seen) and whenever reload() is called, which is the hook for SIGHUP. A file with any problem
 * (or any failure reading or compiling it) leaves the rules in force untouched, is counted by the
 * target and reported through onReload; reload() never rejects.
 */
export class RulesFileWatcher {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RulesFileWatcherOptions) {}

  start(): void {
    if (this.watcher !== null) return;
    const name = basename(this.options.path);
    this.watcher = watch(dirname(this.options.path), (_event, file) => {
      if (file !== null && file !== name) return;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.reload();
      }, this.options.debounceMs ?? 200);
    });
    this.watcher.unref();
  }

  /** Reads, checks and applies the file now; reloads never overlap. */
  reload(): Promise<ReloadOutcome> {
    const next = this.chain.then(() => this.reloadNow());
    this.chain = next.catch(() => undefined);
    return next;
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }

  private async reloadNow(): Promise<ReloadOutcome> {
    const { path, target, onReload } = this.options;
    let result: ReloadResult;
    let count = 0;
    try {
      const parsed = await loadRuleFile(path);
      count = parsed.rules.length;
      result =
        parsed.problems.length > 0
          ? target.refuseReload(parsed.problems)
          : target.reload(parsed.rules, path, parsed.settings);
    } catch (error) {
      result = target.refuseReload([
        { file: path, message: `the rule file could not be loaded: ${errorMessage(error)}` },
      ]);
    }
    const outcome: ReloadOutcome = { ...result, message: describe(path, result.problems, result.ok, count) };
    try {
      onReload?.(outcome);
    } catch {
      // A failing report must not turn into an unhandled rejection of the watcher's reload.
    }
    return outcome;
  }
}

function describe(path: string, problems: readonly RuleProblem[], ok: boolean, count: number): string {
  if (ok) return `${path}: ${count} rule${count === 1 ? '' : 's'} in force`;
  return `${path}: kept the rules in force; the new file has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.map(formatProblem).join('\n  ')}`;
}
