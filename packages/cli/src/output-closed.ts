/**
 * The reader of standard output going away (`glia replay … | head -1`) is not an error: output
 * stops, the command winds down as on an interrupt, and exits 0 without a stack trace. Watched for
 * every command; commands that run until interrupted race `outputClosed()` with their signals.
 */
let closed = false;
let resolveClosed: () => void = () => undefined;
const whenClosed = new Promise<void>((resolve) => {
  resolveClosed = resolve;
});

/** Installs the watch on stdout (once). A write error other than a closed pipe is re-thrown. */
export function watchStdout(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      closed = true;
      resolveClosed();
      return;
    }
    throw error;
  });
}

/** Resolves when stdout's reader has gone. */
export function outputClosed(): Promise<void> {
  return whenClosed;
}

export function isOutputClosed(): boolean {
  return closed;
}
