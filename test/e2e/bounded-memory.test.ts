import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MEMORY_MB } from '@glia/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ipv4, ipv4Text, writeDistinctFlows, writeSynFloodWithScanner } from '../support/flood-captures.js';
import { runGlia } from '../support/glia.js';

/**
 * The memory budget holds whatever the number of distinct flows (docs/performance.md, "Memory
 * budget"): `glia replay` with the embedded default config runs under a V8 old space of
 * limits.memory_mb (150 MB), so a store that outgrew its share would abort the run, and peak RSS
 * stays under the budget + 50 MB. Each capture is millions of flows no cap in the default config
 * can hold, so every store evicts; the flow fields must stay right for the sources still tracked.
 */
const dir = mkdtempSync(join(tmpdir(), 'glia-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hook = join(dir, 'peak-rss.cjs');
writeFileSync(
  hook,
  `process.on('exit', () => require('node:fs').writeFileSync(process.env.GLIA_RSS_OUT, String(process.resourceUsage().maxRSS)));\n`,
);

interface BoundedRun {
  stdout: string;
  summary: string;
  peakRssMb: number;
}

function replayUnderBudget(capture: string, print: 'verdicts' | 'events'): BoundedRun {
  const rssOut = join(dir, 'rss.txt');
  const r = runGlia(['replay', '--print', print, capture], {
    env: {
      NODE_OPTIONS: `--max-old-space-size=${DEFAULT_MEMORY_MB} --require ${hook}`,
      GLIA_RSS_OUT: rssOut,
    },
    timeoutMs: 240_000,
  });
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  const summary = r.stderr.split('\n').find((l) => l.startsWith('glia replayed')) ?? '';
  return { stdout: r.stdout, summary, peakRssMb: Number(readFileSync(rssOut, 'utf8')) / 1024 };
}

function evictions(summary: string, store: string): number {
  const m = new RegExp(`evictions: .*\\b${store} (\\d+)`).exec(summary);
  return m === null ? 0 : Number(m[1]);
}

// Each case writes a capture of 50 – 170 MB and replays it: about a minute on a loaded machine.
const TIMEOUT_MS = 300_000;

describe('bounded memory (limits.memory_mb, default 150)', () => {
  it(
    'replays 2 M distinct flows under a 150 MB old space, evicting and counting it',
    () => {
      const capture = join(dir, 'distinct-2m.pcap');
      writeDistinctFlows(capture, 2_000_000);
      const run = replayUnderBudget(capture, 'verdicts');
      rmSync(capture);
      expect(run.summary).toMatch(/2000000 packets/);
      expect(run.summary).toMatch(/events: .*banner 2000000, flow 2000000/);
      // More flows than the flow table, and more sources than the flow enricher, can hold.
      expect(evictions(run.summary, 'pcap_flow')).toBeGreaterThan(1_000_000);
      expect(evictions(run.summary, 'flow_source')).toBeGreaterThan(1_000_000);
      expect(run.peakRssMb).toBeLessThan(DEFAULT_MEMORY_MB + 50);
    },
    TIMEOUT_MS,
  );

  it(
    'replays 1 M SYNs from random sources and still sees the port scanner among them',
    () => {
      const capture = join(dir, 'syn-flood-1m.pcap');
      const scanner = ipv4(10, 0, 0, 66);
      const ports = 100;
      writeSynFloodWithScanner(capture, {
        syns: 1_000_000,
        scannerPorts: ports,
        // nmap's default pace against a 25 000 SYN/s flood, half a million spoofed sources in.
        scannerEvery: 1000,
        scannerStart: 500_000,
        scanner,
        target: ipv4(10, 0, 0, 9),
      });
      const run = replayUnderBudget(capture, 'verdicts');
      rmSync(capture);
      expect(run.summary).toMatch(new RegExp(`${1_000_000 + ports} packets`));
      expect(evictions(run.summary, 'flow_source')).toBeGreaterThan(500_000);
      expect(run.peakRssMb).toBeLessThan(DEFAULT_MEMORY_MB + 50);

      // The embedded default's scan rule fires at 25 distinct ports: the scanner's k-th SYN (k ≥ 25)
      // reads flow.unique_dst_ports = k, as a plain count of its ports says, although a million
      // other sources went through the flow enricher's budget meanwhile.
      const scans = run.stdout
        .split('\n')
        .filter((l) => l.includes('east-west-port-scan'))
        .map(
          (l) =>
            JSON.parse(l) as {
              edge: { client: string; server_port: number };
              fields: Record<string, unknown>;
            },
        );
      expect(scans.map((v) => v.edge.client)).toEqual(Array(ports - 24).fill(ipv4Text(scanner)));
      expect(scans.map((v) => v.edge.server_port)).toEqual(
        Array.from({ length: ports - 24 }, (_, i) => 25 + i),
      );
      expect(scans.map((v) => v.fields['flow.unique_dst_ports'])).toEqual(
        Array.from({ length: ports - 24 }, (_, i) => 25 + i),
      );
    },
    TIMEOUT_MS,
  );
});
