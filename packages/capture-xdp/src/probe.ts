import { probeKernel, type FeatureProbe, type KernelProbe } from '@glia/libbpf';

/** Whether this host can run the XDP SYN-ACK recorder, and why not. Side-effect free. */
export function probeXdp(probe: KernelProbe = probeKernel()): FeatureProbe {
  for (const feature of ['addon', 'bpf', 'xdp'] as const) {
    const p = probe[feature];
    if (!p.ok) return { ok: false, reason: `${feature}: ${p.reason ?? 'unavailable'}` };
  }
  return { ok: true };
}
