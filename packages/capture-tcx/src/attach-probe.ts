import { errorMessage, hasFeature, type ProbeResult } from '@glia/core';
import { probeKernel } from '@glia/libbpf';
import type { TcxConfig } from './config.js';
import { TcxObserver } from './observer.js';
import { probeTcx } from './probe.js';

/** Small maps: the probe loads the real programs, not a real flow table. */
const PROBE_FLOWS = 1024;
const PROBE_RING_BYTES = 65536;

/**
 * The tcx plugin's factory probe, for the `observe.mode: auto` ladder and `glia doctor`: whether
 * the observer can run on this host with this config, tried for real. First probeTcx (privileges,
 * ring buffers, tcx hooks or legacy tc), then the observer object itself loaded (the verifier,
 * under this process's privileges) and — where tcx is used — its ingress program attached to the
 * loopback device's tcx hook and detached again at once (observing never changes the datapath; the
 * link dies with its file descriptor). With `legacy_tc` on a kernel without tcx the attach is not
 * tried: a legacy tc filter would leave a clsact qdisc behind on `lo`, so the load stands for it.
 */
export function probeTcxAttach(config: Partial<TcxConfig> = {}): ProbeResult {
  // libbpf's probes report a load refused for privileges as "not supported": say which it is.
  if (!hasFeature('bpf'))
    return { ok: false, reason: 'no eBPF privileges: this process has neither CAP_BPF nor CAP_SYS_ADMIN' };
  const kernel = probeKernel();
  const checks = probeTcx({ legacyTc: config.legacy_tc }, kernel);
  if (!checks.ok) return { ok: false, reason: checks.reason ?? 'the host cannot run the tcx observer' };
  let observer: TcxObserver;
  try {
    observer = TcxObserver.load({ maxFlows: PROBE_FLOWS, ringBytes: PROBE_RING_BYTES });
  } catch (error) {
    return { ok: false, reason: `the observer does not load: ${errorMessage(error)}` };
  }
  try {
    if (!checks.legacy) observer.attach('lo', 'ingress', false);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `tcx attach on lo failed: ${errorMessage(error)}` };
  } finally {
    observer.close();
  }
}
