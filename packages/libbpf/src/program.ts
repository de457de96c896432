import { nativeCall } from './bpf-error.js';
import { native, type NativeProgramInfo } from './native.js';

export interface TestRunOptions {
  /** The program's context in (a __sk_buff for sched_cls, xdp_md for XDP), e.g. to set tstamp. */
  ctx?: Buffer;
  /** Runs of the same input; the duration is the mean per run. Default 1. */
  repeat?: number;
}

export interface TestRunResult {
  /** What the program returned (TC_ACT_* / XDP_*). */
  retval: number;
  /** Mean nanoseconds per run, as the kernel measured it. */
  durationNs: number;
  /** The packet after the program (programs that do not write leave it as it came). */
  dataOut: Buffer;
  ctxOut: Buffer;
}

/** A loaded program of a BpfObject; its file descriptor is owned by that object. */
export class BpfProgram {
  readonly name: string;
  readonly section: string;
  readonly type: number;
  readonly fd: number;

  constructor(info: NativeProgramInfo) {
    this.name = info.name;
    this.section = info.section;
    this.type = info.type;
    this.fd = info.fd;
  }

  /** The kernel's id of this program (what tcx and XDP queries list). */
  id(): number {
    return nativeCall(`program ${this.name}`, () => native().progId(this.fd));
  }

  /** Runs the program on a frame with BPF_PROG_TEST_RUN (no device involved). */
  testRun(frame: Buffer, options: TestRunOptions = {}): TestRunResult {
    const ctx = options.ctx ?? null;
    const r = nativeCall(`test run of ${this.name}`, () =>
      native().testRun(
        this.fd,
        frame,
        ctx,
        options.repeat ?? 1,
        frame.length + 512,
        ctx === null ? 0 : ctx.length,
      ),
    );
    return { retval: r.retval, durationNs: r.duration, dataOut: r.dataOut, ctxOut: r.ctxOut };
  }
}
