/* The records the glia eBPF programs hand to user space, and the keys user space writes. This is
 * the ABI between bpf/ and its decoders in packages/capture-tcx (src/records.ts) and
 * packages/capture-xdp: change both together. Host byte order (little endian) unless said. */
#pragma once

#include <linux/types.h>

#define GLIA_EV_CONN 1
#define GLIA_EV_BANNER 2
#define GLIA_EV_SEGMENT 3
#define GLIA_EV_FLOW 4
#define GLIA_EV_DNS 5
/* A TCP segment from port 53: user space reassembles the length-prefixed DNS messages. */
#define GLIA_EV_DNS_TCP 6

#define GLIA_DIR_INGRESS 0
#define GLIA_DIR_EGRESS 1

#define GLIA_BANNER_MAX 256
#define GLIA_SEGMENT_MAX 16384
/* DNS datagrams and TCP/53 segments are copied up to this many bytes. */
#define GLIA_DNS_MAX 16384
/* Copies are masked with this (a power of two minus one) so the verifier sees their bound. */
#define GLIA_COPY_MASK 0x7fff
#define GLIA_COPY_CAP (GLIA_COPY_MASK + 1)
#define GLIA_FLOW_WINDOW_NS 60000000000ULL
#define GLIA_MAX_TUNNEL_DEPTH 4
#define GLIA_TCP_OPTIONS_MAX 40

/* 56 bytes, at the start of every record. Addresses in network byte order, IPv4 in the first 4
 * bytes; ports in host order. */
struct glia_ev_hdr {
	__u64 ts;
	__u32 ifindex;
	__u8 type;
	__u8 dir;
	__u8 family; /* 4 or 6 */
	__u8 proto;  /* 6 or 17 */
	__u8 src[16];
	__u8 dst[16];
	__u16 sport;
	__u16 dport;
	__s32 vni; /* outermost VXLAN/Geneve VNI, -1 when none */
};

/* 104 bytes: a SYN or SYN-ACK. */
struct glia_ev_conn {
	struct glia_ev_hdr h;
	__u8 flags;
	__u8 ttl;
	__u16 window;
	__u8 optlen;
	__u8 pad[3];
	__u8 options[GLIA_TCP_OPTIONS_MAX];
};

/* 72 bytes: packets and IP bytes of the flow since its previous flow record. */
struct glia_ev_flow {
	struct glia_ev_hdr h;
	__u64 packets;
	__u64 bytes;
};

/* 72 bytes then `len` payload bytes: banner (sender), segment (arg = offset in the client
 * stream), dns, dns_tcp (arg = TCP sequence number, arg2 = the segment's length on the wire). */
struct glia_ev_payload {
	struct glia_ev_hdr h;
	__u32 arg;
	__u32 arg2;
	__u16 len;
	__u8 sender; /* 0 client, 1 server */
	__u8 pad[5];
	/* followed by len payload bytes */
};

/* banned_edges key (40 bytes): client → server:port/proto, addresses as in the header. */
struct glia_edge_key {
	__u8 client[16];
	__u8 server[16];
	__u16 port;
	__u8 proto;
	__u8 family;
	__u32 pad;
};

/* egress_sources LPM key: prefixlen counts the family byte (8 bits) plus the CIDR's bits. */
struct glia_lpm_key {
	__u32 prefixlen;
	__u8 family;
	__u8 addr[16];
};

/* The observer's .rodata settings. */
struct glia_observer_config {
	/* Packet time from skb->tstamp instead of the monotonic clock: for BPF_PROG_TEST_RUN, where
	 * the test gives each frame its capture time, so flow windows follow the capture. */
	__u8 use_skb_tstamp;
	/* Egress: only packets whose (inner) source is in egress_sources are observed. */
	__u8 egress_source_filter;
	__u8 pad[6];
};

/* Per-program counters (a per-CPU array indexed by GLIA_PROG_*), summed by user space. */
enum glia_counter {
	GLIA_C_PACKETS,
	GLIA_C_EVENTS,
	GLIA_C_RINGBUF_DROPS,
	GLIA_C_UNDECODABLE,
	GLIA_C_IGNORED,
	GLIA_C_SHOT,
	GLIA_C_FILTERED,
	GLIA_C_FLOW_TABLE_FULL,
	GLIA_C_COUNT,
};

struct glia_counters {
	__u64 c[GLIA_C_COUNT];
};

#define GLIA_PROG_TCX_INGRESS 0
#define GLIA_PROG_TCX_EGRESS 1
#define GLIA_PROG_XDP 2
#define GLIA_PROGS 3

/* The XDP recorder's server-keyed SYN-ACK map. */
struct glia_synack_key {
	__u8 server[16];
	__u16 port;
	__u8 family;
	__u8 pad;
	__s32 vni;
};

struct glia_synack {
	__u64 ts;
	__u32 ifindex;
	__u8 client[16];
	__u16 client_port;
	__u8 flags;
	__u8 ttl;
	__u16 window;
	__u8 optlen;
	__u8 pad[5];
	__u8 options[GLIA_TCP_OPTIONS_MAX];
};
