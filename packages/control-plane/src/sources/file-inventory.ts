import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { errorMessage, silentLogger, type Logger } from '@glia/core';
import {
  formatEdgesProblem,
  formatInventoryProblem,
  parseInventory,
  parsePolicyEdges,
} from '@glia/enricher-identity';
import type { ControlPlaneState } from '../control-plane-state.js';

export interface FileSourcesOptions {
  state: ControlPlaneState;
  /** Inventory YAML (`glia identity build`'s input). */
  inventory?: string;
  /** Declared edges text. */
  edges?: string;
  /** A rule file pushed to the agents as is. */
  rules?: string;
  logger?: Logger;
  debounceMs?: number;
}

type Kind = 'inventory' | 'edges' | 'rules';

/**
 * The control plane's inventory, edges and rules from files, watched: a change becomes a delta
 * with the next seq (or a new rule set). A file with a problem leaves what is served untouched
 * and says where the problem is; at start it is an error.
 */
export class FileSources {
  private watchers: FSWatcher[] = [];
  private timers = new Map<Kind, NodeJS.Timeout>();
  private readonly logger: Logger;
  /** Reloads refused for a problem in the file, by kind. */
  readonly refused: Record<Kind, number> = { inventory: 0, edges: 0, rules: 0 };

  constructor(private readonly options: FileSourcesOptions) {
    this.logger = options.logger ?? silentLogger();
  }

  /** Loads every file (throws, naming the problems, when one is bad), then watches them. */
  async start(): Promise<void> {
    for (const kind of ['inventory', 'edges', 'rules'] as const) {
      const path = this.options[kind];
      if (path === undefined) continue;
      const problem = await this.load(kind, path);
      if (problem !== null) throw new Error(problem);
      this.watchFile(kind, path);
    }
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Reads one file and puts it in force; returns the problem instead when it has one. */
  async load(kind: Kind, path: string): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      return `${path}: ${errorMessage(error)}`;
    }
    const { state } = this.options;
    if (kind === 'inventory') {
      const { entries, problems } = parseInventory(text, path);
      if (problems.length > 0) return problems.map(formatInventoryProblem).join('\n');
      const seq = state.setInventory(entries);
      if (seq !== null)
        this.logger.info({ entries: entries.length, seq }, `control plane: inventory ${path} loaded`);
    } else if (kind === 'edges') {
      const { lines, problems } = parsePolicyEdges(text, path);
      if (problems.length > 0) return problems.map(formatEdgesProblem).join('\n');
      const seq = state.setEdges(lines);
      if (seq !== null) this.logger.info({ lines: lines.length, seq }, `control plane: edges ${path} loaded`);
    } else if (state.setRules(text)) {
      this.logger.info(`control plane: rules ${path} loaded (the agents check them)`);
    }
    return null;
  }

  private watchFile(kind: Kind, path: string): void {
    const name = basename(path);
    const watcher = watch(dirname(path), (_event, file) => {
      if (file !== null && file !== name) return;
      const pending = this.timers.get(kind);
      if (pending !== undefined) clearTimeout(pending);
      this.timers.set(
        kind,
        setTimeout(() => {
          this.timers.delete(kind);
          void this.load(kind, path).then((problem) => {
            if (problem === null) return;
            this.refused[kind]++;
            this.logger.error(`control plane: kept the ${kind} in force; ${problem}`);
          });
        }, this.options.debounceMs ?? 100),
      );
    });
    watcher.unref();
    this.watchers.push(watcher);
  }
}
