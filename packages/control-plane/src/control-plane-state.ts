import { createHash, randomBytes } from 'node:crypto';
import {
  buildIdentityMmdb,
  edgeLineText,
  STREAM_EVENTS,
  type EdgeLine,
  type InventoryEntry,
} from '@glia/enricher-identity';
import { EventHistory, type StreamEvent } from './event-history.js';
import { diffInventory, diffLines } from './inventory-diff.js';

/** A document the server hands out, with where it stands in its deltas. */
export interface VersionedDocument {
  body: Buffer;
  seq: number;
  etag: string;
}

/**
 * What the control plane serves, and the deltas between its versions (DESIGN §7): the inventory
 * (identity), the declared edges and the rules. Each change to the inventory or the edges becomes a
 * delta with the next seq of its feed; the epoch is new for every start, so an agent that saw an
 * earlier run re-pulls. The baseline MMDB is built lazily, once per inventory seq.
 */
export class ControlPlaneState {
  readonly epoch: string;
  private n = 0;
  private identitySeq = 0;
  private edgesSeq = 0;
  private inventory = new Map<string, InventoryEntry>();
  private edges = new Set<string>();
  private rules: { version: string; text: string } | null = null;
  private readonly history: EventHistory;
  private readonly listeners = new Set<(event: StreamEvent) => void>();
  private baselineCache: VersionedDocument | null = null;

  constructor(options: { historySize?: number; epoch?: string } = {}) {
    this.epoch = options.epoch ?? `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    this.history = new EventHistory(options.historySize ?? 10_000);
  }

  get positions(): { identity: number; edges: number; events: number } {
    return { identity: this.identitySeq, edges: this.edgesSeq, events: this.n };
  }

  get inventorySize(): number {
    return this.inventory.size;
  }

  /** Replaces the inventory; publishes the delta when something changed. Returns the delta's seq, or null. */
  setInventory(entries: readonly InventoryEntry[]): number | null {
    const next = new Map(entries.map((e) => [e.key, e]));
    const { upserts, removes } = diffInventory(this.inventory, next);
    this.inventory = next;
    if (upserts.length === 0 && removes.length === 0) return null;
    this.identitySeq++;
    this.publish(STREAM_EVENTS.identity, { epoch: this.epoch, seq: this.identitySeq, upserts, removes });
    return this.identitySeq;
  }

  /** Replaces the declared edges; publishes the delta of lines when something changed. */
  setEdges(lines: readonly EdgeLine[]): number | null {
    const next = new Set(lines.map(edgeLineText));
    const { added, removed } = diffLines(this.edges, next);
    this.edges = next;
    if (added.length === 0 && removed.length === 0) return null;
    this.edgesSeq++;
    this.publish(STREAM_EVENTS.edges, { epoch: this.epoch, seq: this.edgesSeq, added, removed });
    return this.edgesSeq;
  }

  /** Replaces the rule set (its text, checked by the agents); publishes it when it changed. */
  setRules(text: string | null): boolean {
    const version = text === null ? null : createHash('sha256').update(text).digest('hex').slice(0, 16);
    if (version === (this.rules?.version ?? null)) return false;
    this.rules = text === null || version === null ? null : { version, text };
    if (this.rules !== null) this.publish(STREAM_EVENTS.rules, this.rules);
    return true;
  }

  /** The baseline MMDB of the inventory as it is now. */
  baseline(): VersionedDocument {
    if (this.baselineCache?.seq !== this.identitySeq) {
      this.baselineCache = {
        body: buildIdentityMmdb([...this.inventory.values()], {
          description: `glia control plane epoch ${this.epoch} seq ${this.identitySeq}`,
        }),
        seq: this.identitySeq,
        etag: `"${this.epoch}-${this.identitySeq}"`,
      };
    }
    return this.baselineCache;
  }

  /** The declared edges as a file, sorted. */
  edgesDocument(): VersionedDocument {
    const text = [...this.edges].sort().join('\n');
    return {
      body: Buffer.from(text === '' ? '' : `${text}\n`),
      seq: this.edgesSeq,
      etag: `"${this.epoch}-${this.edgesSeq}"`,
    };
  }

  /**
   * What a connection gets first: the events it missed since Last-Event-ID when they are still
   * kept, then the heads (each feed's position) and the rules. A head that does not match an
   * agent's position makes it resync, so a gap in the replay cannot go unnoticed.
   */
  greeting(lastEventId: string | undefined): StreamEvent[] {
    const replay = this.replayAfter(lastEventId);
    const id = `${this.epoch}:${this.n}`;
    const heads: StreamEvent[] = [
      {
        id,
        n: this.n,
        name: STREAM_EVENTS.identity,
        data: JSON.stringify({
          epoch: this.epoch,
          seq: this.identitySeq,
          head: true,
          upserts: [],
          removes: [],
        }),
      },
      {
        id,
        n: this.n,
        name: STREAM_EVENTS.edges,
        data: JSON.stringify({ epoch: this.epoch, seq: this.edgesSeq, head: true, added: [], removed: [] }),
      },
    ];
    if (this.rules !== null)
      heads.push({ id, n: this.n, name: STREAM_EVENTS.rules, data: JSON.stringify(this.rules) });
    return [...replay, ...heads];
  }

  subscribe(listener: (event: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private replayAfter(lastEventId: string | undefined): StreamEvent[] {
    if (lastEventId === undefined) return [];
    const colon = lastEventId.lastIndexOf(':');
    if (colon < 0 || lastEventId.slice(0, colon) !== this.epoch) return [];
    const n = Number(lastEventId.slice(colon + 1));
    if (!Number.isSafeInteger(n)) return [];
    return this.history.after(n, this.n) ?? [];
  }

  private publish(name: string, data: unknown): void {
    this.n++;
    const event: StreamEvent = { id: `${this.epoch}:${this.n}`, n: this.n, name, data: JSON.stringify(data) };
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }
}
