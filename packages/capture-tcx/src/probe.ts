import { errorMessage, hasFeature, type ProbeResult } from '@glia/core';
import { probeKernel } from '@glia/libbpf';
import type { TcxConfig } from './config.js';
import { TcxObserver } from './observer.js';

/** Small maps: the probe loads the real programs, not a real flow table. */
const PROBE_FLOWS = 1024;
const PROBE_RING_BYTES = 65536;

/**
 * Whether the observer can run on this host with this config, tried for real (the `observe.mode:
 * auto` ladder and `glia doctor` ask): the libbpf addon loads, BPF programs and ring buffer maps
 * load under this process's privileges (libbpf's probes), the observer object itself passes the
 * verifier, and — where tcx is used — its ingress program attaches to the loopback device's tcx hook
 * and is detached again at once (observing never changes the datapath; the link dies with its file
 * descriptor). With `legacy_tc` on a kernel without tcx the attach is not tried: a legacy tc
 * filter would leave a clsact qdisc behind on `lo`, so the object load stands for it.
 */
export function probeTcx(config: Partial<TcxConfig> = {}): ProbeResult {
  const kernel = probeKernel();
  if (!kernel.addon.ok) return { ok: false, reason: kernel.addon.reason ?? 'the libbpf addon does not load' };
  // libbpf's probe reports a load refused for privileges as "not supported": say which it is.
  if (!hasFeature('bpf'))
    return { ok: false, reason: 'no eBPF privileges: this process has neither CAP_BPF nor CAP_SYS_ADMIN' };
  if (!kernel.bpf.ok) return { ok: false, reason: kernel.bpf.reason ?? 'BPF programs do not load' };
  if (!kernel.ringbuf.ok) return { ok: false, reason: kernel.ringbuf.reason ?? 'no ring buffer maps' };
  const legacy = config.legacy_tc ?? true;
  if (!kernel.tcx.ok && !legacy) return { ok: false, reason: kernel.tcx.reason ?? 'no tcx hooks' };
  let observer: TcxObserver;
  try {
    observer = TcxObserver.load({ maxFlows: PROBE_FLOWS, ringBytes: PROBE_RING_BYTES });
  } catch (error) {
    return { ok: false, reason: `the observer does not load: ${errorMessage(error)}` };
  }
  try {
    if (kernel.tcx.ok) observer.attach('lo', 'ingress', false);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `tcx attach on lo failed: ${errorMessage(error)}` };
  } finally {
    observer.close();
  }
}
