/* Frame parsing shared by the tcx observer and the XDP recorder: Ethernet with up to 8 VLAN
 * tags, IPv4 (options; a first fragment only), IPv6 with up to 8 extension headers (a first
 * fragment only), TCP, UDP, and tunnels nested up to GLIA_MAX_TUNNEL_DEPTH layers: VXLAN (UDP
 * 4789, 8472), Geneve (UDP 6081), IP-in-IP (4in4, 6in4, 4in6, 6in6), GRE (with Ethernet
 * bridging), PPTP's GRE with PPP, and ERSPAN types I, II and III. The rules are those of @glia/packet's decoder (its decode/ folder), so a
 * frame the user-space logic decodes is decoded here to the same packet, and one it rejects is
 * rejected here.
 *
 * Reads are constant-size: the common frame's 54 header bytes in place when the linear part holds
 * them, everything else a bpf_skb_load_bytes / bpf_xdp_load_bytes of a constant size into a stack
 * buffer, so non-linear packets and the verifier are both fine. */
#pragma once

#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "glia_abi.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6_ 0x86DD
#define ETH_P_VLAN 0x8100
#define ETH_P_QINQ 0x88A8
#define ETH_P_QINQ_OLD 0x9100
#define ETH_P_TEB 0x6558
#define NEXT_IP_ANY 0xfffe
#define MAX_VLAN_TAGS 8
#define MAX_IPV6_EXT 8

enum parse_result { PARSE_OK = 0, PARSE_IGNORED = 1, PARSE_UNDECODABLE = 2 };

struct pkt {
	__u32 len;        /* bytes of the frame */
	__u32 ip_off;
	__u32 ip_len;     /* the IP header's declared length (or what is there when it says 0) */
	__u32 ip_end;
	__u32 payload_off;
	__u32 payload_len;
	__u32 seq;
	__s32 vni;
	__u16 sport;
	__u16 dport;
	__u16 window;
	__u8 family;
	__u8 proto;
	__u8 ttl;
	__u8 tcp_flags;
	__u8 optlen;
	__u8 pad;
	__u32 opt_off;
	__u8 src[16];
	__u8 dst[16];
};

/* Loads len (a constant) bytes at off; XDP and tc differ only in the helper. */
static __always_inline int load(void *ctx, int is_xdp, __u32 off, void *to, __u32 len)
{
	if (is_xdp)
		return bpf_xdp_load_bytes(ctx, off, to, len);
	return bpf_skb_load_bytes(ctx, off, to, len);
}

static __always_inline int parse_ethernet(void *ctx, int is_xdp, __u32 *at, __u32 end, __u32 *next)
{
	__u8 eth[14];
	if (end < *at + 14 || load(ctx, is_xdp, *at, eth, 14))
		return PARSE_UNDECODABLE;
	__u32 type = ((__u32)eth[12] << 8) | eth[13];
	__u32 off = *at + 14;
	for (int tags = 0; tags <= MAX_VLAN_TAGS; tags++) {
		if (type != ETH_P_VLAN && type != ETH_P_QINQ && type != ETH_P_QINQ_OLD)
			break;
		if (tags == MAX_VLAN_TAGS)
			return PARSE_UNDECODABLE;
		__u8 tag[4];
		if (end < off + 4 || load(ctx, is_xdp, off, tag, 4))
			return PARSE_UNDECODABLE;
		type = ((__u32)tag[2] << 8) | tag[3];
		off += 4;
	}
	*next = type;
	*at = off;
	return PARSE_OK;
}

static __always_inline int parse_ipv4(void *ctx, int is_xdp, struct pkt *p, __u32 *at, __u32 end)
{
	__u8 h[20];
	__u32 off = *at;
	if (end < off + 20 || load(ctx, is_xdp, off, h, 20))
		return PARSE_UNDECODABLE;
	if ((h[0] >> 4) != 4)
		return PARSE_UNDECODABLE;
	__u32 hl = (h[0] & 0x0f) * 4;
	if (hl < 20 || end < off + hl)
		return PARSE_UNDECODABLE;
	__u32 total = ((__u32)h[2] << 8) | h[3];
	if (total == 0)
		total = end - off;
	if (total < hl)
		return PARSE_UNDECODABLE;
	if ((((__u32)h[6] & 0x1f) << 8 | h[7]) != 0)
		return PARSE_UNDECODABLE; /* a later fragment */
	p->family = 4;
	p->ip_off = off;
	p->ip_len = total;
	p->ip_end = off + total < end ? off + total : end;
	p->ttl = h[8];
	p->proto = h[9];
	__builtin_memset(p->src, 0, 16);
	__builtin_memset(p->dst, 0, 16);
	__builtin_memcpy(p->src, &h[12], 4);
	__builtin_memcpy(p->dst, &h[16], 4);
	*at = off + hl;
	return PARSE_OK;
}

static __always_inline int parse_ipv6(void *ctx, int is_xdp, struct pkt *p, __u32 *at, __u32 end)
{
	__u8 h[40];
	__u32 off = *at;
	if (end < off + 40 || load(ctx, is_xdp, off, h, 40))
		return PARSE_UNDECODABLE;
	if ((h[0] >> 4) != 6)
		return PARSE_UNDECODABLE;
	__u32 plen = ((__u32)h[4] << 8) | h[5];
	__u32 total = plen == 0 ? end - off : 40 + plen;
	p->family = 6;
	p->ip_off = off;
	p->ip_len = total;
	p->ip_end = off + total < end ? off + total : end;
	p->ttl = h[7];
	__builtin_memcpy(p->src, &h[8], 16);
	__builtin_memcpy(p->dst, &h[24], 16);
	__u32 next = h[6];
	__u32 limit = p->ip_end;
	off += 40;
	for (int n = 0; n <= MAX_IPV6_EXT; n++) {
		if (next != 0 && next != 43 && next != 60 && next != 51 && next != 44)
			break;
		if (n == MAX_IPV6_EXT)
			return PARSE_UNDECODABLE;
		__u8 e[4];
		if (limit < off + 8 || load(ctx, is_xdp, off, e, 4))
			return PARSE_UNDECODABLE;
		__u32 elen;
		if (next == 44) {
			if ((((__u32)e[2] << 8 | e[3]) >> 3) != 0)
				return PARSE_UNDECODABLE; /* a later fragment */
			elen = 8;
		} else {
			elen = next == 51 ? ((__u32)e[1] + 2) * 4 : ((__u32)e[1] + 1) * 8;
		}
		if (limit < off + elen)
			return PARSE_UNDECODABLE;
		next = e[0];
		off += elen;
	}
	p->proto = next;
	*at = off;
	return PARSE_OK;
}

static __always_inline int parse_tcp(void *ctx, int is_xdp, struct pkt *p, __u32 off)
{
	__u8 t[20];
	__u32 end = p->ip_end;
	if (end < off + 20 || load(ctx, is_xdp, off, t, 20))
		return PARSE_UNDECODABLE;
	__u32 hl = (t[12] >> 4) * 4;
	if (hl < 20 || end < off + hl)
		return PARSE_UNDECODABLE;
	p->sport = ((__u16)t[0] << 8) | t[1];
	p->dport = ((__u16)t[2] << 8) | t[3];
	p->seq = ((__u32)t[4] << 24) | ((__u32)t[5] << 16) | ((__u32)t[6] << 8) | t[7];
	p->tcp_flags = t[13];
	p->window = ((__u16)t[14] << 8) | t[15];
	p->opt_off = off + 20;
	p->optlen = hl - 20;
	p->payload_off = off + hl;
	p->payload_len = end - off - hl;
	return PARSE_OK;
}

static __always_inline int parse_udp(void *ctx, int is_xdp, struct pkt *p, __u32 off)
{
	__u8 u[8];
	__u32 end = p->ip_end;
	if (end < off + 8 || load(ctx, is_xdp, off, u, 8))
		return PARSE_UNDECODABLE;
	__u32 length = ((__u32)u[4] << 8) | u[5];
	if (length < 8)
		return PARSE_UNDECODABLE;
	p->sport = ((__u16)u[0] << 8) | u[1];
	p->dport = ((__u16)u[2] << 8) | u[3];
	p->payload_off = off + 8;
	p->payload_len = (off + length < end ? off + length : end) - off - 8;
	return PARSE_OK;
}

static __always_inline void reset_inner(struct pkt *p)
{
	p->family = 0;
	p->proto = 0;
	p->sport = 0;
	p->dport = 0;
	p->tcp_flags = 0;
	p->optlen = 0;
}

#define GRE_CHECKSUM 0x8000
#define GRE_ROUTING 0x4000
#define GRE_KEY 0x2000
#define GRE_SEQUENCE 0x1000
#define GRE_ACK 0x0080
#define GRE_PPP 0x880b
#define GRE_ERSPAN_II 0x88be
#define GRE_ERSPAN_III 0x22eb

/* ERSPAN type II (version 1, 8 bytes) or III (version 2, 12 bytes, plus an 8-byte subheader when
 * its O bit is set), then the mirrored Ethernet frame. */
static __always_inline int parse_erspan(void *ctx, int is_xdp, __u32 *at, __u32 end, __u32 version, __u32 length,
					__u32 *next)
{
	__u8 e[12];
	__u32 off = *at;
	if (end < off + length || load(ctx, is_xdp, off, e, version == 2 ? 12 : 8))
		return PARSE_UNDECODABLE;
	if ((e[0] >> 4) != version)
		return PARSE_UNDECODABLE;
	off += length;
	if (version == 2 && (e[11] & 0x01))
		off += 8;
	if (off > end)
		return PARSE_UNDECODABLE;
	*next = ETH_P_TEB;
	*at = off;
	return PARSE_OK;
}

/* PPP inside PPTP's GRE: optional 0xff 0x03, then a one-byte (odd) or two-byte protocol; IPv4
 * (0x21) and IPv6 (0x57) are followed, anything else is a tunnel payload left unread. */
static __always_inline int parse_ppp(void *ctx, int is_xdp, __u32 *at, __u32 end, __u32 *next)
{
	__u8 b[4] = {};
	__u32 off = *at;
	__u32 n = end - off < 4 ? end - off : 4;
	if (n >= 4) {
		if (load(ctx, is_xdp, off, b, 4))
			return PARSE_UNDECODABLE;
	} else if (n == 3) {
		if (load(ctx, is_xdp, off, b, 3))
			return PARSE_UNDECODABLE;
	} else if (n == 2) {
		if (load(ctx, is_xdp, off, b, 2))
			return PARSE_UNDECODABLE;
	} else if (n == 1) {
		if (load(ctx, is_xdp, off, b, 1))
			return PARSE_UNDECODABLE;
	}
	__u32 i = 0;
	if (n >= 2 && b[0] == 0xff && b[1] == 0x03)
		i = 2;
	if (n < i + 1)
		return PARSE_UNDECODABLE;
	__u32 proto = b[i & 3];
	if (proto & 1) {
		i += 1;
	} else {
		if (n < i + 2)
			return PARSE_UNDECODABLE;
		proto = (proto << 8) | b[(i + 1) & 3];
		i += 2;
	}
	*next = proto == 0x21 ? ETH_P_IPV4 : proto == 0x57 ? ETH_P_IPV6_ : 0;
	*at = off + i;
	return PARSE_OK;
}

/* GRE (RFC 2784/2890) and PPTP's enhanced GRE v1: the optional words skipped, then IPv4, IPv6,
 * Ethernet (transparent bridging), PPP (v1) or ERSPAN I/II/III by protocol type. Source routing
 * is refused, as Linux does. */
static __always_inline int parse_gre(void *ctx, int is_xdp, __u32 *at, __u32 end, __u32 *next)
{
	__u8 g[4];
	__u32 off = *at;
	if (end < off + 4 || load(ctx, is_xdp, off, g, 4))
		return PARSE_UNDECODABLE;
	__u32 flags = ((__u32)g[0] << 8) | g[1];
	__u32 version = flags & 0x7;
	__u32 proto = ((__u32)g[2] << 8) | g[3];
	if ((flags & GRE_ROUTING) || version > 1)
		return PARSE_UNDECODABLE;
	off += 4;
	if (version == 1) {
		if (!(flags & GRE_KEY) || (flags & GRE_CHECKSUM) || proto != GRE_PPP)
			return PARSE_UNDECODABLE;
		off += 4 + ((flags & GRE_SEQUENCE) ? 4 : 0) + ((flags & GRE_ACK) ? 4 : 0);
	} else {
		off += ((flags & GRE_CHECKSUM) ? 4 : 0) + ((flags & GRE_KEY) ? 4 : 0) + ((flags & GRE_SEQUENCE) ? 4 : 0);
	}
	if (off > end)
		return PARSE_UNDECODABLE;
	*at = off;
	if (proto == GRE_PPP)
		return parse_ppp(ctx, is_xdp, at, end, next);
	if (proto == GRE_ERSPAN_II) {
		if (!(flags & GRE_SEQUENCE)) {
			*next = ETH_P_TEB; /* type I: the mirrored frame follows GRE */
			return PARSE_OK;
		}
		return parse_erspan(ctx, is_xdp, at, end, 1, 8, next);
	}
	if (proto == GRE_ERSPAN_III)
		return parse_erspan(ctx, is_xdp, at, end, 2, 12, next);
	*next = proto;
	return PARSE_OK;
}

/* The common frame: Ethernet without tags, IPv4 without options, not a fragment, TCP or UDP that
 * is not a tunnel, its 54 header bytes at b (the frame's bytes from `base`). Returns PARSE_OK when
 * it is one, else -1 (the general parser then reads the frame layer by layer). The same rules as
 * the general path, read at constant offsets. */
static __always_inline int parse_simple_bytes(struct pkt *p, const __u8 *b, __u32 base, __u32 end)
{
	if (end < base + 54)
		return -1;
	if (b[12] != 0x08 || b[13] != 0x00 || b[14] != 0x45)
		return -1;
	__u8 proto = b[23];
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return -1;
	if (((b[20] & 0x1f) | b[21]) != 0)
		return -1;
	__u32 ip = base + 14;
	__u32 total = ((__u32)b[16] << 8) | b[17];
	if (total == 0)
		total = end - ip;
	if (total < 20)
		return -1;
	p->family = 4;
	p->ip_off = ip;
	p->ip_len = total;
	p->ip_end = ip + total < end ? ip + total : end;
	p->ttl = b[22];
	p->proto = proto;
	__builtin_memset(p->src, 0, 16);
	__builtin_memset(p->dst, 0, 16);
	__builtin_memcpy(p->src, &b[26], 4);
	__builtin_memcpy(p->dst, &b[30], 4);
	p->sport = ((__u16)b[34] << 8) | b[35];
	p->dport = ((__u16)b[36] << 8) | b[37];
	if (proto == IPPROTO_UDP) {
		if (p->dport == 4789 || p->dport == 8472 || p->dport == 6081)
			return -1;
		__u32 length = ((__u32)b[38] << 8) | b[39];
		if (p->ip_end < ip + 28 || length < 8)
			return -1;
		p->payload_off = ip + 28;
		p->payload_len = (ip + 20 + length < p->ip_end ? ip + 20 + length : p->ip_end) - (ip + 28);
		return PARSE_OK;
	}
	__u32 hl = (b[46] >> 4) * 4;
	if (hl < 20 || p->ip_end < ip + 20 + hl)
		return -1;
	p->seq = ((__u32)b[38] << 24) | ((__u32)b[39] << 16) | ((__u32)b[40] << 8) | b[41];
	p->tcp_flags = b[47];
	p->window = ((__u16)b[48] << 8) | b[49];
	p->opt_off = ip + 40;
	p->optlen = hl - 20;
	p->payload_off = ip + 20 + hl;
	p->payload_len = p->ip_end - (ip + 20 + hl);
	return PARSE_OK;
}

/* The same, from a constant-size copy: where the headers are not in the linear part, or inside a
 * tunnel. */
static __always_inline int parse_simple_ipv4(void *ctx, int is_xdp, struct pkt *p, __u32 base, __u32 end)
{
	__u8 b[54];
	if (end < base + 54 || load(ctx, is_xdp, base, b, 54))
		return -1;
	return parse_simple_bytes(p, b, base, end);
}

/* A frame being parsed: the packet so far, and where the next layer starts. */
struct parse_state {
	struct pkt p;
	__u32 at;
	__u32 limit;
	__u32 next;
	__s32 result;
	/* The frame's start was read in place and is not the common frame: layer 0 need not retry. */
	__u32 not_simple;
};

/* One layer: [Ethernet] IP, then the transport; a tunnel sets up the next layer and returns 0,
 * anything else records the result and returns 1 (stop). */
static __always_inline int parse_layer(void *ctx, struct parse_state *s, __u32 depth, int is_xdp)
{
	struct pkt *p = &s->p;
	__u32 at = s->at;
	__u32 limit = s->limit;
	__u32 next = s->next;
	int r;
	if (next == ETH_P_TEB) {
		if (!(depth == 0 && s->not_simple) && parse_simple_ipv4(ctx, is_xdp, p, at, limit) == PARSE_OK) {
			s->result = PARSE_OK;
			return 1;
		}
		r = parse_ethernet(ctx, is_xdp, &at, limit, &next);
		if (r)
			goto done;
	}
	if (next == ETH_P_IPV4)
		r = parse_ipv4(ctx, is_xdp, p, &at, limit);
	else if (next == ETH_P_IPV6_)
		r = parse_ipv6(ctx, is_xdp, p, &at, limit);
	else
		r = PARSE_IGNORED;
	if (r)
		goto done;
	if (p->proto == IPPROTO_TCP) {
		r = parse_tcp(ctx, is_xdp, p, at);
		goto done;
	}
	if (p->proto == IPPROTO_IPIP || p->proto == IPPROTO_IPV6 || p->proto == IPPROTO_GRE) {
		/* IP-in-IP and GRE count against the same tunnel depth as VXLAN and Geneve. */
		r = PARSE_UNDECODABLE;
		if (depth >= GLIA_MAX_TUNNEL_DEPTH)
			goto done;
		limit = p->ip_end;
		if (p->proto == IPPROTO_GRE) {
			r = parse_gre(ctx, is_xdp, &at, limit, &next);
			if (r)
				goto done;
		} else {
			next = p->proto == IPPROTO_IPIP ? ETH_P_IPV4 : ETH_P_IPV6_;
		}
		reset_inner(p);
		goto more;
	}
	r = PARSE_IGNORED;
	if (p->proto != IPPROTO_UDP)
		goto done;
	r = parse_udp(ctx, is_xdp, p, at);
	if (r)
		goto done;
	__u16 dport = p->dport;
	int vxlan = dport == 4789 || dport == 8472;
	if (!vxlan && dport != 6081)
		goto done; /* r is PARSE_OK: a plain UDP packet */
	r = PARSE_UNDECODABLE;
	if (depth >= GLIA_MAX_TUNNEL_DEPTH)
		goto done;
	limit = p->payload_off + p->payload_len;
	at = p->payload_off;
	__u8 t[8];
	if (limit < at + 8 || load(ctx, is_xdp, at, t, 8))
		goto done;
	__s32 vni = ((__s32)t[4] << 16) | ((__s32)t[5] << 8) | t[6];
	if (vxlan) {
		next = ETH_P_TEB;
		at += 8;
	} else {
		if ((t[0] >> 6) != 0)
			goto done;
		__u32 opts = (t[0] & 0x3f) * 4;
		if (limit < at + 8 + opts)
			goto done;
		next = ((__u32)t[2] << 8) | t[3];
		at += 8 + opts;
	}
	if (p->vni < 0)
		p->vni = vni;
	reset_inner(p);
more:
	s->at = at;
	s->limit = limit;
	s->next = next;
	return 0;
done:
	s->result = r;
	return 1;
}

/* One layer as a global function: the verifier checks it once, on its own, and the caller's loop
 * over tunnel layers sees only its result, so nesting does not multiply the paths to verify. */
#ifdef GLIA_PARSE_XDP
__noinline int glia_parse_layer(struct xdp_md *ctx, struct parse_state *s, __u32 depth)
{
	if (!s)
		return 1;
	return parse_layer(ctx, s, depth, 1);
}
#else
__noinline int glia_parse_layer(struct __sk_buff *ctx, struct parse_state *s, __u32 depth)
{
	if (!s)
		return 1;
	return parse_layer(ctx, s, depth, 0);
}
#endif

/* Parses a frame that starts with an Ethernet header down to its innermost TCP or UDP packet;
 * s->p.len must hold the frame's length. */
static __always_inline int parse_frame(void *ctx, int is_xdp, struct parse_state *s)
{
	s->at = 0;
	s->limit = s->p.len;
	s->next = ETH_P_TEB;
	s->result = PARSE_UNDECODABLE;
	s->not_simple = 0;
	s->p.vni = -1;
	/* Most frames are the common one: read its headers in place (bounds checked against data_end,
	 * constant offsets) when the linear part holds them, the cheapest read there is. */
	const __u8 *data, *data_end;
	if (is_xdp) {
		data = (const __u8 *)(long)((struct xdp_md *)ctx)->data;
		data_end = (const __u8 *)(long)((struct xdp_md *)ctx)->data_end;
	} else {
		data = (const __u8 *)(long)((struct __sk_buff *)ctx)->data;
		data_end = (const __u8 *)(long)((struct __sk_buff *)ctx)->data_end;
	}
	if (data + 54 <= data_end) {
		if (parse_simple_bytes(&s->p, data, 0, s->p.len) == PARSE_OK)
			return PARSE_OK;
		s->not_simple = 1;
	}
	/* Neither IP nor a VLAN tag (ARP, LLDP ...): nothing to read further. */
	if (data + 14 <= data_end && s->p.len >= 14) {
		__u32 type = ((__u32)data[12] << 8) | data[13];
		if (type != ETH_P_IPV4 && type != ETH_P_IPV6_ && type != ETH_P_VLAN && type != ETH_P_QINQ &&
		    type != ETH_P_QINQ_OLD) {
			s->result = PARSE_IGNORED;
			return PARSE_IGNORED;
		}
	}
	for (__u32 depth = 0; depth <= GLIA_MAX_TUNNEL_DEPTH; depth++) {
		if (glia_parse_layer(ctx, s, depth))
			break;
	}
	return s->result;
}

/* Copies the TCP options (at most 40 bytes, in multiples of 4) into out[40] with constant-size
 * reads; returns their length. */
static __always_inline __u8 copy_tcp_options(void *ctx, int is_xdp, const struct pkt *p, __u8 *out)
{
	__u32 optlen = p->optlen < GLIA_TCP_OPTIONS_MAX ? p->optlen : GLIA_TCP_OPTIONS_MAX;
	for (int i = 0; i < GLIA_TCP_OPTIONS_MAX / 4; i++) {
		if ((__u32)i * 4 >= optlen)
			break;
		if (load(ctx, is_xdp, p->opt_off + i * 4, &out[i * 4], 4))
			break;
	}
	return optlen;
}

/* (address, port) of a against b, numerically: <0, 0, >0. */
static __always_inline int endpoint_cmp(const __u8 *a, __u16 aport, const __u8 *b, __u16 bport)
{
	for (int i = 0; i < 16; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	}
	return aport == bport ? 0 : aport < bport ? -1 : 1;
}

static __always_inline int addr_cmp(const __u8 *a, const __u8 *b)
{
	return endpoint_cmp(a, 0, b, 0);
}
