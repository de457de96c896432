/** Where block-log lines go. Every line handed to write() ends with "\n". */
export interface LineOutput {
  /** For health reasons and logs: "stdout", "stderr" or the file path. */
  readonly target: string;
  open(): Promise<void>;
  /** Writes the lines in order; rejects with the I/O error when they could not all be written. */
  write(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** stdout or stderr. Never closed: the process owns them. */
export class StreamOutput implements LineOutput {
  constructor(
    readonly target: 'stdout' | 'stderr',
    private readonly stream: NodeJS.WritableStream = target === 'stdout' ? process.stdout : process.stderr,
  ) {}

  async open(): Promise<void> {}

  write(lines: readonly string[]): Promise<void> {
    // Waiting for the callback is what applies back-pressure to the queue when the reader is slow.
    return new Promise((done, fail) => {
      this.stream.write(lines.join(''), (error) => (error ? fail(error) : done()));
    });
  }

  async close(): Promise<void> {}
}
