import type { TransportProto } from '@glia/core';
import type { NodeFacts, ServiceFact } from './slice.js';

/** How many values of each kind one node keeps; the oldest is forgotten first. */
export const FACT_LIMITS = { ja4t: 8, ja4ts: 64, services: 64, dns_names: 16, tls_names: 16 } as const;

/**
 * The facts of one address, each kind a small bounded set in first-seen order. Adding a value
 * already known changes nothing and says so, so the owner knows whether the node is dirty.
 */
export class NodeFactSet {
  private readonly ja4t: string[] = [];
  private readonly ja4ts = new Map<number, string>();
  private readonly services = new Map<string, ServiceFact>();
  private readonly dnsNames: string[] = [];
  private readonly tlsNames: string[] = [];

  addJa4t(value: string): boolean {
    return addBounded(this.ja4t, value, FACT_LIMITS.ja4t);
  }

  addJa4ts(port: number, value: string): boolean {
    if (this.ja4ts.get(port) === value) return false;
    if (!this.ja4ts.has(port) && this.ja4ts.size >= FACT_LIMITS.ja4ts) this.ja4ts.delete(first(this.ja4ts));
    this.ja4ts.set(port, value);
    return true;
  }

  /** Merges what is known about the service on a port; a later, more specific value wins. */
  addService(fact: ServiceFact): boolean {
    const key = `${fact.port}/${fact.proto}`;
    const known = this.services.get(key);
    const merged = mergeService(known, fact);
    if (known !== undefined && sameService(known, merged)) return false;
    if (known === undefined && this.services.size >= FACT_LIMITS.services)
      this.services.delete(first(this.services));
    this.services.set(key, merged);
    return true;
  }

  addDnsName(name: string): boolean {
    return addBounded(this.dnsNames, name, FACT_LIMITS.dns_names);
  }

  addTlsName(name: string): boolean {
    return addBounded(this.tlsNames, name, FACT_LIMITS.tls_names);
  }

  /** A copy in the wire format, ports and names in a stable order. */
  toFacts(): NodeFacts {
    return {
      ja4t: [...this.ja4t],
      ja4ts: [...this.ja4ts].map(([port, ja4ts]) => ({ port, ja4ts })).sort((a, b) => a.port - b.port),
      services: [...this.services.values()]
        .map((s) => ({ ...s, ...(s.cpe === undefined ? {} : { cpe: [...s.cpe] }) }))
        .sort(byPort),
      dns_names: [...this.dnsNames],
      tls_names: [...this.tlsNames],
    };
  }
}

/** The union of several agents' facts about one address (each kind bounded as on the agent). */
export function mergeFacts(all: readonly NodeFacts[]): NodeFacts {
  const set = new NodeFactSet();
  for (const facts of all) {
    for (const v of facts.ja4t) set.addJa4t(v);
    for (const { port, ja4ts } of facts.ja4ts) set.addJa4ts(port, ja4ts);
    for (const s of facts.services) set.addService(s);
    for (const n of facts.dns_names) set.addDnsName(n);
    for (const n of facts.tls_names) set.addTlsName(n);
  }
  return set.toFacts();
}

export function emptyFacts(): NodeFacts {
  return { ja4t: [], ja4ts: [], services: [], dns_names: [], tls_names: [] };
}

const SERVICE_KEYS = ['service', 'product', 'version', 'info'] as const;

function mergeService(known: ServiceFact | undefined, next: ServiceFact): ServiceFact {
  const merged: ServiceFact = { port: next.port, proto: next.proto as TransportProto };
  for (const key of SERVICE_KEYS) {
    const value = next[key] ?? known?.[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const cpe = next.cpe !== undefined && next.cpe.length > 0 ? next.cpe : known?.cpe;
  if (cpe !== undefined && cpe.length > 0) merged.cpe = [...cpe];
  return merged;
}

function sameService(a: ServiceFact, b: ServiceFact): boolean {
  for (const key of SERVICE_KEYS) if (a[key] !== b[key]) return false;
  return (a.cpe ?? []).join('\n') === (b.cpe ?? []).join('\n');
}

function byPort(a: ServiceFact, b: ServiceFact): number {
  return a.port - b.port || (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : 0);
}

function addBounded(list: string[], value: string, limit: number): boolean {
  if (list.includes(value)) return false;
  if (list.length >= limit) list.shift();
  list.push(value);
  return true;
}

function first<K, V>(map: Map<K, V>): K {
  return map.keys().next().value as K;
}
