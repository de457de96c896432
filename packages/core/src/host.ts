import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import type { HostFeature } from './plugin/api.js';

/** Kernel version as [major, minor]. */
export function kernelVersion(text = release()): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

function atLeast(version: [number, number], major: number, minor: number): boolean {
  return version[0] > major || (version[0] === major && version[1] >= minor);
}

/** Effective capability bits of this process (from /proc/self/status). */
function effectiveCapabilities(): bigint {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? BigInt(`0x${m[1]}`) : 0n;
  } catch {
    return 0n;
  }
}

const CAP_NET_ADMIN = 12n;
const CAP_NET_RAW = 13n;
const CAP_SYS_ADMIN = 21n;
const CAP_BPF = 39n;

/**
 * Probes one host feature. A plugin whose `requires` are not all present is not started and is
 * reported failed with the missing features named.
 */
export function hasFeature(feature: HostFeature): boolean {
  const caps = effectiveCapabilities();
  const has = (bit: bigint): boolean => ((caps >> bit) & 1n) === 1n;
  const kernel = kernelVersion();
  switch (feature) {
    case 'bpf':
      return existsSync('/sys/fs/bpf') && (has(CAP_BPF) || has(CAP_SYS_ADMIN));
    case 'btf':
      return existsSync('/sys/kernel/btf/vmlinux');
    case 'tcx':
      return atLeast(kernel, 6, 6);
    case 'xdp':
      return atLeast(kernel, 4, 18);
    case 'ringbuf':
      return atLeast(kernel, 5, 8);
    case 'cap_net_raw':
      return has(CAP_NET_RAW);
    case 'cap_net_admin':
      return has(CAP_NET_ADMIN);
  }
}

export function missingFeatures(required: readonly HostFeature[] = []): HostFeature[] {
  return required.filter((f) => !hasFeature(f));
}
