// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The tcx observer (DESIGN §3): on every packet of an interface's ingress or egress it decodes
 * the innermost TCP/UDP packet (through VXLAN/Geneve) and emits the canonical capture events over
 * a ring buffer: conn (SYN, SYN-ACK), banner (first payload of each direction, <= 256 bytes),
 * segment (the client's TLS record beyond its banner), flow (once per flow per 60 s) and dns.
 * Per-flow dedup state sits in an LRU hash, keyed by the flow's endpoints in canonical order.
 * It mirrors @glia/packet's CaptureEventLogic, which is what the tests compare it with.
 *
 * It never changes the datapath (TC_ACT_UNSPEC) except for packets of an edge in banned_edges,
 * which it drops (TC_ACT_SHOT) until the entry's expiry. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

#include "glia_abi.h"
#include "glia_counters.h"
#include "glia_parse.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Settings user space writes into .rodata before load (one struct, so its layout is fixed). */
const volatile struct glia_observer_config config = {};

struct flow_key {
	__u8 lo[16];
	__u8 hi[16];
	__u16 lo_port;
	__u16 hi_port;
	__s32 vni;
	__u8 proto;
	__u8 family;
	__u8 pad[2];
};

struct flow_state {
	__u64 last_flow;  /* packet time of the last flow record plus one; 0: none yet */
	__u64 packets;    /* since the last flow record */
	__u64 bytes;
	__u32 syn_seq;
	__u32 client_banner_sent;
	__u32 server_banner_sent;
	__u8 client_is_lo;
	__u8 handshake_seen;
	__u8 segment_active;
	__u8 pad;
	__u32 segment_base_seq;
	__u32 segment_record_end;
	__u32 segment_covered;
	__u32 segment_emitted;
};

struct scratch {
	struct glia_ev_payload ev;
	__u8 data[GLIA_COPY_CAP];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow_key);
	__type(value, struct flow_state);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct glia_edge_key);
	__type(value, __u64); /* expiry, bpf_ktime_get_ns() time */
} banned_edges SEC(".maps");

/* Entries in banned_edges, kept by user space: while 0, no packet pays for the two lookups. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} bans_in_use SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__type(key, struct glia_lpm_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} egress_sources SEC(".maps");

/* One scratch record per CPU, indexed by CPU id (a per-CPU array value cannot exceed 32 KiB).
 * User space sizes it to the number of possible CPUs before load. tc programs do not nest on a
 * CPU (both hooks run with bottom halves disabled), so a CPU's slot has one user at a time. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_buf SEC(".maps");

struct ctx_info {
	struct __sk_buff *skb;
	struct glia_counters *cnt;
	__u64 now;      /* coarse packet time, for flow windows */
	__u8 dir;
	__u8 src_is_lo;
};

static __always_inline void count(struct ctx_info *c, int which)
{
	if (c->cnt)
		c->cnt->c[which]++;
}

static __always_inline __u64 event_time(struct ctx_info *c)
{
	return config.use_skb_tstamp ? c->now : bpf_ktime_get_ns();
}

static __always_inline void fill_hdr(struct glia_ev_hdr *h, struct ctx_info *c, struct pkt *p, __u8 type)
{
	h->ts = event_time(c);
	h->ifindex = c->skb->ifindex;
	h->type = type;
	h->dir = c->dir;
	h->family = p->family;
	h->proto = p->proto;
	__builtin_memcpy(h->src, p->src, 16);
	__builtin_memcpy(h->dst, p->dst, 16);
	h->sport = p->sport;
	h->dport = p->dport;
	h->vni = p->vni;
}

/* A payload record of `len` bytes read at `off`, through the per-CPU scratch buffer. */
static __always_inline void emit_payload(struct ctx_info *c, struct pkt *p, __u8 type, __u32 off, __u32 len,
					 __u32 arg, __u32 arg2, __u8 sender)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch *s = bpf_map_lookup_elem(&scratch_buf, &cpu);
	if (!s)
		return;
	len &= GLIA_COPY_MASK;
	fill_hdr(&s->ev.h, c, p, type);
	s->ev.arg = arg;
	s->ev.arg2 = arg2;
	s->ev.len = len;
	s->ev.sender = sender;
	if (len > 0 && bpf_skb_load_bytes(c->skb, off, s->data, len))
		return;
	if (bpf_ringbuf_output(&events, s, sizeof(struct glia_ev_payload) + len, 0))
		count(c, GLIA_C_RINGBUF_DROPS);
	else
		count(c, GLIA_C_EVENTS);
}

static __always_inline void emit_conn(struct ctx_info *c, struct pkt *p)
{
	struct glia_ev_conn *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(c, GLIA_C_RINGBUF_DROPS);
		return;
	}
	fill_hdr(&e->h, c, p, GLIA_EV_CONN);
	e->flags = p->tcp_flags;
	e->ttl = p->ttl;
	e->window = p->window;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	__builtin_memset(e->options, 0, sizeof(e->options));
	e->optlen = copy_tcp_options(c->skb, 0, p, e->options);
	bpf_ringbuf_submit(e, 0);
	count(c, GLIA_C_EVENTS);
}

/* A flow record reads client → server (DESIGN §3), as the handshake or the port rule fixed it. */
static __always_inline void emit_flow(struct ctx_info *c, struct pkt *p, struct flow_state *st, __u64 packets,
				      __u64 bytes)
{
	struct glia_ev_flow *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(c, GLIA_C_RINGBUF_DROPS);
		return;
	}
	fill_hdr(&e->h, c, p, GLIA_EV_FLOW);
	if (c->src_is_lo != st->client_is_lo) {
		__builtin_memcpy(e->h.src, p->dst, 16);
		__builtin_memcpy(e->h.dst, p->src, 16);
		e->h.sport = p->dport;
		e->h.dport = p->sport;
	}
	e->packets = packets;
	e->bytes = bytes;
	bpf_ringbuf_submit(e, 0);
	count(c, GLIA_C_EVENTS);
}

static __always_inline void maybe_flow(struct ctx_info *c, struct pkt *p, struct flow_state *st)
{
	/* last_flow holds the time plus one, so a packet at time 0 (a test frame) still counts. */
	__u64 last = st->last_flow;
	if (last != 0 && c->now + 1 - last < GLIA_FLOW_WINDOW_NS)
		return;
	/* One CPU wins the window; the others leave it to that one. */
	if (__sync_val_compare_and_swap(&st->last_flow, last, c->now + 1) != last)
		return;
	__u64 packets = __sync_lock_test_and_set(&st->packets, 0);
	__u64 bytes = __sync_lock_test_and_set(&st->bytes, 0);
	emit_flow(c, p, st, packets, bytes);
}

static __always_inline void segment(struct ctx_info *c, struct pkt *p, struct flow_state *st)
{
	__u32 start = p->seq - st->segment_base_seq;
	if (start >= 0x80000000u)
		return; /* before the banner: an old retransmission */
	__u64 length = p->payload_len;
	__u64 covered = st->segment_covered;
	__u64 from = start;
	if (from < covered && (__u64)start + length <= covered)
		return;
	if (from < covered && start == 0)
		from = covered; /* the banner packet's rest */
	__u64 to = (__u64)start + length;
	if (to > st->segment_record_end)
		to = st->segment_record_end;
	if (to <= from)
		return;
	__u64 room = GLIA_SEGMENT_MAX - st->segment_emitted;
	if (to - from > room)
		to = from + room;
	emit_payload(c, p, GLIA_EV_SEGMENT, p->payload_off + (__u32)(from - start), (__u32)(to - from), (__u32)from,
		     0, 0);
	st->segment_emitted += (__u32)(to - from);
	if (from <= covered && to > covered)
		st->segment_covered = (__u32)to;
	if (st->segment_covered >= st->segment_record_end || st->segment_emitted >= GLIA_SEGMENT_MAX)
		st->segment_active = 0;
}

/* A client banner that opens a TLS handshake record longer than the banner starts segments. */
static __always_inline void start_segments(struct ctx_info *c, struct pkt *p, struct flow_state *st)
{
	if (p->payload_len < 5)
		return;
	__u8 h[5];
	if (bpf_skb_load_bytes(c->skb, p->payload_off, h, 5))
		return;
	if (h[0] != 0x16 || h[1] != 0x03)
		return;
	__u32 record_end = 5 + (((__u32)h[3] << 8) | h[4]);
	__u32 banner = p->payload_len < GLIA_BANNER_MAX ? p->payload_len : GLIA_BANNER_MAX;
	if (record_end <= banner)
		return;
	st->segment_active = 1;
	st->segment_base_seq = p->seq;
	st->segment_record_end = record_end;
	st->segment_covered = banner;
	st->segment_emitted = 0;
	if (p->payload_len > banner)
		segment(c, p, st);
}

static __always_inline void payload(struct ctx_info *c, struct pkt *p, struct flow_state *st)
{
	int from_client = c->src_is_lo == st->client_is_lo;
	__u32 banner = p->payload_len < GLIA_BANNER_MAX ? p->payload_len : GLIA_BANNER_MAX;
	if (from_client) {
		if (__sync_val_compare_and_swap(&st->client_banner_sent, 0, 1) == 0) {
			emit_payload(c, p, GLIA_EV_BANNER, p->payload_off, banner, 0, 0, 0);
			start_segments(c, p, st);
		} else if (st->segment_active) {
			segment(c, p, st);
		}
	} else if (__sync_val_compare_and_swap(&st->server_banner_sent, 0, 1) == 0) {
		emit_payload(c, p, GLIA_EV_BANNER, p->payload_off, banner, 0, 0, 1);
	}
	if (p->sport == 53) {
		__u32 n = p->payload_len < GLIA_DNS_MAX ? p->payload_len : GLIA_DNS_MAX;
		__u32 wire = p->ip_len - (p->payload_off - p->ip_off);
		emit_payload(c, p, GLIA_EV_DNS_TCP, p->payload_off, n, p->seq, wire, 1);
	}
}

static __always_inline void conn(struct ctx_info *c, struct pkt *p, struct flow_state *st)
{
	int is_syn = (p->tcp_flags & 0x10) == 0;
	if (is_syn) {
		if (st->handshake_seen && st->syn_seq != p->seq) {
			st->client_banner_sent = 0;
			st->server_banner_sent = 0;
			st->segment_active = 0;
		}
		st->syn_seq = p->seq;
	}
	st->client_is_lo = is_syn == c->src_is_lo;
	st->handshake_seen = 1;
	emit_conn(c, p);
}

static __always_inline int banned(struct pkt *p)
{
	__u32 zero = 0;
	__u32 *in_use = bpf_map_lookup_elem(&bans_in_use, &zero);
	if (!in_use || *in_use == 0)
		return 0;
	/* Expiries are on the monotonic clock (user space sets them), even when packet time is not. */
	__u64 now = bpf_ktime_get_coarse_ns();
	struct glia_edge_key k = {};
	k.proto = p->proto;
	k.family = p->family;
	/* This packet from the client: src → dst:dport. */
	__builtin_memcpy(k.client, p->src, 16);
	__builtin_memcpy(k.server, p->dst, 16);
	k.port = p->dport;
	__u64 *expiry = bpf_map_lookup_elem(&banned_edges, &k);
	if (expiry && *expiry > now)
		return 1;
	/* Or from the server: src:sport → dst. */
	__builtin_memcpy(k.client, p->dst, 16);
	__builtin_memcpy(k.server, p->src, 16);
	k.port = p->sport;
	expiry = bpf_map_lookup_elem(&banned_edges, &k);
	return expiry && *expiry > now;
}

static __always_inline int source_allowed(struct pkt *p)
{
	struct glia_lpm_key k = {};
	k.prefixlen = 8 + (p->family == 4 ? 32 : 128);
	k.family = p->family;
	__builtin_memcpy(k.addr, p->src, 16);
	return bpf_map_lookup_elem(&egress_sources, &k) != 0;
}

static __always_inline int observe(struct __sk_buff *skb, __u8 dir, __u32 prog)
{
	struct ctx_info c = {.skb = skb, .dir = dir};
	c.cnt = program_counters(prog);
	/* The coarse clock (a tick, a few ms) is cheap and enough for 60 s windows;
	 * events read the fine clock (event_time) only when one is written. */
	c.now = config.use_skb_tstamp ? skb->tstamp : bpf_ktime_get_coarse_ns();
	count(&c, GLIA_C_PACKETS);

	struct parse_state ps = {};
	ps.p.len = skb->len;
	int r = parse_frame(skb, 0, &ps);
	struct pkt *p = &ps.p;
	if (r != PARSE_OK) {
		count(&c, r == PARSE_IGNORED ? GLIA_C_IGNORED : GLIA_C_UNDECODABLE);
		return TC_ACT_UNSPEC;
	}
	if (dir == GLIA_DIR_EGRESS && config.egress_source_filter && !source_allowed(p)) {
		count(&c, GLIA_C_FILTERED);
		return TC_ACT_UNSPEC;
	}
	int shot = banned(p);

	struct flow_key k = {};
	c.src_is_lo = endpoint_cmp(p->src, p->sport, p->dst, p->dport) <= 0;
	__builtin_memcpy(k.lo, c.src_is_lo ? p->src : p->dst, 16);
	__builtin_memcpy(k.hi, c.src_is_lo ? p->dst : p->src, 16);
	k.lo_port = c.src_is_lo ? p->sport : p->dport;
	k.hi_port = c.src_is_lo ? p->dport : p->sport;
	k.vni = p->vni;
	k.proto = p->proto;
	k.family = p->family;

	int is_tcp = p->proto == IPPROTO_TCP;
	int syn = is_tcp && (p->tcp_flags & 0x02);
	struct flow_state *st = bpf_map_lookup_elem(&flows, &k);
	if (!st) {
		struct flow_state fresh = {};
		int from_client;
		if (syn)
			from_client = (p->tcp_flags & 0x10) == 0;
		else if (p->sport != p->dport)
			from_client = p->sport > p->dport;
		else
			from_client = addr_cmp(p->src, p->dst) > 0;
		fresh.client_is_lo = from_client == c.src_is_lo;
		bpf_map_update_elem(&flows, &k, &fresh, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&flows, &k);
		if (!st) {
			count(&c, GLIA_C_FLOW_TABLE_FULL);
			goto out;
		}
	}
	__sync_fetch_and_add(&st->packets, 1);
	__sync_fetch_and_add(&st->bytes, p->ip_len);

	if (!is_tcp) {
		maybe_flow(&c, p, st);
		if (p->sport == 53) {
			__u32 n = p->payload_len < GLIA_DNS_MAX ? p->payload_len : GLIA_DNS_MAX;
			emit_payload(&c, p, GLIA_EV_DNS, p->payload_off, n, 0, 0, 1);
		}
		goto out;
	}
	if (syn)
		conn(&c, p, st);
	else
		maybe_flow(&c, p, st);
	if (p->payload_len > 0)
		payload(&c, p, st);
out:
	if (shot) {
		count(&c, GLIA_C_SHOT);
		return TC_ACT_SHOT;
	}
	return TC_ACT_UNSPEC;
}

SEC("tc")
int glia_tcx_ingress(struct __sk_buff *skb)
{
	return observe(skb, GLIA_DIR_INGRESS, GLIA_PROG_TCX_INGRESS);
}

SEC("tc")
int glia_tcx_egress(struct __sk_buff *skb)
{
	return observe(skb, GLIA_DIR_EGRESS, GLIA_PROG_TCX_EGRESS);
}
