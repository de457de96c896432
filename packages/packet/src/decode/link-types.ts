/** Link-layer header types (tcpdump.org/linktypes.html) the decoder understands. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  /** PPP, with or without the HDLC-like address/control pair (RFC 1661, RFC 1662). */
  PPP: 9,
  /** PPP in HDLC-like framing (RFC 1662). */
  PPP_HDLC: 50,
  /** PPPoE without the Ethernet header (RFC 2516). */
  PPP_ETHER: 51,
  /** DLT_RAW as most libpcap builds number it. */
  RAW_12: 12,
  /** DLT_RAW on OpenBSD. */
  RAW_14: 14,
  RAW: 101,
  /** Cisco HDLC: address, control, then an ethertype. */
  C_HDLC: 104,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  /** Transparent Ethernet bridging: Geneve's protocol type for an inner Ethernet frame. */
  TEB: 0x6558,
  PPPOE_SESSION: 0x8864,
  MPLS_UNICAST: 0x8847,
  MPLS_MULTICAST: 0x8848,
  /** IEEE 802.1BR E-Tag: 6 bytes after its type. */
  ETAG: 0x893f,
  /** Cisco VN-Tag: 4 bytes after its type. */
  VNTAG: 0x8926,
} as const;

export const TunnelPort = { VXLAN: 4789, VXLAN_LINUX: 8472, GENEVE: 6081 } as const;
