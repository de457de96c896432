import type { BannerEvent, ConnEvent, FlowEvent, SegmentEvent } from '../events.js';
import { parseIPv6 } from '../net/ip.js';
import type { Observation } from './observation.js';

/** Orders two address strings the same way every backend does: numerically within a family. */
export function compareAddresses(a: string, b: string): number {
  if (a === b) return 0;
  const v6a = a.includes(':');
  const v6b = b.includes(':');
  if (v6a !== v6b) return v6a ? 1 : -1;
  if (!v6a) {
    const pa = a.split('.');
    const pb = b.split('.');
    for (let i = 0; i < 4; i++) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d !== 0) return d;
    }
    return 0;
  }
  const ba = parseIPv6(a);
  const bb = parseIPv6(b);
  if (ba === null || bb === null) return a < b ? -1 : 1;
  for (let i = 0; i < 16; i++) if (ba[i] !== bb[i]) return ba[i] - bb[i];
  return 0;
}

/**
 * Whether the packet's sender is the client. For a SYN the sender is the client, for a SYN-ACK the
 * receiver; otherwise the lower port is the server (ties: the lower address is the server).
 */
export function senderIsClient(sport: number, dport: number, src: string, dst: string): boolean {
  if (sport !== dport) return sport > dport;
  return compareAddresses(src, dst) > 0;
}

/**
 * The observation of the edge an event belongs to, normalized client → server: a SYN is sent by
 * the client, a SYN-ACK by the server, a payload event says its sender, and a flow event is
 * already oriented client → server by its backend (FlowEvent).
 */
export function observationOf(
  event: ConnEvent | FlowEvent | BannerEvent | SegmentEvent,
  phase: Observation['phase'],
): Observation {
  const fromClient = 'sender' in event ? event.sender === 'client' : phase !== 'synack';
  const observation: Observation = {
    ts: event.ts,
    iface: event.iface,
    dir: event.dir,
    phase,
    client: fromClient ? event.src : event.dst,
    server: fromClient ? event.dst : event.src,
    clientPort: fromClient ? event.sport : event.dport,
    serverPort: fromClient ? event.dport : event.sport,
    proto: event.proto,
    event,
    fields: new Map(),
  };
  if (event.vni !== undefined) observation.vni = event.vni;
  return observation;
}
