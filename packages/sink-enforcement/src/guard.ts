import { networkInterfaces } from 'node:os';
import { CidrSet, normalizeIp, type BannedEdge, type NetworkSettings } from '@glia/core';

/**
 * The never-ban guard (DESIGN §6). glia only installs per-edge bans, so no address is ever
 * blackholed whole; on top of that, an edge is never banned when either end is in
 * `network.never_ban` or is an address of this node (the agent must not cut the node's own
 * traffic). Home and pod networks are protected from IP-wide bans, which this sink never makes.
 */
export class NeverBanGuard {
  private readonly neverBan: CidrSet;
  private readonly nodeAddresses: Set<string>;

  constructor(network: NetworkSettings, nodeAddresses: Iterable<string> = localAddresses()) {
    this.neverBan = CidrSet.parse(network.never_ban);
    this.nodeAddresses = new Set([...nodeAddresses].map((a) => normalizeIp(a) ?? a));
  }

  /** Why the edge must not be banned, or null when it may be. */
  refusal(edge: BannedEdge): string | null {
    for (const [side, address] of [
      ['client', edge.client],
      ['server', edge.server],
    ] as const) {
      if (this.neverBan.has(address)) return `${side} ${address} is in network.never_ban`;
      if (this.nodeAddresses.has(normalizeIp(address) ?? address))
        return `${side} ${address} is an address of this node`;
    }
    return null;
  }
}

/** The addresses of this network namespace's interfaces, loopback included. */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) =>
    (list ?? []).map((i) => i.address.split('%')[0]),
  );
}
