import { join } from 'node:path';
import { fixturesDir, seededRandom as random } from '@glia/core/testing';
import {
  CaptureEventLogic,
  CaptureFormatError,
  CaptureParser,
  emptyRecord,
  readCaptureFile,
  UNDECODABLE_REASONS,
  DecodeStatus,
} from '@glia/packet';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureCaptures } from './fixture-replay.js';

/**
 * Cut and corrupted input never throws out of the decoder or the event logic, and every frame that
 * fails to decode is counted under a reason. Corrupted capture files end in a CaptureFormatError or
 * a counted truncated record, never anything else.
 */

const fixtures = fixturesDir();

interface Frame {
  bytes: Uint8Array;
  linkType: number;
}

async function fixtureFrames(dir: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (const name of fixtureCaptures(dir)) {
    await readCaptureFile(join(dir, 'pcaps', name), (r) => {
      frames.push({ bytes: r.data.slice(r.offset, r.offset + r.caplen), linkType: r.linkType });
    });
  }
  return frames;
}

describe.skipIf(fixtures === null)('robustness against cut and corrupted input', () => {
  it('decodes 120,000 truncated and bit-flipped frames from real captures without throwing, counting every failure', async () => {
    const frames = await fixtureFrames(fixtures ?? '');
    expect(frames.length).toBeGreaterThan(1000);
    const next = random(0x5eed);
    let events = 0;
    const logic = new CaptureEventLogic(() => events++, { maxFlows: 1024 });
    let undecodable = 0;
    const N = 120_000;
    for (let i = 0; i < N; i++) {
      const f = frames[Math.floor(next() * frames.length)];
      const bytes = f.bytes.slice();
      let length = bytes.length;
      const mode = i % 3;
      if (mode !== 1) length = Math.floor(next() * (bytes.length + 1)); // truncate
      if (mode !== 0) {
        const flips = 1 + Math.floor(next() * 4);
        for (let k = 0; k < flips && bytes.length > 0; k++)
          bytes[Math.floor(next() * bytes.length)] ^= 1 << Math.floor(next() * 8);
      }
      const status = logic.handleFrame(
        bytes,
        0,
        length,
        f.linkType,
        1_700_000_000 + (i >> 10),
        i,
        'fuzz0',
        'ingress',
      );
      if (status === DecodeStatus.undecodable) undecodable++;
    }
    const byReason = logic.decoder.counters.undecodableByReason();
    const counted = Object.values(byReason).reduce((a, b) => a + (b ?? 0), 0);
    expect(counted).toBe(undecodable);
    expect(undecodable).toBeGreaterThan(N / 10);
    for (const reason of Object.keys(byReason)) expect(UNDECODABLE_REASONS).toContain(reason);
    // Truncation alone must exercise the common reasons.
    expect(byReason.truncated_link).toBeGreaterThan(0);
    expect(byReason.truncated_ipv4).toBeGreaterThan(0);
    expect(byReason.truncated_tcp).toBeGreaterThan(0);
    expect(events).toBeGreaterThan(0);
  });

  it('reads truncated and corrupted pcap and pcapng files to a clean end or a CaptureFormatError', () => {
    const dir = fixtures ?? '';
    const next = random(42);
    let clean = 0;
    let formatErrors = 0;
    let truncated = 0;
    for (const name of fixtureCaptures(dir)) {
      const original = new Uint8Array(readFileSync(join(dir, 'pcaps', name)));
      for (let trial = 0; trial < 60; trial++) {
        const bytes = original.slice(
          0,
          trial % 2 === 0 ? Math.floor(next() * original.length) : original.length,
        );
        if (trial % 2 === 1 || trial % 4 === 2) {
          for (let k = 0; k < 1 + (trial % 5); k++)
            if (bytes.length > 0) bytes[Math.floor(next() * bytes.length)] ^= 1 << Math.floor(next() * 8);
        }
        const parser = new CaptureParser();
        const rec = emptyRecord();
        const logic = new CaptureEventLogic(() => undefined);
        try {
          for (let at = 0; at < bytes.length; at += 1000) {
            parser.feed(bytes.subarray(at, at + 1000));
            while (parser.next(rec))
              logic.handleFrame(
                rec.data,
                rec.offset,
                rec.caplen,
                rec.linkType,
                rec.sec,
                rec.nsec,
                'x',
                'ingress',
              );
          }
          parser.end();
          clean++;
          truncated += parser.truncatedRecords;
        } catch (error) {
          if (!(error instanceof CaptureFormatError)) throw error;
          expect(error.offset).toBeGreaterThanOrEqual(0);
          expect(error.offset).toBeLessThanOrEqual(bytes.length);
          formatErrors++;
        }
      }
    }
    expect(clean).toBeGreaterThan(0);
    expect(formatErrors).toBeGreaterThan(0);
    expect(truncated).toBeGreaterThan(0);
  });
});
