/** Link-layer header types (tcpdump.org/linktypes.html) the decoder understands. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW as most libpcap builds number it. */
  RAW_12: 12,
  /** DLT_RAW on OpenBSD. */
  RAW_14: 14,
  RAW: 101,
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
} as const;

export const TunnelPort = { VXLAN: 4789, VXLAN_LINUX: 8472, GENEVE: 6081 } as const;
