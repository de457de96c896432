/** Program types (enum bpf_prog_type). */
export const ProgType = { SCHED_CLS: 3, XDP: 6 } as const;

/** Map types (enum bpf_map_type) the glia programs use. */
export const MapType = {
  HASH: 1,
  ARRAY: 2,
  PERCPU_HASH: 5,
  PERCPU_ARRAY: 6,
  LRU_HASH: 9,
  LRU_PERCPU_HASH: 10,
  RINGBUF: 27,
} as const;

/**
 * Attach types. BPF_TCX_INGRESS/EGRESS (kernel 6.6) are missing from Debian's 6.1 uapi headers and
 * libbpf 1.1, so they are spelled out here.
 */
export const AttachType = { XDP: 37, TCX_INGRESS: 46, TCX_EGRESS: 47 } as const;

/** BPF_F_BEFORE: with no relative program, the new one goes first in the tcx chain. */
export const BPF_F_BEFORE = 1 << 3;
export const XDP_FLAGS_SKB_MODE = 1 << 1;
export const XDP_FLAGS_DRV_MODE = 1 << 2;

/** Update flags of map_update_elem. */
export const UpdateFlag = { ANY: 0, NOEXIST: 1, EXIST: 2 } as const;

/** tc verdicts a sched_cls program returns. */
export const TcAction = { UNSPEC: -1, OK: 0, SHOT: 2 } as const;
export const XdpAction = { ABORTED: 0, DROP: 1, PASS: 2, TX: 3, REDIRECT: 4 } as const;

export const PERCPU_MAP_TYPES: ReadonlySet<number> = new Set([
  MapType.PERCPU_HASH,
  MapType.PERCPU_ARRAY,
  MapType.LRU_PERCPU_HASH,
]);
