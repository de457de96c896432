import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadRuleFile } from '../ruleset/rule-file.js';
import { refusedOutcome, reloadParsedRules, type Reloadable, type ReloadOutcome } from './rules-reload.js';

export type { Reloadable, ReloadOutcome };

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
    let outcome: ReloadOutcome;
    try {
      outcome = reloadParsedRules(target, await loadRuleFile(path), path);
    } catch (error) {
      outcome = refusedOutcome(target, path, error);
    }
    try {
      onReload?.(outcome);
    } catch {
      // A failing report must not turn into an unhandled rejection of the watcher's reload.
    }
    return outcome;
  }
}
