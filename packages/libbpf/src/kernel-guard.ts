import { probeKernel, type KernelProbe } from './probe.js';

export type KernelFeature = 'bpf' | 'btf' | 'tcx' | 'xdp' | 'ringbuf';

/**
 * For kernel tests: whether this host can run them. Missing features skip the tests with a loud
 * warning naming why, except under GLIA_REQUIRE_KERNEL=1 (CI), where they are an error: there a
 * kernel test must never skip.
 */
export function canRunKernelTests(features: readonly KernelFeature[] = ['bpf', 'tcx', 'ringbuf']): boolean {
  const probe: KernelProbe = probeKernel();
  const missing = [
    ...(probe.addon.ok ? [] : [['addon', probe.addon.reason]]),
    ...features.filter((f) => !probe[f].ok).map((f) => [f, probe[f].reason]),
  ];
  if (missing.length === 0) return true;
  const why = missing.map(([f, reason]) => `${f}: ${reason ?? 'unavailable'}`).join('; ');
  if (process.env.GLIA_REQUIRE_KERNEL === '1')
    throw new Error(`kernel tests required but the host lacks ${why}`);
  console.warn(`SKIPPING kernel tests: ${why} (GLIA_REQUIRE_KERNEL=1 makes this an error)`);
  return false;
}
