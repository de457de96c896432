import { mkdtempSync, copyFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { gliaBin, runGlia } from '../support/glia.js';

const DEMO = join(repoRoot(), 'packages/cli/assets/demo.pcap');

describe('glia replay', () => {
  it('prints one JSON event per line and a summary that counts the same events', () => {
    const r = runGlia(['replay', DEMO, '-c', '/dev/null', '--print', 'events']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { topic: string; ts: string });
    const count = (topic: string) => events.filter((e) => e.topic === topic).length;
    const summary = /replayed 1 file: (\d+) packets, \d+ bytes; events: (.*); undecodable: none/.exec(
      r.stderr,
    );
    expect(summary, r.stderr).not.toBeNull();
    expect(Number(summary?.[1])).toBe(172);
    for (const part of (summary?.[2] ?? '').split(', ')) {
      const [topic, n] = part.split(' ');
      expect(count(topic), topic).toBe(Number(n));
    }
    expect(events.every((e) => /^\d+$/.test(e.ts))).toBe(true);
  });

  it('reads a directory of captures, gzip included, in name order, and --format json gives one array', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-replay-'));
    copyFileSync(DEMO, join(dir, 'a.pcap'));
    writeFileSync(join(dir, 'b.pcap.gz'), gzipSync(readFileSync(DEMO)));
    writeFileSync(join(dir, 'notes.txt'), 'not a capture');
    const r = runGlia(['replay', dir, '-c', '/dev/null', '--print', 'events', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/replayed 2 files: 344 packets/);
    const events = JSON.parse(r.stdout) as Array<{ topic: string }>;
    expect(Array.isArray(events)).toBe(true);
  });

  it('draws a progress bar on a terminal, and none when stderr is not one', () => {
    // `script` runs the command on a pseudo-terminal.
    const tty = spawnSync(
      'script',
      [
        '-qec',
        `${process.execPath} ${gliaBin()} replay ${DEMO} -c /dev/null --print events > /dev/null`,
        '/dev/null',
      ],
      { encoding: 'utf8' },
    );
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/\r\[#{30}\] 100% 172 packets/);
    const piped = runGlia(['replay', DEMO, '-c', '/dev/null', '--print', 'events']);
    expect(piped.stderr).not.toMatch(/\[#+/);
  });

  it('exits 2 with the file named for a missing or corrupt capture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-replay-'));
    writeFileSync(join(dir, 'bad.pcap'), Buffer.from('this is not a pcap file at all, not even close'));
    const missing = runGlia(['replay', join(dir, 'missing.pcap')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.pcap/);
    const corrupt = runGlia(['replay', join(dir, 'bad.pcap')]);
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/bad\.pcap/);
  });
});
