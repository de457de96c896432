import { join } from 'node:path';
import { ethernetFrames, TEST_RUN_MAX_FRAME, TEST_RUN_MIN_FRAME } from '@glia/capture-tcx';
import type { ConnEvent } from '@glia/core';
import { describePluginContract, fixtureCaptures } from '@glia/core/testing';
import { canRunKernelTests, XdpAction } from '@glia/libbpf';
import { CaptureEventLogic, LinkType } from '@glia/packet';
import { describe, expect, it } from 'vitest';
import factory from './index.js';
import { SynackRecorder } from './synack-recorder.js';

const kernel = canRunKernelTests(['bpf', 'xdp']);
const { pcaps, captures } = kernel ? fixtureCaptures() : { pcaps: '', captures: [] };

describePluginContract(factory, {
  config: { interfaces: ['glia0'] },
  skipStart: 'attaches to devices: covered in network namespaces by test/kernel',
});

/** The last SYN-ACK per server (address, port, VNI) that @glia/packet's logic sees in the frames. */
function lastSynacks(frames: ReadonlyArray<{ frame: Uint8Array; ts: bigint }>): Map<string, ConnEvent> {
  const out = new Map<string, ConnEvent>();
  const logic = new CaptureEventLogic((topic, event) => {
    if (topic !== 'conn') return;
    const e = event as ConnEvent;
    if (e.phase === 'synack') out.set(`${e.src} ${e.sport} ${e.vni ?? -1}`, e);
  });
  for (const { frame, ts } of frames)
    logic.handleFrame(
      frame,
      0,
      frame.length,
      LinkType.ETHERNET,
      Number(ts / 1_000_000_000n),
      Number(ts % 1_000_000_000n),
      'test0',
      'ingress',
    );
  return out;
}

/**
 * The XDP recorder run with BPF_PROG_TEST_RUN on the fixture frames must hold, per server, the
 * same SYN-ACK the user-space logic saw last: same addresses, ports, VNI, TTL, window, options.
 */
describe.skipIf(!kernel)('XDP SYN-ACK recorder under BPF_PROG_TEST_RUN vs the user-space logic', () => {
  it.each(captures)('%s', async (capture) => {
    const frames = (await ethernetFrames(join(pcaps, capture))).filter(
      (f) => f.frame.length >= TEST_RUN_MIN_FRAME && f.frame.length <= TEST_RUN_MAX_FRAME,
    );
    const expected = lastSynacks(frames);
    const recorder = SynackRecorder.load();
    try {
      for (const { frame } of frames) {
        const r = recorder.program.testRun(Buffer.from(frame));
        expect(r.retval).toBe(XdpAction.PASS);
      }
      const got = recorder.drain(() => 'test0', 0n);
      const strip = (e: ConnEvent): Omit<ConnEvent, 'ts'> => {
        const { ts: _ts, ...rest } = e;
        return rest;
      };
      expect(new Map(got.map((e) => [`${e.src} ${e.sport} ${e.vni ?? -1}`, strip(e)]))).toEqual(
        new Map([...expected].map(([k, e]) => [k, strip(e)])),
      );
      expect(recorder.synacks.entries()).toEqual([]);
    } finally {
      recorder.close();
    }
  });
});
