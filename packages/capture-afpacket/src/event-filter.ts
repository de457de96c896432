/**
 * The kernel-side filter (classic BPF, compiled by libpcap from the expression built here): it lets
 * through only the packets the capture events (DESIGN §3) need, so the ring and user space see a
 * fraction of the traffic. Classic BPF keeps no state, so "the first payload packet of a flow" and
 * "once per flow per 60 s" are approximated by what one packet shows on its own. The README lists
 * exactly what passes and what the approximation costs.
 *
 * libpcap's `tcp[...]` / `udp[...]` accessors apply to IPv4 only (and skip non-first fragments);
 * IPv6 clauses read the fixed header with `ip6[...]` and so cover packets without extension
 * headers, while packets with extension headers pass whole.
 */

/** What the filter lets through. */
export type FilterMode = 'events' | 'all';

export interface EventFilterOptions {
  /**
   * Packets outside the other clauses pass when the low `sampleBits` bits of a per-packet value are
   * zero: 1 in 2^sampleBits (TCP: seq XOR ack low byte; UDP: checksum low byte). 0 lets every TCP
   * and UDP packet through; at most 8.
   */
  sampleBits: number;
}

/** One named part of the filter, for documentation and for `glia doctor`. */
export interface FilterClause {
  name: string;
  /** Why these packets are needed. */
  why: string;
  expression: string;
  /** Only meaningful (and only compiles) on Ethernet links. */
  ethernetOnly?: boolean;
}

/** VXLAN (IANA and the Linux default) and Geneve: inner packets are needed whole. */
const OVERLAY_PORTS = [4789, 8472, 6081];

export const MAX_SAMPLE_BITS = 8;

/** The clauses of the `events` filter, in the order they are joined with `or`. */
export function eventFilterClauses(options: EventFilterOptions): FilterClause[] {
  const bits = options.sampleBits;
  if (!Number.isInteger(bits) || bits < 0 || bits > MAX_SAMPLE_BITS) {
    throw new RangeError(`sample_bits must be an integer from 0 to ${MAX_SAMPLE_BITS}, got ${bits}`);
  }
  const clauses: FilterClause[] = [
    {
      name: 'syn_or_push',
      why: 'SYN and SYN-ACK make conn events; a segment with PSH ends a write, so the first one of each direction carries the banner (and the end of a ClientHello split over segments)',
      expression: '(tcp[tcpflags] & (tcp-syn|tcp-push) != 0) or (ip6[6] = 6 and ip6[53] & 0x0a != 0)',
    },
    {
      name: 'dns',
      why: 'every DNS response (UDP and TCP port 53) makes a dns event; the queries make the same flow events a full capture would',
      expression: 'udp port 53 or tcp port 53',
    },
    {
      name: 'overlay',
      why: 'VXLAN and Geneve frames are decapsulated in user space, so they pass whole',
      expression: OVERLAY_PORTS.map((p) => `udp port ${p}`).join(' or '),
    },
    {
      name: 'ip_tunnels',
      why: 'IP-in-IP, IPv6-in-IPv4 and GRE (ERSPAN, PPTP) over IPv4 are decapsulated in user space, so they pass whole (over IPv6 the extension-header clause passes them)',
      expression: 'ip proto 4 or ip proto 41 or ip proto 47',
    },
  ];
  if (bits === 0) {
    clauses.push({
      name: 'sample',
      why: 'sample_bits 0: every TCP and UDP packet passes',
      expression: 'tcp or udp',
    });
  } else {
    const mask = `0x${((1 << bits) - 1).toString(16)}`;
    clauses.push({
      name: 'sample',
      why: `1 packet in ${1 << bits} of any TCP or UDP flow, so flows whose handshake was not seen (and UDP edges) still make flow events`,
      expression: [
        `((tcp[7] ^ tcp[11]) & ${mask} = 0)`,
        `(udp[7] & ${mask} = 0)`,
        `(ip6[6] = 6 and (ip6[47] ^ ip6[51]) & ${mask} = 0)`,
        `(ip6[6] = 17 and ip6[47] & ${mask} = 0)`,
      ].join(' or '),
    });
  }
  clauses.push(
    {
      name: 'ipv6_extension_headers',
      why: 'IPv6 packets with extension headers cannot be inspected at fixed offsets: they pass whole',
      expression: '(ip6 and not (ip6[6] = 6 or ip6[6] = 17 or ip6[6] = 58))',
    },
    {
      // After the other clauses that decide on the headers: its loads reach into the payload, and a
      // classic BPF load past the end of the packet rejects the packet outright. The length
      // comparisons keep those loads inside the packet anyway.
      name: 'tls_record_start',
      why: 'a TLS handshake record (0x16 0x03) opening a segment without PSH: the first segment of a ClientHello split over several',
      expression:
        '(tcp and ip[2:2] > ((ip[0] & 0x0f) << 2) + ((tcp[12] & 0xf0) >> 2) + 1 and tcp[((tcp[12] & 0xf0) >> 2):2] = 0x1603)' +
        ' or (ip6[6] = 6 and ip6[4:2] > ((ip6[52] & 0xf0) >> 2) + 1 and ip6[40 + ((ip6[52] & 0xf0) >> 2):2] = 0x1603)',
    },
    {
      name: 'vlan_tagged',
      why: 'Ethernet frames whose 802.1Q/802.1ad tag is still in the packet (the driver did not strip it into metadata) pass whole',
      expression: 'ether[12:2] = 0x8100 or ether[12:2] = 0x88a8 or ether[12:2] = 0x9100',
      ethernetOnly: true,
    },
  );
  return clauses;
}

/** DLT_EN10MB: libpcap's Ethernet link type. */
export const DLT_EN10MB = 1;

/** The libpcap filter expression for a mode on a link type; '' (no filter) for `all`. */
export function captureFilter(mode: FilterMode, options: EventFilterOptions, linkType = DLT_EN10MB): string {
  if (mode === 'all') return '';
  return eventFilterClauses(options)
    .filter((c) => c.ethernetOnly !== true || linkType === DLT_EN10MB)
    .map((c) => `(${c.expression})`)
    .join(' or ');
}

/** Which packets of a device are observed: `interfaces` give received ones, `egress_interfaces` sent ones. */
export type ObservedDirection = 'ingress' | 'egress' | 'both';

/**
 * The clause that keeps sent packets only from `egressSources` (CIDRs; null: every source), as the
 * tcx backend's `egress_sources` does. On a sent-only handle the source must match. On a handle of
 * both directions a packet is "sent" when its Ethernet source is the device's own address (`mac`),
 * as the events' `dir` reads it; Linux's packet type (`inbound`) is not used because libpcap
 * re-runs the filter in user space over the ring's blocks that were filling when it was set, and
 * that interpreter cannot read the packet type, which would drop those packets. A device without
 * an Ethernet address cannot tell, and is not restricted. '' when nothing is restricted.
 */
export function directionClause(
  direction: ObservedDirection,
  egressSources: readonly string[] | null,
  mac: Uint8Array | null = null,
): string {
  if (direction === 'ingress' || egressSources === null || egressSources.length === 0) return '';
  const sources = egressSources.map((cidr) => `src net ${cidr}`).join(' or ');
  if (direction === 'egress') return sources;
  if (mac === null || mac.every((b) => b === 0)) return '';
  const own = [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
  return `not ether src ${own} or ${sources}`;
}

/** The whole kernel filter of one device: its direction clause and the capture filter. */
export function deviceFilter(
  mode: FilterMode,
  options: EventFilterOptions,
  linkType: number,
  direction: ObservedDirection,
  egressSources: readonly string[] | null,
  mac: Uint8Array | null = null,
): string {
  const events = captureFilter(mode, options, linkType);
  const sources =
    linkType === DLT_EN10MB || direction === 'egress' ? directionClause(direction, egressSources, mac) : '';
  if (sources === '') return events;
  return events === '' ? sources : `(${sources}) and (${events})`;
}
