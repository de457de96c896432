import { parseCidr, type Cidr } from '@glia/core';
import type { IdentityRecord } from '../record/identity-record.js';
import type { IdentityDelta } from './identity-delta.js';

/** What the overlay says of an address: a record, or removed (null); undefined when it says nothing. */
export interface OverlayMatch {
  record: IdentityRecord | null;
  /** Prefix length of the overlay entry (32 or 128 for a host). */
  prefix: number;
}

/**
 * The deltas applied over the baseline, in memory (DESIGN §7): per address or network, the
 * record that replaces the baseline's, or a tombstone where a remove hides it. Hosts (the common
 * case: pods) are one Map lookup; networks are looked up per prefix length present, longest first.
 * Networks never overlap (the inventory forbids it), so the longest match is the only match.
 */
export class IdentityOverlay {
  private readonly hosts = new Map<string, IdentityRecord | null>();
  /** family → prefix → masked network key → record or tombstone. */
  private readonly networks = {
    4: new Map<number, Map<string, IdentityRecord | null>>(),
    6: new Map<number, Map<string, IdentityRecord | null>>(),
  };
  private prefixes: { 4: number[]; 6: number[] } = { 4: [], 6: [] };
  private networkEntries = 0;

  get size(): number {
    return this.hosts.size + this.networkEntries;
  }

  get hasNetworks(): boolean {
    return this.networkEntries > 0;
  }

  /** Applies upserts then removes; returns the keys touched (canonical address or network text). */
  apply(delta: IdentityDelta): string[] {
    const touched: string[] = [];
    for (const { ip, record } of delta.upserts) {
      this.set(ip, record);
      touched.push(ip);
    }
    for (const ip of delta.removes) {
      this.set(ip, null);
      touched.push(ip);
    }
    return touched;
  }

  clear(): void {
    this.hosts.clear();
    this.networks[4].clear();
    this.networks[6].clear();
    this.prefixes = { 4: [], 6: [] };
    this.networkEntries = 0;
  }

  /** `ip` in canonical text (as observations carry it). */
  lookup(ip: string): OverlayMatch | undefined {
    const host = this.hosts.get(ip);
    if (host !== undefined) return { record: host, prefix: ip.includes(':') ? 128 : 32 };
    if (this.networkEntries === 0) return undefined;
    const address = parseCidr(ip);
    if (address === null) return undefined;
    for (const prefix of this.prefixes[address.family]) {
      const found = this.networks[address.family].get(prefix)?.get(maskedKey(address, prefix));
      if (found !== undefined) return { record: found, prefix };
    }
    return undefined;
  }

  /** `key` is canonical (readIdentityDelta made it so): a host has no "/". */
  private set(key: string, record: IdentityRecord | null): void {
    if (!key.includes('/')) {
      this.hosts.set(key, record);
      return;
    }
    const network = parseCidr(key) as Cidr;
    const byPrefix = this.networks[network.family];
    let entries = byPrefix.get(network.prefix);
    if (entries === undefined) {
      byPrefix.set(network.prefix, (entries = new Map()));
      this.prefixes[network.family] = [...byPrefix.keys()].sort((a, b) => b - a);
    }
    const masked = maskedKey(network, network.prefix);
    if (!entries.has(masked)) this.networkEntries++;
    entries.set(masked, record);
  }
}

function maskedKey(address: Cidr, prefix: number): string {
  let key = '';
  for (let bit = 0; bit < prefix; bit += 8) {
    const byte = address.address[bit >> 3];
    const keep = prefix - bit >= 8 ? 0xff : (0xff << (8 - (prefix - bit))) & 0xff;
    key += String.fromCharCode(byte & keep);
  }
  return key;
}
