import type { Direction } from '@glia/core';
import { RingBufferReader, forEachRecord } from '@glia/libbpf';
import type { CaptureEventMap, CaptureTopic } from '@glia/packet';
import type { TcxObserver } from './observer.js';
import { RecordDecoder } from './records.js';

/** sizeof(struct __sk_buff) and where its tstamp sits (linux/bpf.h). */
const SKB_CTX_BYTES = 192;
const SKB_TSTAMP_OFFSET = 152;
/**
 * The largest frame BPF_PROG_TEST_RUN takes for a sched_cls program: a page less the skb's head
 * and tail room (bpf_test_init).
 */
export const TEST_RUN_MAX_FRAME = 3500;
export const TEST_RUN_MIN_FRAME = 14;

export type TestRunEvent = { [K in CaptureTopic]: { topic: K; event: CaptureEventMap[K] } }[CaptureTopic];

/**
 * Drives an observer loaded with `packetTime: true` through BPF_PROG_TEST_RUN, one frame at a
 * time with its capture time as skb->tstamp, and decodes what it wrote to the ring buffer. For
 * tests against the user-space logic and for the kernel benchmarks.
 */
export class ObserverTestRun {
  private readonly reader: RingBufferReader;
  private readonly decoder: RecordDecoder;
  private pending: TestRunEvent[] = [];
  private readonly ctx = Buffer.alloc(SKB_CTX_BYTES);

  constructor(
    readonly observer: TcxObserver,
    iface = 'test0',
  ) {
    this.reader = new RingBufferReader(observer.events);
    this.decoder = new RecordDecoder((topic, event) => this.pending.push({ topic, event } as TestRunEvent), {
      ifaceName: () => iface,
      tsOffsetNs: 0n,
    });
  }

  /** Runs one Ethernet frame; returns the program's verdict and the events it emitted. */
  run(frame: Uint8Array, ts: bigint, dir: Direction = 'ingress'): { retval: number; events: TestRunEvent[] } {
    this.ctx.writeBigUInt64LE(ts, SKB_TSTAMP_OFFSET);
    const program = dir === 'ingress' ? this.observer.ingress : this.observer.egress;
    const data = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    const r = program.testRun(data, { ctx: this.ctx });
    const batch = this.reader.consume();
    if (batch !== null)
      forEachRecord(batch, (bytes, offset, length) => this.decoder.decode(bytes, offset, length));
    const events = this.pending;
    this.pending = [];
    return { retval: r.retval, events };
  }

  close(): void {
    this.reader.close();
  }
}
