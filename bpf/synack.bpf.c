// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The XDP SYN-ACK recorder: on a device's ingress, before the stack (and before a CNI's own tc
 * programs), it records every TCP SYN-ACK (innermost, through VXLAN/Geneve) into an LRU map keyed
 * by the server (address, port, VNI): the latest SYN-ACK of each server, which user space drains
 * periodically into conn events for JA4TS. It always passes the packet. */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

#define GLIA_PARSE_XDP
#include "glia_abi.h"
#include "glia_counters.h"
#include "glia_parse.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct glia_synack_key);
	__type(value, struct glia_synack);
} synacks SEC(".maps");

SEC("xdp")
int glia_xdp_synack(struct xdp_md *ctx)
{
	struct glia_counters *cnt = program_counters(GLIA_PROG_XDP);
	if (cnt)
		cnt->c[GLIA_C_PACKETS]++;
	struct parse_state ps = {};
	ps.p.len = bpf_xdp_get_buff_len(ctx);
	int r = parse_frame(ctx, 1, &ps);
	struct pkt *p = &ps.p;
	if (r != PARSE_OK) {
		if (cnt)
			cnt->c[r == PARSE_IGNORED ? GLIA_C_IGNORED : GLIA_C_UNDECODABLE]++;
		return XDP_PASS;
	}
	if (p->proto != IPPROTO_TCP || (p->tcp_flags & 0x12) != 0x12)
		return XDP_PASS;

	struct glia_synack_key k = {};
	__builtin_memcpy(k.server, p->src, 16);
	k.port = p->sport;
	k.family = p->family;
	k.vni = p->vni;
	struct glia_synack v = {};
	v.ts = bpf_ktime_get_ns();
	v.ifindex = ctx->ingress_ifindex;
	__builtin_memcpy(v.client, p->dst, 16);
	v.client_port = p->dport;
	v.flags = p->tcp_flags;
	v.ttl = p->ttl;
	v.window = p->window;
	v.optlen = copy_tcp_options(ctx, 1, p, v.options);
	if (bpf_map_update_elem(&synacks, &k, &v, BPF_ANY) == 0 && cnt)
		cnt->c[GLIA_C_EVENTS]++;
	return XDP_PASS;
}
