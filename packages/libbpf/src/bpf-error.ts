/**
 * A failed kernel or libbpf operation: what was attempted (`op`), the system's reason (`errno`,
 * `code` such as EPERM) and, for loads, what libbpf printed, the verifier log among it.
 */
export class BpfError extends Error {
  constructor(
    message: string,
    readonly op: string,
    readonly errno: number,
    readonly code: string,
    readonly log: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BpfError';
  }

  /** The verifier's last lines, which say why a program was rejected. */
  logTail(lines = 20): string {
    if (this.log === undefined) return '';
    return this.log.trimEnd().split('\n').slice(-lines).join('\n');
  }
}

interface NativeErrorShape {
  message: string;
  op?: string;
  errno?: number;
  code?: string;
  log?: string;
}

/** Runs a native call; an error it throws becomes a BpfError, with `where` in front of its message. */
export function nativeCall<T>(where: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asBpfError(error, where);
  }
}

export function asBpfError(error: unknown, where: string): Error {
  if (error instanceof BpfError) return error;
  if (!(error instanceof Error)) return new Error(`${where}: ${String(error)}`);
  const e = error as Error & NativeErrorShape;
  if (typeof e.errno !== 'number') return new Error(`${where}: ${e.message}`, { cause: error });
  const hint = HINTS[e.code ?? ''];
  const message = `${where}: ${e.message}${hint === undefined ? '' : `; ${hint}`}`;
  return new BpfError(message, e.op ?? where, e.errno, e.code ?? 'EUNKNOWN', e.log, { cause: error });
}

const HINTS: Record<string, string> = {
  EPERM: 'needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (or root)',
  EACCES: 'the verifier rejected the program (see the log)',
};
