import { probeKernel, type FeatureProbe, type KernelProbe } from '@glia/libbpf';

/**
 * Whether this host can run the tcx observer, and why not: BPF privileges, ring buffers, and the
 * tcx hooks (or, with `legacyTc`, legacy tc in their place). Side-effect free; for `glia doctor`
 * and the `auto` observe mode.
 */
export function probeTcx(
  options: { legacyTc?: boolean } = {},
  probe: KernelProbe = probeKernel(),
): FeatureProbe & { legacy: boolean } {
  for (const feature of ['addon', 'bpf', 'ringbuf'] as const) {
    const p = probe[feature];
    if (!p.ok) return { ok: false, legacy: false, reason: `${feature}: ${p.reason ?? 'unavailable'}` };
  }
  if (probe.tcx.ok) return { ok: true, legacy: false };
  if (options.legacyTc !== false)
    return {
      ok: true,
      legacy: true,
      reason: `tcx: ${probe.tcx.reason ?? 'unavailable'}; legacy tc will be used`,
    };
  return { ok: false, legacy: false, reason: `tcx: ${probe.tcx.reason ?? 'unavailable'}` };
}
