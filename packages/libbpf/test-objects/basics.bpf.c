// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Programs and maps the @glia/libbpf tests drive: a tc program that counts, reports the packet
 * length read through CO-RE from the kernel's struct sk_buff, and writes a ring-buffer record;
 * an XDP program; maps of the types glia uses. Compiled by the tests with clang. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The kernel's sk_buff as far as this program needs it: libbpf relocates the field offset
 * against the running kernel's BTF (CO-RE). */
struct sk_buff {
	unsigned int len;
} __attribute__((preserve_access_index));

extern void *bpf_cast_to_kern_ctx(void *) __ksym;

const volatile __u32 tag = 0;

struct record {
	__u32 tag;
	__u32 skb_len;
	__u32 core_len;
	__u32 seq;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} percpu SEC(".maps");

SEC("tc")
int count_and_report(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&runs, &zero);
	__u64 seq = n ? __sync_fetch_and_add(n, 1) : 0;
	__u64 *p = bpf_map_lookup_elem(&percpu, &zero);
	if (p)
		*p += 1;
	struct sk_buff *kskb = bpf_cast_to_kern_ctx(skb);
	struct record *r = bpf_ringbuf_reserve(&ring, sizeof(*r), 0);
	if (r) {
		r->tag = tag;
		r->skb_len = skb->len;
		r->core_len = kskb->len;
		r->seq = seq;
		bpf_ringbuf_submit(r, 0);
	}
	return TC_ACT_UNSPEC;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
