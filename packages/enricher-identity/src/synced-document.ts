import type { DeltaPosition, SequencedDelta } from './overlay/delta-sequence.js';
import { DeltaSync, type ReceiveOutcome } from './overlay/delta-sync.js';
import type { DocumentSource } from './sources/document-source.js';

export interface SyncedDocumentOptions<S, D extends SequencedDelta> {
  source: DocumentSource;
  /** Reads a fetched document; throws an Error naming the source and the problem. */
  parse(body: Buffer, source: string): S;
  readDelta(json: unknown): { delta: D } | { problem: string };
  /** Puts a document in force with no deltas over it (a new one, or the last one again after a 304). */
  replace(document: S): void;
  /** Applies a delta; false asks for a resync instead (the overlay is full). */
  apply(delta: D): boolean;
  retryMs?: number;
  onResync?(reason: string): void;
  onRepulled?(): void;
  onRepullFailed?(error: unknown): void;
}

export type DeltaOutcome = ReceiveOutcome | 'invalid';

/**
 * A document (the identity baseline, the declared edges) with the deltas that follow it: loaded
 * from its source, kept in step by a DeltaSync, and re-pulled when the sequence says so. A re-pull
 * answered by 304 puts the last document back without its deltas.
 */
export class SyncedDocument<S, D extends SequencedDelta> {
  readonly sync: DeltaSync<D>;
  private last: S | null = null;
  invalidDeltas = 0;
  lastInvalid: string | null = null;

  constructor(private readonly options: SyncedDocumentOptions<S, D>) {
    this.sync = new DeltaSync<D>({
      apply: (d) => options.apply(d),
      repull: () => this.pull(),
      ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
      ...(options.onResync !== undefined ? { onResync: options.onResync } : {}),
      ...(options.onRepulled !== undefined ? { onRepulled: options.onRepulled } : {}),
      ...(options.onRepullFailed !== undefined ? { onRepullFailed: options.onRepullFailed } : {}),
    });
  }

  get source(): DocumentSource {
    return this.options.source;
  }

  get loaded(): boolean {
    return this.last !== null;
  }

  /** The first load; throws when the source cannot be read or parsed. */
  async load(): Promise<void> {
    this.sync.start(await this.pull());
  }

  /** Reads one delta event's JSON; a delta that does not parse is counted and left out. */
  receive(json: unknown): DeltaOutcome {
    const read = this.options.readDelta(json);
    if ('problem' in read) {
      this.invalidDeltas++;
      this.lastInvalid = read.problem;
      return 'invalid';
    }
    return this.sync.receive(read.delta);
  }

  close(): void {
    this.sync.close();
  }

  private async pull(): Promise<DeltaPosition | null> {
    const { source } = this.options;
    const fetched = await source.fetch();
    if (fetched === null) {
      if (this.last === null) throw new Error(`${source.describe()}: 304 Not Modified before any document`);
      this.options.replace(this.last);
      return source.position;
    }
    const document = this.options.parse(fetched.body, source.describe());
    this.last = document;
    this.options.replace(document);
    return fetched.position;
  }
}
