/* Frame parsing shared by the tcx observer and the XDP recorder: Ethernet with up to 8 VLAN
 * tags, IPv4 (options; a first fragment only), IPv6 with up to 8 extension headers (a first
 * fragment only), TCP, UDP, and VXLAN (UDP 4789, 8472) / Geneve (UDP 6081) nested up to
 * GLIA_MAX_TUNNEL_DEPTH times. The rules are those of @glia/packet's decoder (its decode/ folder), so a
 * frame the user-space logic decodes is decoded here to the same packet, and one it rejects is
 * rejected here.
 *
 * Every read is a bpf_skb_load_bytes / bpf_xdp_load_bytes of a constant size into a stack buffer:
 * no direct packet access, so non-linear packets and the verifier are both fine. */
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

/* The common frame in one read: Ethernet without tags, IPv4 without options, not a fragment,
 * TCP or UDP that is not a tunnel. Returns PARSE_OK when it is one, else -1 (the general parser
 * then reads the frame layer by layer). Same rules as the general path, fewer helper calls. */
static __always_inline int parse_simple_ipv4(void *ctx, int is_xdp, struct pkt *p, __u32 base, __u32 end)
{
	__u8 b[54];
	if (end < base + 54 || load(ctx, is_xdp, base, b, 54))
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

/* Parses a frame that starts with an Ethernet header down to its innermost TCP or UDP packet. */
static __always_inline int parse_frame(void *ctx, int is_xdp, struct pkt *p)
{
	p->vni = -1;
	__u32 at = 0;
	__u32 limit = p->len;
	__u32 next = ETH_P_TEB;
	int r;
	p->vni = -1;
	for (int depth = 0; depth <= GLIA_MAX_TUNNEL_DEPTH; depth++) {
		if (next == ETH_P_TEB) {
			if (parse_simple_ipv4(ctx, is_xdp, p, at, limit) == PARSE_OK)
				return PARSE_OK;
			r = parse_ethernet(ctx, is_xdp, &at, limit, &next);
			if (r)
				return r;
		}
		if (next == ETH_P_IPV4)
			r = parse_ipv4(ctx, is_xdp, p, &at, limit);
		else if (next == ETH_P_IPV6_)
			r = parse_ipv6(ctx, is_xdp, p, &at, limit);
		else
			return PARSE_IGNORED;
		if (r)
			return r;
		if (p->proto == IPPROTO_TCP)
			return parse_tcp(ctx, is_xdp, p, at);
		if (p->proto != IPPROTO_UDP)
			return PARSE_IGNORED;
		r = parse_udp(ctx, is_xdp, p, at);
		if (r)
			return r;
		__u16 dport = p->dport;
		int vxlan = dport == 4789 || dport == 8472;
		if (!vxlan && dport != 6081)
			return PARSE_OK;
		if (depth == GLIA_MAX_TUNNEL_DEPTH)
			return PARSE_UNDECODABLE;
		limit = p->payload_off + p->payload_len;
		at = p->payload_off;
		__u8 t[8];
		if (limit < at + 8 || load(ctx, is_xdp, at, t, 8))
			return PARSE_UNDECODABLE;
		__s32 vni = ((__s32)t[4] << 16) | ((__s32)t[5] << 8) | t[6];
		if (vxlan) {
			next = ETH_P_TEB;
			at += 8;
		} else {
			if ((t[0] >> 6) != 0)
				return PARSE_UNDECODABLE;
			__u32 opts = (t[0] & 0x3f) * 4;
			if (limit < at + 8 + opts)
				return PARSE_UNDECODABLE;
			next = ((__u32)t[2] << 8) | t[3];
			at += 8 + opts;
		}
		if (p->vni < 0)
			p->vni = vni;
		reset_inner(p);
	}
	return PARSE_UNDECODABLE;
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
