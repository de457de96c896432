import { join } from 'node:path';
import { fixtureCaptures } from '@glia/core/testing';
import { canRunKernelTests, TcAction } from '@glia/libbpf';
import { CaptureEventLogic, LinkType } from '@glia/packet';
import { afterAll, describe, expect, it } from 'vitest';
import { ethernetFrames, type TimedFrame } from './fixture-frames.js';
import { TcxObserver } from './observer.js';
import { ObserverTestRun, TEST_RUN_MAX_FRAME, TEST_RUN_MIN_FRAME, type TestRunEvent } from './test-run.js';

const kernel = canRunKernelTests(['bpf', 'ringbuf']);
const { pcaps, captures } = kernel ? fixtureCaptures() : { pcaps: '', captures: [] };

/** What @glia/packet's user-space logic emits for the frames, in order. */
function userSpaceEvents(frames: readonly TimedFrame[]): TestRunEvent[] {
  const out: TestRunEvent[] = [];
  const logic = new CaptureEventLogic((topic, event) => out.push({ topic, event } as TestRunEvent));
  for (const { frame, ts } of frames) {
    const sec = Number(ts / 1_000_000_000n);
    const nsec = Number(ts % 1_000_000_000n);
    logic.handleFrame(frame, 0, frame.length, LinkType.ETHERNET, sec, nsec, 'test0', 'ingress');
  }
  return out;
}

/**
 * The tcx observer, run with BPF_PROG_TEST_RUN on every frame of the real fixture captures (VXLAN
 * and Geneve among them), must emit exactly the events @glia/packet's logic emits for the same
 * frames: same topics in the same order, same fields, same bytes.
 */
describe.skipIf(!kernel)('tcx observer under BPF_PROG_TEST_RUN vs the user-space logic', () => {
  const totals = { frames: 0, events: 0, skipped: 0 };

  afterAll(() => {
    console.info(
      `observer parity: ${totals.frames} frames, ${totals.events} events, ${totals.skipped} frames too large for a test run`,
    );
  });

  it.each(captures)('%s', async (capture) => {
    const all = await ethernetFrames(join(pcaps, capture));
    // A test run takes frames of 14 bytes up to about a page; both sides get the same frames.
    const frames = all.filter(
      (f) => f.frame.length >= TEST_RUN_MIN_FRAME && f.frame.length <= TEST_RUN_MAX_FRAME,
    );
    totals.skipped += all.length - frames.length;
    const expected = userSpaceEvents(frames);
    const observer = TcxObserver.load({ packetTime: true });
    const run = new ObserverTestRun(observer);
    try {
      const got: TestRunEvent[] = [];
      for (const { frame, ts } of frames) {
        const r = run.run(frame, ts);
        expect(r.retval).toBe(TcAction.UNSPEC);
        got.push(...r.events);
      }
      expect(got).toEqual(expected);
      totals.frames += frames.length;
      totals.events += got.length;
    } finally {
      run.close();
      observer.close();
    }
  });
});
