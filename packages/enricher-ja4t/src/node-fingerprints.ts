import { BoundedLru } from '@glia/core';

/** Distinct client JA4Ts kept per IP; the oldest is forgotten first. */
export const MAX_JA4T_PER_NODE = 8;
/** Server ports with a JA4TS kept per IP; the least recently seen port is forgotten first. */
export const MAX_PORTS_PER_NODE = 64;

/** The passive TCP fingerprints of one node (IP) of the service graph. */
export interface NodeFingerprints {
  ip: string;
  /** Distinct JA4Ts this IP sent as a client, least recently seen first (at most 8). */
  ja4t: string[];
  /** The JA4T of the latest SYN from this IP. */
  lastJa4t?: string;
  /** JA4TS of this IP as a server, per port: the latest SYN-ACK's (at most 64 ports). */
  ja4ts: Array<{ port: number; ja4ts: string }>;
}

interface NodeEntry {
  ja4t: string[];
  /** Made on the node's first SYN-ACK: most nodes are only ever clients. */
  ja4ts: Map<number, string> | null;
}

/** Per-IP fingerprints in a bounded LRU, fed by SYNs (client side) and SYN-ACKs (server side). */
export class NodeFingerprintStore {
  private readonly nodes: BoundedLru<string, NodeEntry>;

  constructor(maxNodes: number) {
    this.nodes = new BoundedLru(maxNodes);
  }

  get size(): number {
    return this.nodes.size;
  }

  get evictions(): number {
    return this.nodes.evictions;
  }

  recordClient(ip: string, ja4t: string): void {
    const entry = this.entry(ip);
    const list = entry.ja4t;
    // The usual case: the client's stack sent the same SYN as last time.
    if (list.length > 0 && list[list.length - 1] === ja4t) return;
    const at = list.indexOf(ja4t);
    if (at >= 0) entry.ja4t.splice(at, 1);
    else if (entry.ja4t.length >= MAX_JA4T_PER_NODE) entry.ja4t.shift();
    entry.ja4t.push(ja4t);
  }

  recordServer(ip: string, port: number, ja4ts: string): void {
    const entry = this.entry(ip);
    const ports = (entry.ja4ts ??= new Map());
    if (ports.has(port)) ports.delete(port);
    else if (ports.size >= MAX_PORTS_PER_NODE) {
      const oldest = ports.keys().next();
      if (!oldest.done) ports.delete(oldest.value);
    }
    ports.set(port, ja4ts);
  }

  lastJa4t(ip: string): string | undefined {
    const list = this.nodes.peek(ip)?.ja4t;
    return list === undefined || list.length === 0 ? undefined : list[list.length - 1];
  }

  ja4ts(ip: string, port: number): string | undefined {
    return this.nodes.peek(ip)?.ja4ts?.get(port);
  }

  view(ip: string): NodeFingerprints | undefined {
    const entry = this.nodes.peek(ip);
    if (entry === undefined) return undefined;
    const view: NodeFingerprints = {
      ip,
      ja4t: [...entry.ja4t],
      ja4ts: [...(entry.ja4ts ?? [])].map(([port, ja4ts]) => ({ port, ja4ts })),
    };
    if (entry.ja4t.length > 0) view.lastJa4t = entry.ja4t[entry.ja4t.length - 1];
    return view;
  }

  clear(): void {
    this.nodes.clear();
  }

  private entry(ip: string): NodeEntry {
    let entry = this.nodes.get(ip);
    if (entry === undefined) {
      entry = { ja4t: [], ja4ts: null };
      this.nodes.set(ip, entry);
    }
    return entry;
  }
}
