/**
 * Why a frame could not be decoded. Reasons are small integers on the hot path (no strings, no
 * exceptions) and get their names only when counts are reported.
 */
export const UNDECODABLE_REASONS = [
  'truncated_link',
  'unsupported_link_type',
  'truncated_vlan',
  'vlan_depth',
  'truncated_ipv4',
  'bad_ipv4_header',
  'bad_ipv4_length',
  'bad_ip_version',
  'truncated_ipv6',
  'truncated_ipv6_ext',
  'ipv6_ext_limit',
  'fragment',
  'truncated_tcp',
  'bad_tcp_offset',
  'truncated_udp',
  'bad_udp_length',
  'truncated_vxlan',
  'truncated_geneve',
  'bad_geneve_version',
  'tunnel_depth',
  'truncated_gre',
  'bad_gre_header',
  'truncated_erspan',
  'bad_erspan_version',
  'truncated_ppp',
  'truncated_pppoe',
  'truncated_mpls',
  'mpls_label_limit',
] as const;

export type UndecodableReason = (typeof UNDECODABLE_REASONS)[number];

/** Reason codes, in the order of UNDECODABLE_REASONS. */
export const R = {
  truncatedLink: 0,
  unsupportedLinkType: 1,
  truncatedVlan: 2,
  vlanDepth: 3,
  truncatedIPv4: 4,
  badIPv4Header: 5,
  badIPv4Length: 6,
  badIpVersion: 7,
  truncatedIPv6: 8,
  truncatedIPv6Ext: 9,
  ipv6ExtLimit: 10,
  fragment: 11,
  truncatedTcp: 12,
  badTcpOffset: 13,
  truncatedUdp: 14,
  badUdpLength: 15,
  truncatedVxlan: 16,
  truncatedGeneve: 17,
  badGeneveVersion: 18,
  tunnelDepth: 19,
  truncatedGre: 20,
  badGreHeader: 21,
  truncatedErspan: 22,
  badErspanVersion: 23,
  truncatedPpp: 24,
  truncatedPppoe: 25,
  truncatedMpls: 26,
  mplsLabelLimit: 27,
} as const;

/** Frames that decoded fine but carry nothing capture events describe (ARP, ICMP, LLC ...). */
export const IGNORED_KINDS = ['non_ip', 'other_transport', 'tunnel_payload_other'] as const;
export type IgnoredKind = (typeof IGNORED_KINDS)[number];

/** Counts undecodable frames by reason and ignored frames by kind, in flat number arrays. */
export class DecodeCounters {
  readonly undecodable = new Float64Array(UNDECODABLE_REASONS.length);
  readonly ignored = new Float64Array(IGNORED_KINDS.length);

  undecodableByReason(): Partial<Record<UndecodableReason, number>> {
    const out: Partial<Record<UndecodableReason, number>> = {};
    for (let i = 0; i < UNDECODABLE_REASONS.length; i++) {
      if (this.undecodable[i] > 0) out[UNDECODABLE_REASONS[i]] = this.undecodable[i];
    }
    return out;
  }

  ignoredByKind(): Partial<Record<IgnoredKind, number>> {
    const out: Partial<Record<IgnoredKind, number>> = {};
    for (let i = 0; i < IGNORED_KINDS.length; i++)
      if (this.ignored[i] > 0) out[IGNORED_KINDS[i]] = this.ignored[i];
    return out;
  }

  totalUndecodable(): number {
    let n = 0;
    for (let i = 0; i < this.undecodable.length; i++) n += this.undecodable[i];
    return n;
  }
}
