/** Where block-log lines go. Every line handed to write() ends with "\n". */
export interface LineOutput {
  /** For health reasons and logs: "stdout", "stderr" or the file path. */
  readonly target: string;
  open(): Promise<void>;
  /** Writes the lines in order; rejects with the I/O error when they could not all be written. */
  write(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** stdout or stderr. Never ended: the process owns them. */
export class StreamOutput implements LineOutput {
  private listening = false;

  constructor(
    readonly target: 'stdout' | 'stderr',
    private readonly stream: NodeJS.WritableStream = target === 'stdout' ? process.stdout : process.stderr,
  ) {}

  async open(): Promise<void> {
    // A closed pipe (EPIPE) is also emitted as an 'error' event, which would kill the process if
    // nobody listened. The write callback already reports it, so the listener only has to exist.
    if (!this.listening) {
      this.stream.on('error', ignore);
      this.listening = true;
    }
  }

  write(lines: readonly string[]): Promise<void> {
    // Waiting for the callback is what applies back-pressure to the queue when the reader is slow.
    return new Promise((done, fail) => {
      this.stream.write(lines.join(''), (error) => (error ? fail(error) : done()));
    });
  }

  async close(): Promise<void> {
    if (this.listening) {
      this.stream.removeListener('error', ignore);
      this.listening = false;
    }
  }
}

function ignore(): void {}
