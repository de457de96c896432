/* The per-program counters every glia program keeps (enum glia_counter, indexed by GLIA_PROG_*),
 * a per-CPU array that user space sums and exports as metrics. */
#pragma once

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "glia_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GLIA_PROGS);
	__type(key, __u32);
	__type(value, struct glia_counters);
} counters SEC(".maps");

/* This CPU's counters of one program (null only if the map lookup failed). */
static __always_inline struct glia_counters *program_counters(__u32 prog)
{
	return bpf_map_lookup_elem(&counters, &prog);
}
