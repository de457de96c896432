import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frames, pcapFile, pcapngFile, type FrameRecord } from '@glia/packet';
import { describe, expect, it } from 'vitest';
import { gliaBin, runGlia } from '../support/glia.js';

/**
 * Regression tests for what a user's file or a packet could do to a running glia (issue: nothing a
 * user or a packet sends stops the agent): hostile YAML, plugin paths that are not modules, an
 * absurd pcapng time offset, records of gigabytes, a JSON output too large to build as one string.
 */
const dir = mkdtempSync(join(tmpdir(), 'glia-hostile-'));
const file = (name: string, text: string | Uint8Array): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const NO_INTERNAL = /Maximum call stack|RangeError|Invalid string length|\n\s+at /;

const aliasBomb = (key: string): string => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n${key}: *a11\n`;
};
const deepFlow = `x: ${'['.repeat(1000)}${']'.repeat(1000)}\n`;
const deepBlock = `${Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')}\n`;

describe('hostile YAML is bad input: exit 2 with a plain message', () => {
  it.each([
    ['an alias bomb', aliasBomb('enrichers'), /aliases expand to more than 100 nodes/],
    ['an unresolved alias', 'enrichers: *nowhere\n', /Unresolved alias .*nowhere/],
    ['1000-deep flow nesting', deepFlow, /:1:67: nesting deeper than 64 levels/],
    ['1000-deep block nesting', deepBlock, /:65:\d+: nesting deeper than 64 levels/],
  ])('%s in a config (config check and run)', (_name, text, message) => {
    const path = file('hostile.yaml', text);
    for (const args of [
      ['config', 'check', path],
      ['run', '-c', path],
    ]) {
      const r = runGlia(args, { timeoutMs: 30_000 });
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(NO_INTERNAL);
    }
  });

  it.each([
    ['1000-deep flow nesting', deepFlow, /nesting deeper than 64 levels/],
    ['1000-deep block nesting', deepBlock, /nesting deeper than 64 levels/],
  ])('%s in a rules file and a rule test file', (_name, text, message) => {
    const path = file('hostile-rules.yaml', text);
    for (const args of [
      ['rules', 'check', path],
      ['test', path],
    ]) {
      const r = runGlia(args, { timeoutMs: 30_000 });
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(NO_INTERNAL);
    }
  });
});

describe('a plugin path that is not a module is refused before it is read', () => {
  const fifo = join(dir, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const huge = file('huge.mjs', '');
  truncateSync(huge, 64 * 1024 * 1024);
  it.each([
    ['/dev/zero', '/dev/zero', /is not a regular file or a package directory/],
    ['a FIFO', fifo, /is not a regular file or a package directory/],
    ['a 64 MiB file', huge, /is 67108864 bytes, over the 16777216-byte limit/],
  ])('%s', (_name, path, message) => {
    const r = runGlia(['config', 'check', file('plugin.yaml', `sinks:\n  - plugin: ${path}\n`)], {
      timeoutMs: 20_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

/** A TCP SYN to port 22 from a different client per index: each is a new edge for a rule. */
function syn(i: number, ts: bigint): FrameRecord {
  return {
    ts,
    frame: frames.ethernet(
      0x0800,
      frames.ipv4(
        { src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, dst: '10.200.0.1', proto: 6 },
        frames.tcp({ sport: 40000, dport: 22, flags: 0x02 }),
      ),
    ),
  };
}

describe('an audit record is never lost', () => {
  it('a pcapng interface with an if_tsoffset of 2^62 s: the record is written, clamped and flagged', () => {
    const capture = file(
      'tsoffset.pcapng',
      pcapngFile([{ interfaces: [{ linkType: 1, tsoffset: 1n << 62n }], records: [syn(1, 1_000_000_000n)] }]),
    );
    const log = join(dir, 'audit.jsonl');
    const config = file(
      'audit.yaml',
      `rules:\n  - { id: ssh, expression: 'tcp.dstport eq 22', action: log }\nsinks:\n  - { plugin: blocklog, file: ${log} }\n`,
    );
    const r = runGlia(['replay', capture, '-c', config, '--print', 'verdicts']);
    expect(r.code).toBe(0);
    const records = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      time: '9999-12-31T23:59:59.999999999Z',
      time_clamped: true,
      rule_ids: ['ssh'],
    });
    // The raw time stays in ts (its last second is beyond a double's precision at 2^62 s).
    expect(BigInt(records[0].ts) >= (1n << 62n) * 1_000_000_000n).toBe(true);
  });
});

describe('capture records glia will not buffer', () => {
  it('a pcap whose header allows 4 GiB records: the 300 KiB one is skipped and counted, the rest replayed', () => {
    const big = { ts: 2_000_000_000n, frame: new Uint8Array(300 * 1024) };
    const capture = file(
      'snaplen.pcap',
      pcapFile([syn(1, 1_000_000_000n), big, syn(2, 3_000_000_000n)], { linkType: 1, snaplen: 0xffffffff }),
    );
    const r = runGlia(['replay', capture, '--print', 'events', '-c', file('plain.yaml', 'sinks: []\n')]);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .filter((l) => l.includes('"conn"')),
    ).toHaveLength(2);
    expect(r.stderr).toMatch(/1 records over 256 KiB skipped/);
  });
});

describe('a capture damaged midway', () => {
  it('is read up to the damage, the files after it replay whole, and the replay exits 2 naming it', () => {
    const damaged = pcapFile([syn(1, 1_000_000_000n), syn(2, 2_000_000_000n)], { linkType: 1 });
    // The second record's length (24-byte file header, 16-byte record header, the first frame):
    // longer than any capture holds, as in suricata-verify's bug-6875 fuzz capture.
    const firstFrame = syn(1, 0n).frame.length;
    new DataView(damaged.buffer).setUint32(24 + 16 + firstFrame + 8, 0x53fe0000, true);
    const a = file('damaged.pcap', damaged);
    const b = file('whole.pcap', pcapFile([syn(3, 3_000_000_000n)], { linkType: 1 }));
    const r = runGlia(['replay', a, b, '--print', 'events', '-c', file('plain2.yaml', 'sinks: []\n')]);
    expect(r.code).toBe(2);
    const sources = r.stdout
      .trim()
      .split('\n')
      .filter((l) => l.includes('"conn"'))
      .map((l) => JSON.parse(l).src as string);
    expect(sources).toEqual(['10.0.0.1', '10.0.0.3']);
    expect(r.stderr).toMatch(/replayed 1 file: 2 packets.*1 damaged \(read up to the damage\)/);
    expect(r.stderr).toContain(
      `1 of 2 capture files read only up to their damage: ${a}: pcap record length 1409155072 exceeds the snap length 262144 at byte offset ${24 + 16 + firstFrame}`,
    );
    expect(r.stderr).not.toMatch(NO_INTERNAL);
  });
});

describe('--format json streams its array', () => {
  it('the first elements reach stdout long before the replay ends, and the whole is one JSON array', async () => {
    const n = 60_000;
    const capture = file(
      'many.pcap',
      pcapFile(
        Array.from({ length: n }, (_, i) => syn(i, 1_000_000_000n + BigInt(i) * 1000n)),
        { linkType: 1 },
      ),
    );
    const child = spawn(process.execPath, [
      gliaBin(),
      'replay',
      capture,
      '--print',
      'events',
      '--format',
      'json',
      '-c',
      file('plain.yaml', 'sinks: []\n'),
    ]);
    let out = '';
    let bytesAtFirstChunk = -1;
    child.stdout.on('data', (chunk: Buffer) => {
      if (bytesAtFirstChunk < 0) bytesAtFirstChunk = chunk.length;
      out += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(0);
    // Output arrived in many pieces, not as one string built at the end.
    expect(bytesAtFirstChunk).toBeGreaterThan(0);
    expect(bytesAtFirstChunk).toBeLessThan(out.length / 4);
    const events = JSON.parse(out) as Array<{ topic: string }>;
    expect(events.filter((e) => e.topic === 'conn')).toHaveLength(n);
  });
});
