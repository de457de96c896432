import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Direction } from '@glia/core';

/** What the kernel says about a network device (from /sys/class/net, which follows the network namespace). */
export interface InterfaceInfo {
  name: string;
  ifindex: number;
  /** IFF_UP: libpcap refuses a device that is down. */
  up: boolean;
  /** Hardware address, null when the device has none (tun, ip tunnels). */
  mac: Uint8Array | null;
}

const IFF_UP = 0x1;

/** Reads a device's state, or null when it does not exist (yet). */
export function readInterface(name: string, sysDir = '/sys/class/net'): InterfaceInfo | null {
  if (name.includes('/') || name === '.' || name === '..') return null;
  const dir = join(sysDir, name);
  try {
    const ifindex = Number(readFileSync(join(dir, 'ifindex'), 'utf8').trim());
    const flags = Number.parseInt(readFileSync(join(dir, 'flags'), 'utf8').trim(), 16);
    let mac: Uint8Array | null = null;
    try {
      mac = parseMac(readFileSync(join(dir, 'address'), 'utf8').trim());
    } catch {
      mac = null;
    }
    return { name, ifindex, up: (flags & IFF_UP) !== 0, mac };
  } catch {
    return null;
  }
}

/** "aa:bb:cc:dd:ee:ff" → 6 bytes; null for anything else (empty, or a longer link address). */
export function parseMac(text: string): Uint8Array | null {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) return null;
  return Uint8Array.from(parts.map((p) => Number.parseInt(p, 16)));
}

/**
 * The direction of an Ethernet frame on the device that captured it: egress when its source
 * address is the device's own, ingress otherwise. Exact for traffic the host sends, receives or
 * routes; a frame bridged out through a bridge port keeps its sender's address and reads as
 * ingress. A device without an address, or the loopback device (all-zero address, and libpcap
 * already drops its outgoing copy of each packet), reads as ingress.
 */
export function frameDirection(
  frame: Uint8Array,
  offset: number,
  caplen: number,
  mac: Uint8Array | null,
): Direction {
  if (mac === null || caplen < 12) return 'ingress';
  let zero = true;
  for (let i = 0; i < 6; i++) {
    if (frame[offset + 6 + i] !== mac[i]) return 'ingress';
    if (mac[i] !== 0) zero = false;
  }
  return zero ? 'ingress' : 'egress';
}
