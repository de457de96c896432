import { readFileSync } from 'node:fs';

/**
 * The device of this network namespace's IPv4 default route (/proc/net/route), else of its IPv6
 * default route (/proc/net/ipv6_route). Null when there is none.
 */
export function defaultRouteDevice(
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): string | null {
  try {
    for (const line of read('/proc/net/route').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // Iface Destination Gateway Flags RefCnt Use Metric Mask ...; Flags 0x1 = up.
      if (f.length >= 8 && f[1] === '00000000' && f[7] === '00000000' && (parseInt(f[3], 16) & 1) === 1)
        return f[0];
    }
  } catch {
    // no IPv4 routing table
  }
  try {
    for (const line of read('/proc/net/ipv6_route').split('\n')) {
      const f = line.trim().split(/\s+/);
      // dest prefixlen src srclen nexthop metric refcnt use flags iface
      if (f.length >= 10 && /^0{32}$/.test(f[0]) && f[1] === '00' && f[9] !== 'lo') return f[9];
    }
  } catch {
    // no IPv6 routing table
  }
  return null;
}

/** Replaces "auto" by the default-route device; throws naming the key when there is none. */
export function resolveInterfaces(
  names: readonly string[],
  key: string,
  route = defaultRouteDevice,
): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (name !== 'auto') {
      if (!out.includes(name)) out.push(name);
      continue;
    }
    const device = route();
    if (device === null) throw new Error(`${key}: "auto" found no default route in this network namespace`);
    if (!out.includes(device)) out.push(device);
  }
  return out;
}
