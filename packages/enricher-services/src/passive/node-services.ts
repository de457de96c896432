import { BoundedLru } from '@glia/core';
import type { ServiceIdentification } from '../match/response-matcher.js';

/** Server ports with a service kept per node; the least recently identified is forgotten first. */
export const MAX_PORTS_PER_NODE = 64;

/** The service detected on one server port of a node (DESIGN §4: the service graph's nodes). */
export interface PortService extends ServiceIdentification {
  port: number;
  proto: 'tcp';
  /** Packet time (ns) of the first and the latest identification. */
  firstSeen: bigint;
  lastSeen: bigint;
}

/** The services of one node (IP) of the service graph, by server port. */
export interface NodeServices {
  ip: string;
  services: PortService[];
}

/**
 * Port → service per node in a bounded LRU of nodes, with nmap's merge rule for one port: a hard
 * match replaces what was there (the latest wins, so an upgraded server shows its new version),
 * a softmatch only fills a port that has nothing yet.
 */
export class NodeServiceStore {
  private readonly nodes: BoundedLru<string, Map<number, PortService>>;

  constructor(maxNodes: number) {
    this.nodes = new BoundedLru(maxNodes);
  }

  get size(): number {
    return this.nodes.size;
  }

  get evictions(): number {
    return this.nodes.evictions;
  }

  /** Records an identification; true when the port's service, product or version changed. */
  record(ip: string, port: number, found: ServiceIdentification, ts: bigint): boolean {
    let ports = this.nodes.get(ip);
    if (ports === undefined) {
      ports = new Map();
      this.nodes.set(ip, ports);
    }
    const old = ports.get(port);
    if (old !== undefined && found.soft) {
      old.lastSeen = ts;
      return false;
    }
    if (old !== undefined && sameIdentification(old, found)) {
      old.lastSeen = ts;
      return false;
    }
    if (old === undefined && ports.size >= MAX_PORTS_PER_NODE) {
      const oldest = ports.keys().next();
      if (!oldest.done) ports.delete(oldest.value);
    }
    ports.delete(port);
    ports.set(port, { ...found, port, proto: 'tcp', firstSeen: ts, lastSeen: ts });
    return (
      old === undefined ||
      old.service !== found.service ||
      old.product !== found.product ||
      old.version !== found.version
    );
  }

  service(ip: string, port: number): PortService | undefined {
    return this.nodes.peek(ip)?.get(port);
  }

  /** A copy of one node's services, ascending by port; undefined when none is known. */
  view(ip: string): NodeServices | undefined {
    const ports = this.nodes.peek(ip);
    if (ports === undefined) return undefined;
    return {
      ip,
      services: [...ports.values()].map((s) => ({ ...s, cpe: [...s.cpe] })).sort((a, b) => a.port - b.port),
    };
  }

  clear(): void {
    this.nodes.clear();
  }
}

function sameIdentification(a: ServiceIdentification, b: ServiceIdentification): boolean {
  return (
    a.soft === b.soft &&
    a.service === b.service &&
    a.product === b.product &&
    a.version === b.version &&
    a.info === b.info &&
    a.hostname === b.hostname &&
    a.os === b.os &&
    a.deviceType === b.deviceType &&
    a.cpe.join(' ') === b.cpe.join(' ')
  );
}
