import { existsSync } from 'node:fs';
import { AttachType, MapType, ProgType } from './constants.js';
import { native } from './native.js';

export interface FeatureProbe {
  ok: boolean;
  /** Why not, in words an operator can act on. */
  reason?: string;
}

/** What this host can do for the kernel backends, each with the reason when it cannot. */
export interface KernelProbe {
  /** The native addon loads (libbpf.so present, built for this Node). */
  addon: FeatureProbe;
  /** sched_cls programs load (privileges: CAP_BPF + CAP_NET_ADMIN + CAP_PERFMON). */
  bpf: FeatureProbe;
  /** /sys/kernel/btf/vmlinux, for CO-RE. */
  btf: FeatureProbe;
  /** The tcx hooks (kernel 6.6+). */
  tcx: FeatureProbe;
  /** XDP programs load. */
  xdp: FeatureProbe;
  /** BPF ring buffer maps (kernel 5.8+). */
  ringbuf: FeatureProbe;
  libbpfVersion?: string;
}

const NO_ADDON: FeatureProbe = { ok: false, reason: 'the libbpf addon is not available' };

/**
 * Probes the kernel without side effects on the datapath: program and map types are tried by
 * loading tiny ones (libbpf's probes), tcx by querying the loopback device's tcx hook (a kernel
 * without tcx answers EINVAL). Never throws.
 */
export function probeKernel(): KernelProbe {
  let binding;
  try {
    binding = native();
  } catch (error) {
    const addon = { ok: false, reason: (error as Error).message };
    const btf = probeBtf();
    return { addon, bpf: NO_ADDON, btf, tcx: NO_ADDON, xdp: NO_ADDON, ringbuf: NO_ADDON };
  }
  const loads = (r: number, what: string): FeatureProbe =>
    r === 1
      ? { ok: true }
      : {
          ok: false,
          reason:
            r === 0
              ? `the kernel does not support ${what}`
              : `cannot load ${what} (${-r === 1 ? 'EPERM: needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON' : `errno ${-r}`})`,
        };
  const bpf = loads(binding.probeProgType(ProgType.SCHED_CLS), 'sched_cls programs');
  const xdp = bpf.ok ? loads(binding.probeProgType(ProgType.XDP), 'XDP programs') : bpf;
  const ringbuf = bpf.ok ? loads(binding.probeMapType(MapType.RINGBUF), 'ring buffer maps') : bpf;
  return {
    addon: { ok: true },
    bpf,
    btf: probeBtf(),
    tcx: bpf.ok ? probeTcx() : bpf,
    xdp,
    ringbuf,
    libbpfVersion: binding.libbpfVersion(),
  };
}

function probeBtf(): FeatureProbe {
  return existsSync('/sys/kernel/btf/vmlinux')
    ? { ok: true }
    : { ok: false, reason: 'no /sys/kernel/btf/vmlinux (kernel built without CONFIG_DEBUG_INFO_BTF)' };
}

function probeTcx(): FeatureProbe {
  try {
    const lo = native().ifNameToIndex('lo');
    native().progQuery(lo, AttachType.TCX_INGRESS);
    return { ok: true };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EINVAL') return { ok: false, reason: 'the kernel has no tcx hooks (needs Linux 6.6+)' };
    return { ok: false, reason: `tcx query failed: ${(error as Error).message}` };
  }
}
