import { BoundedLru } from '@glia/core';

/** What the enricher keeps of one ClientHello. */
export interface TlsFacts {
  /** The first host_name of the server_name extension, lower case; undefined without SNI. */
  sni?: string;
  /** ALPN protocols offered; undefined without the ALPN extension. */
  alpn?: readonly string[];
}

interface Stored {
  facts: TlsFacts;
  expires: bigint;
}

/** The 4-tuple of one TCP connection, client side first. */
export interface TlsConnection {
  client: string;
  clientPort: number;
  server: string;
  serverPort: number;
}

/**
 * TLS facts by connection (client ip:port → server ip:port) and by edge (client ip → server
 * ip:port, the latest hello's), each a bounded LRU whose entries expire `ttlNs` of packet time
 * after they were written. The edge entry lets an observation of another connection of the same
 * edge (a later flow report, the next SYN) carry the name the client last asked that server for.
 */
export class TlsEdgeStore {
  private readonly connections: BoundedLru<string, Stored>;
  private readonly edges: BoundedLru<string, Stored>;

  constructor(
    maxEntries: number,
    private readonly ttlNs: bigint,
  ) {
    this.connections = new BoundedLru(maxEntries);
    this.edges = new BoundedLru(maxEntries);
  }

  get size(): { connections: number; edges: number } {
    return { connections: this.connections.size, edges: this.edges.size };
  }

  get evictions(): number {
    return this.connections.evictions + this.edges.evictions;
  }

  record(c: TlsConnection, facts: TlsFacts, now: bigint): void {
    const stored: Stored = { facts, expires: now + this.ttlNs };
    this.connections.set(connectionKey(c), stored);
    this.edges.set(edgeKey(c), stored);
  }

  /** The facts of this connection's own hello, else of the edge's latest hello; undefined if none live. */
  lookup(c: TlsConnection, now: bigint): TlsFacts | undefined {
    // No hello seen (most traffic of a host without TLS): no keys to build.
    if (this.connections.size === 0 && this.edges.size === 0) return undefined;
    return live(this.connections, connectionKey(c), now) ?? live(this.edges, edgeKey(c), now);
  }

  clear(): void {
    this.connections.clear();
    this.edges.clear();
  }
}

function live(lru: BoundedLru<string, Stored>, key: string, now: bigint): TlsFacts | undefined {
  const stored = lru.peek(key);
  if (stored === undefined) return undefined;
  if (stored.expires <= now) {
    lru.delete(key);
    return undefined;
  }
  return stored.facts;
}

function connectionKey(c: TlsConnection): string {
  return `${c.client}:${c.clientPort}>${c.server}:${c.serverPort}`;
}

function edgeKey(c: TlsConnection): string {
  return `${c.client}>${c.server}:${c.serverPort}`;
}
