import { nativeCall } from './bpf-error.js';
import { AttachType, BPF_F_BEFORE, XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE } from './constants.js';
import { native } from './native.js';
import type { BpfProgram } from './program.js';

export type TcDirection = 'ingress' | 'egress';
export type XdpMode = 'auto' | 'native' | 'generic';

/** How a program is attached. tcx and xdp are BPF links; `tc` is a legacy clsact filter. */
export type LinkKind = 'tcx' | 'xdp' | 'tc';

/** Where legacy tc filters of glia sit on a clsact hook: a fixed handle and priority. */
export const LEGACY_TC_HANDLE = 0x911a;
export const LEGACY_TC_PRIORITY = 1;

/**
 * An attachment of a program to a device. A tcx or XDP link is a file descriptor: closing it, or
 * the process dying, detaches the program. A legacy tc filter outlives the process; close()
 * removes it, and attaching again replaces a stale one (same handle and priority).
 */
export class BpfLink {
  private open = true;

  constructor(
    readonly kind: LinkKind,
    readonly iface: string,
    readonly ifindex: number,
    /** tcx/tc: ingress or egress; xdp: always ingress. */
    readonly direction: TcDirection,
    /** The link's file descriptor (-1 for a legacy tc filter). */
    readonly fd: number,
    /** For XDP: the mode the kernel accepted. */
    readonly mode?: 'native' | 'generic',
  ) {}

  get attached(): boolean {
    return this.open;
  }

  /** Pins the link in a mounted bpffs: it then stays attached after this process ends. */
  pin(path: string): void {
    if (this.fd < 0)
      throw new Error(`a legacy tc filter on ${this.iface} is not a link and cannot be pinned`);
    nativeCall(`pin link on ${this.iface}`, () => native().objPin(this.fd, path));
  }

  /** Detaches. Idempotent. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    if (this.kind === 'tc') {
      nativeCall(`detach tc filter on ${this.iface}`, () =>
        native().tcDetach(this.ifindex, this.direction === 'ingress', LEGACY_TC_HANDLE, LEGACY_TC_PRIORITY),
      );
    } else {
      native().closeFd(this.fd);
    }
  }
}

/** The interface index of a device in this process's network namespace. */
export function ifindexOf(iface: string): number {
  return nativeCall(`interface ${iface}`, () => native().ifNameToIndex(iface));
}

/** Attaches a sched_cls program to a device's tcx hook, first in the chain (kernel 6.6+). */
export function attachTcx(program: BpfProgram, iface: string, direction: TcDirection): BpfLink {
  const ifindex = ifindexOf(iface);
  const type = direction === 'ingress' ? AttachType.TCX_INGRESS : AttachType.TCX_EGRESS;
  const fd = nativeCall(`attach ${program.name} to tcx ${direction} of ${iface}`, () =>
    native().linkCreate(program.fd, ifindex, type, BPF_F_BEFORE),
  );
  return new BpfLink('tcx', iface, ifindex, direction, fd);
}

/** Attaches a sched_cls program as a legacy tc clsact filter (kernels without tcx). */
export function attachTcLegacy(program: BpfProgram, iface: string, direction: TcDirection): BpfLink {
  const ifindex = ifindexOf(iface);
  nativeCall(`attach ${program.name} to tc ${direction} of ${iface}`, () =>
    native().tcAttach(ifindex, direction === 'ingress', program.fd, LEGACY_TC_HANDLE, LEGACY_TC_PRIORITY),
  );
  return new BpfLink('tc', iface, ifindex, direction, -1);
}

/**
 * tcx where the kernel has it, else a legacy clsact filter (`legacyFallback`). The kernel answers
 * EINVAL for an attach type it does not know.
 */
export function attachTc(
  program: BpfProgram,
  iface: string,
  direction: TcDirection,
  options: { legacyFallback?: boolean } = {},
): BpfLink {
  try {
    return attachTcx(program, iface, direction);
  } catch (error) {
    if (options.legacyFallback === false || (error as { code?: string }).code !== 'EINVAL') throw error;
    return attachTcLegacy(program, iface, direction);
  }
}

/**
 * Attaches an XDP program with a link. `auto` tries the driver's native mode and falls back to
 * generic (skb) mode, which every device has (a VXLAN device has no native XDP).
 */
export function attachXdp(program: BpfProgram, iface: string, mode: XdpMode = 'auto'): BpfLink {
  const ifindex = ifindexOf(iface);
  const attempt = (m: 'native' | 'generic'): BpfLink => {
    const flags = m === 'native' ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
    const fd = nativeCall(`attach ${program.name} to XDP (${m}) of ${iface}`, () =>
      native().linkCreate(program.fd, ifindex, AttachType.XDP, flags),
    );
    return new BpfLink('xdp', iface, ifindex, 'ingress', fd, m);
  };
  if (mode !== 'auto') return attempt(mode);
  try {
    return attempt('native');
  } catch {
    return attempt('generic');
  }
}

/** Program ids on a device's tcx hook (empty when none); throws where the kernel has no tcx. */
export function tcxProgramIds(iface: string, direction: TcDirection): number[] {
  const ifindex = ifindexOf(iface);
  const type = direction === 'ingress' ? AttachType.TCX_INGRESS : AttachType.TCX_EGRESS;
  return nativeCall(`query tcx ${direction} of ${iface}`, () => native().progQuery(ifindex, type));
}

/** The id of the XDP program on a device (0 when none), and the mode it runs in. */
export function xdpProgramId(iface: string): { progId: number; mode: number } {
  const ifindex = ifindexOf(iface);
  const r = nativeCall(`query XDP of ${iface}`, () => native().xdpQuery(ifindex));
  return { progId: r.progId, mode: r.mode };
}
