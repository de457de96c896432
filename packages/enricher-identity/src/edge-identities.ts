import { BoundedLru, type Observation } from '@glia/core';
import type { DeclaredEdges, EdgeDecision, EdgeEndpoint } from './edges/declared-edges.js';
import type { IdentityStore } from './identity-store.js';
import { UNKNOWN_NAMESPACE, type IdentityRecord } from './record/identity-record.js';

/** What identity knows about one edge: both ends and, with declared edges, the decision. */
export interface EdgeFacts {
  src: IdentityRecord | null;
  dst: IdentityRecord | null;
  decision: EdgeDecision | null;
}

interface Cached extends EdgeFacts {
  version: number;
}

/**
 * Identity per edge (client, server, server port), cached: the fields of one observation are read
 * from one entry, and repeated observations of an edge (SYN, SYN-ACK, flow) reuse it. Any change
 * to identities or edges moves `version`, which makes every entry stale at once.
 */
export class EdgeIdentities {
  private readonly cache: BoundedLru<string, Cached>;
  private lastObservation: Observation | null = null;
  private lastFacts: Cached | null = null;
  /** Bumped by the owner whenever identities or declared edges change. */
  version = 0;

  constructor(
    private readonly store: IdentityStore,
    private readonly edges: () => DeclaredEdges | null,
    capacity: number,
  ) {
    this.cache = new BoundedLru(capacity);
  }

  get evictions(): number {
    return this.cache.evictions;
  }

  of(o: Observation): EdgeFacts {
    // The policy stage reads several fields of one observation in a row.
    if (o === this.lastObservation && this.lastFacts !== null && this.lastFacts.version === this.version)
      return this.lastFacts;
    const key = `${o.client}|${o.server}|${o.serverPort}`;
    let facts = this.cache.get(key);
    if (facts === undefined || facts.version !== this.version) {
      const src = this.store.lookup(o.client);
      const dst = this.store.lookup(o.server);
      const declared = this.edges();
      facts = {
        version: this.version,
        src,
        dst,
        decision:
          declared === null
            ? null
            : declared.decide(endpoint(src, o.client), endpoint(dst, o.server), o.serverPort),
      };
      this.cache.set(key, facts);
    }
    this.lastObservation = o;
    this.lastFacts = facts;
    return facts;
  }
}

/** The endpoint of an address for declared edges: its workload, or `host/<ip>` (DESIGN §7). */
export function endpoint(record: IdentityRecord | null, ip: string): EdgeEndpoint {
  return record === null ? { namespace: UNKNOWN_NAMESPACE, workload: ip } : record;
}
