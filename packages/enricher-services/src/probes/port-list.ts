/** Port ranges from `ports`, `sslports` or `Exclude` (which may prefix ranges with T: or U:). */
export type PortList = ReadonlyArray<PortRange>;

export interface PortRange {
  lo: number;
  hi: number;
  /** Only in Exclude: the protocol the following ranges apply to (absent: both). */
  proto?: 'tcp' | 'udp';
}

/**
 * Parses "21-25,53,80" (and, for Exclude, "T:9100-9107,U:53"). Whitespace around items is
 * allowed, as nmap allows it.
 */
export function parsePortList(text: string, allowProtocols: boolean): PortList {
  const out: PortRange[] = [];
  let proto: PortRange['proto'];
  for (const rawItem of text.split(',')) {
    let item = rawItem.trim();
    if (allowProtocols) {
      const m = /^([TUSP]):/i.exec(item);
      if (m !== null) {
        const letter = m[1].toUpperCase();
        proto = letter === 'T' ? 'tcp' : letter === 'U' ? 'udp' : undefined;
        item = item.slice(2).trim();
      }
    }
    const r = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(item);
    if (r === null)
      throw new Error(
        `bad port list item ${JSON.stringify(rawItem.trim())}: expected a form like "21-25,53,80"`,
      );
    const lo = Number(r[1]);
    const hi = r[2] === undefined ? lo : Number(r[2]);
    if (lo > 65535 || hi > 65535 || hi < lo)
      throw new Error(`bad port range ${JSON.stringify(item)}: ports are 0-65535, low to high`);
    out.push(proto === undefined ? { lo, hi } : { lo, hi, proto });
  }
  return out;
}

export function portListHas(list: PortList, port: number, proto?: 'tcp' | 'udp'): boolean {
  return list.some(
    (r) =>
      port >= r.lo && port <= r.hi && (r.proto === undefined || proto === undefined || r.proto === proto),
  );
}
