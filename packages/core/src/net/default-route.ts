import { readFileSync } from 'node:fs';

/**
 * The devices of the default routes (IPv4 and IPv6), from /proc/net/route and /proc/net/ipv6_route
 * of this network namespace: what `egress_interfaces: [auto]` stands for. Sorted, without
 * duplicates; empty when there is no default route.
 */
export function defaultRouteDevices(procNet = '/proc/net'): string[] {
  const devices = new Set<string>();
  for (const d of defaultRoutesV4(readOrEmpty(`${procNet}/route`))) devices.add(d);
  for (const d of defaultRoutesV6(readOrEmpty(`${procNet}/ipv6_route`))) devices.add(d);
  return [...devices].sort();
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const RTF_UP = 0x1;

/** /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex, host order). */
export function defaultRoutesV4(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const flags = Number.parseInt(f[3], 16);
    if (f[1] === '00000000' && f[7] === '00000000' && (flags & RTF_UP) !== 0) out.push(f[0]);
  }
  return out;
}

/**
 * /proc/net/ipv6_route: dest dest_len src src_len next_hop metric refcnt use flags device.
 * A default route is ::/0 that is up and not a reject route (the kernel lists unreachable ::/0 on lo).
 */
export function defaultRoutesV6(text: string): string[] {
  const RTF_REJECT = 0x200;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const flags = Number.parseInt(f[8], 16);
    if (/^0{32}$/.test(f[0]) && f[1] === '00' && (flags & RTF_UP) !== 0 && (flags & RTF_REJECT) === 0) {
      out.push(f[9]);
    }
  }
  return out;
}
