import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { gliaBin, runGlia } from '../support/glia.js';

/**
 * Every exit code the CLI README documents, command by command: 0 success, 1 a runtime failure,
 * 2 bad input; a closed stdout pipe ends a command quietly with 0; an error is said once.
 */
const dir = mkdtempSync(join(tmpdir(), 'glia-exit-'));
const file = (name: string, text: string | Buffer): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const demo = join(repoRoot(), 'packages/cli/assets/demo.pcap');

/** Runs `glia ARGS | head -1` in a shell: glia's own exit status and its stderr. */
function intoHead(args: string[]): { code: number; stderr: string; stdout: string } {
  const quoted = [process.execPath, gliaBin(), ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted} 2>"${dir}/head.err" | head -1; exit \${PIPESTATUS[0]}`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const stderr = spawnSync('cat', [join(dir, 'head.err')], { encoding: 'utf8' }).stdout;
  return { code: r.status ?? -1, stdout: r.stdout, stderr };
}

describe('glia run exit codes', () => {
  it('0: the embedded default replays and ends', () => {
    expect(runGlia(['run']).code).toBe(0);
  });

  it('2: a config with nothing to observe says what to add (never a silent exit 13)', () => {
    const r = runGlia(['run', '-c', file('empty.yaml', 'enrichers: [{ plugin: fqdn }]\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing to observe: add an observe section .* or a capture to replay/);
  });

  it('1: a replay capture that cannot be read', () => {
    const r = runGlia([
      'run',
      '-c',
      file('gone.yaml', `capture: [{ plugin: pcap, file: ${dir}/gone.pcap }]\n`),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/glia run: capture pcap: capture file .*gone\.pcap does not exist/);
  });

  it('1: a required plugin that fails to start', () => {
    file(
      'fails.mjs',
      `export default { type: 'fails', kind: 'sink', description: 'x', configSchema: { type: 'object' },
        create: () => ({ start() { throw new Error('no disk'); }, stop() {}, health: () => ({ state: 'failed' }) }) };`,
    );
    const r = runGlia([
      'run',
      '-c',
      file(
        'required.yaml',
        `capture: [{ plugin: pcap, file: ${demo} }]\nsinks: [{ plugin: ./fails.mjs, required: true }]\n`,
      ),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/required plugin fails failed: .*no disk/);
  });

  it('0, quietly: stdout closed by its reader', () => {
    const r = intoHead(['run']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
  });
});

describe('glia replay exit codes', () => {
  it('0: the --print verdicts --format json output of the embedded default is JSON, the block log on stderr', () => {
    const r = runGlia(['replay', demo, '--print', 'verdicts', '--format', 'json']);
    expect(r.code).toBe(0);
    const verdicts = JSON.parse(r.stdout) as Array<{ action: string }>;
    expect(verdicts.length).toBeGreaterThan(3);
    expect(r.stderr.match(/block log of sink "blocklog" goes to stderr/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/"action":"WouldBlock"/);
  });

  it('0: --format json of a capture without events is an empty array', () => {
    const r = runGlia([
      'replay',
      demo,
      '--print',
      'verdicts',
      '--format',
      'json',
      '-c',
      file('none.yaml', 'sinks: []\n'),
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it.each([
    ['a missing capture', () => join(dir, 'missing.pcap'), /missing\.pcap.*does not exist/],
    [
      'a 4-byte pcapng',
      () => file('four.pcapng', Buffer.from([0x0a, 0x0d, 0x0d, 0x0a])),
      /four\.pcapng: file ends inside the capture header/,
    ],
    [
      'a pcap cut inside its header',
      () => file('cut.pcap', Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0])),
      /cut\.pcap: file ends inside the capture header/,
    ],
    [
      'a directory without captures',
      () => mkdtempSync(join(dir, 'empty-')),
      /directory .*empty-\w+ holds no \*\.pcap, \*\.pcapng or \*\.gz files/,
    ],
  ])('2: %s, said once', (_name, path, message) => {
    const r = runGlia(['replay', path(), '--print', 'verdicts']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines.some((l) => message.test(l))).toBe(true);
    expect(lines.filter((l) => message.test(l))).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('0, quietly: | head -1', () => {
    const r = intoHead(['replay', demo]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('topic');
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
  });
});

describe('checking commands', () => {
  it('config check: 2 for a capture file that does not exist and for a mistyped plugin type, with both said', () => {
    const r = runGlia([
      'config',
      'check',
      file(
        'typos.yaml',
        `capture:\n  - { plugin: pcap, file: nowhere.pcap }\nenrichers:\n  - plugin: fqnd\n`,
      ),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /typos\.yaml:4:13: enrichers\[0\]\.plugin: .*did you mean the built-in "fqdn"\?/,
    );
    const fixed = runGlia([
      'config',
      'check',
      file('missing-capture.yaml', `capture:\n  - { plugin: pcap, file: nowhere.pcap }\n`),
    ]);
    expect(fixed.code).toBe(2);
    expect(fixed.stderr).toMatch(
      /missing-capture\.yaml:2:5: capture\[0\] \(pcap\): capture file .*nowhere\.pcap does not exist/,
    );
  });

  it('config check: 0 for a good file', () => {
    expect(
      runGlia(['config', 'check', file('good.yaml', `capture: [{ plugin: pcap, file: ${demo} }]\n`)]).code,
    ).toBe(0);
  });

  it('rules check: 2 with every problem of every rule, 0 for good rules', () => {
    const bad = runGlia([
      'rules',
      'check',
      file('bad-rules.yaml', '- {id: a, expression: "tcp.dstport eq", action: explode}\n'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(2);
    expect(
      runGlia([
        'rules',
        'check',
        file('good-rules.yaml', '- {id: a, expression: "tcp.dstport eq 1", action: log}\n'),
      ]).code,
    ).toBe(0);
  });

  it('2 for an unknown command or option; 0 for --help', () => {
    expect(runGlia(['frobnicate']).code).toBe(2);
    expect(runGlia(['replay', demo, '--print', 'everything']).code).toBe(2);
    expect(runGlia(['--help']).code).toBe(0);
    expect(runGlia(['replay', '--help']).code).toBe(0);
  });

  it('0, quietly: plugins and --help into a closed pipe', () => {
    for (const args of [['plugins'], ['--help']]) {
      const r = intoHead(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr).not.toMatch(/EPIPE|Error/);
    }
  });
});
