import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BannerEvent } from '@glia/core';
import { fixturesDir, seededRandom } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { ResponseMatcher } from '../match/response-matcher.js';
import { ServiceDatabase } from '../match/service-database.js';
import { translatePcre } from '../regex/translate.js';
import { BannerDetector } from './banner-detector.js';
import { bannerEvent } from './banner.fixture.js';
import { NodeServiceStore } from './node-services.js';

const fixtures = fixturesDir();

function banner(random: () => number, sender: 'client' | 'server', flow: number): BannerEvent {
  const length = 1 + Math.floor(random() * 256);
  const payload = new Uint8Array(length);
  // Half printable text (closer to real banners, reaches deeper into the patterns), half any byte.
  const text = random() < 0.5;
  for (let i = 0; i < length; i++)
    payload[i] = text ? 0x20 + Math.floor(random() * 95) : Math.floor(random() * 256);
  if (text && random() < 0.5) payload.set([0x32, 0x32, 0x30, 0x20].slice(0, length)); // "220 "
  const client = { ip: `10.0.${flow >> 8}.${flow & 255}`, port: 40000 + (flow % 1000) };
  const server = { ip: '10.1.0.1', port: 1 + (flow % 50) };
  return bannerEvent(sender, client, server, payload, BigInt(flow));
}

describe.skipIf(fixtures === null)('BannerDetector on random banners', () => {
  it('never throws, keeps its tables bounded, and records only what it matched', () => {
    const db = ServiceDatabase.fromText(
      readFileSync(join(fixtures!, 'nmap', 'nmap-service-probes'), 'latin1'),
    );
    const matcher = new ResponseMatcher();
    const detector = new BannerDetector(db, matcher, 64);
    const store = new NodeServiceStore(8);
    const random = seededRandom(7);
    let identified = 0;
    for (let flow = 0; flow < 3000; flow++) {
      if (random() < 0.5) expect(detector.onBanner(banner(random, 'client', flow))).toBeNull();
      const verdict = detector.onBanner(banner(random, 'server', flow));
      expect(verdict).not.toBeNull();
      if (verdict?.found) {
        identified++;
        store.record(`10.1.0.${flow % 20}`, flow % 50, verdict.found, BigInt(flow));
      }
      expect(detector.pending).toBeLessThanOrEqual(64);
      expect(store.size).toBeLessThanOrEqual(8);
    }
    expect(matcher.counters.subjects).toBe(3000);
    // Random bytes still hit generic lines ("220 " soft matches and the like) now and then.
    expect(identified).toBeGreaterThan(0);
  }, 120_000);
});

describe('translatePcre on random pattern text', () => {
  it('answers ok or a located error, never throws', () => {
    const random = seededRandom(11);
    const alphabet = [
      'a',
      'b',
      '\\',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '?',
      '*',
      '+',
      '|',
      '^',
      '$',
      '.',
      '-',
      ',',
      '1',
      '2',
      'x',
      'd',
      'k',
      '<',
      '>',
      ':',
      '=',
      '!',
      'P',
      'Q',
      'E',
      '#',
      'i',
      's',
    ];
    for (let n = 0; n < 20000; n++) {
      const length = Math.floor(random() * 16);
      let pattern = '';
      for (let i = 0; i < length; i++) pattern += alphabet[Math.floor(random() * alphabet.length)];
      const t = translatePcre(pattern, { caseless: random() < 0.3, dotall: random() < 0.3 });
      if (!t.ok) {
        expect(t.error.offset).toBeGreaterThanOrEqual(0);
        expect(t.error.offset).toBeLessThanOrEqual(pattern.length);
      }
    }
  });
});
