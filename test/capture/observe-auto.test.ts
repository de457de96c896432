import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from '@glia/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gliaBin, OutputWatcher } from '../support/glia.js';
import { canCreateNamespaces, VethPair } from '../support/netns.js';
import { TRAFFIC } from './live-capture.js';

const ready = canCreateNamespaces() && hasTool('capsh');
/** What the issue calls a host where BPF is unavailable to the agent. */
const WITHOUT_BPF = '--drop=cap_bpf,cap_sys_admin';

/**
 * `observe.mode: auto` run without CAP_BPF and CAP_SYS_ADMIN (capsh) inside a network namespace:
 * the agent falls back to af_packet, says so (log, /status, metrics), observes real traffic, and
 * `glia doctor` there says why eBPF is out.
 */
describe.skipIf(!ready)('observe.mode auto on a host without BPF', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-auto-'));
  const config = join(dir, 'glia.yaml');
  let pair: VethPair;

  beforeAll(() => {
    pair = new VethPair('10.81.0.1', '10.81.0.2');
    writeFileSync(
      config,
      [
        `observe: { mode: auto, interfaces: [${pair.leftDev}] }`,
        'admin: { listen: "127.0.0.1:19464" }',
        'rules:',
        '  - { id: every-tcp, expression: \'ip.proto eq "tcp"\', action: log }',
        'sinks:',
        '  - { plugin: blocklog, file: stdout }',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await pair?.close();
  });

  /** A glia command inside the left namespace, without the BPF capabilities. */
  const gliaWithoutBpf = (args: string[]): string[] => [
    WITHOUT_BPF,
    '--',
    '-c',
    `exec ${process.execPath} ${gliaBin()} ${args.join(' ')}`,
  ];

  it('falls back to af_packet, says why, observes traffic, and stops cleanly', async () => {
    const server = pair.spawn(pair.right, process.execPath, [TRAFFIC, 'serve', pair.rightAddr]);
    await new Promise((r) => server.stdout?.once('data', r));
    const agent = pair.spawn(pair.left, 'capsh', gliaWithoutBpf(['run', '-c', config]));
    const log = new OutputWatcher(agent.stderr as NodeJS.ReadableStream);
    const out = new OutputWatcher(agent.stdout as NodeJS.ReadableStream);
    const chosen = await log.waitFor(/observe backend af_packet \(mode auto\); refused: tcx: /);
    expect(chosen).toMatch(/tc: /);
    await log.waitFor(/capturing on glia0/);
    pair.exec(pair.left, process.execPath, [TRAFFIC, 'client', pair.rightAddr, '-']);
    await out.waitFor(/"every-tcp"/, 10_000);

    const status = spawnSync(
      'ip',
      ['netns', 'exec', pair.left, process.execPath, gliaBin(), 'status', '--url', 'http://127.0.0.1:19464'],
      { encoding: 'utf8' },
    );
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^observe backend af_packet \(mode auto\); refused: tcx: .+; tc: .+$/m);
    expect(status.stdout).toMatch(/^capture\s+observe-af_packet\s+ok\s+conn=\d+ banner=\d+.*\s+0$/m);
    // Counters are brought up to date each retry_interval_ms (1 s): ask until they are.
    const scrape = (): string =>
      spawnSync(
        'ip',
        [
          'netns',
          'exec',
          pair.left,
          process.execPath,
          '-e',
          "fetch('http://127.0.0.1:19464/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))",
        ],
        { encoding: 'utf8' },
      ).stdout;
    let metrics = { stdout: scrape() };
    for (
      let i = 0;
      i < 30 && !/glia_afpacket_events_total\{[^}]*topic="conn"\} [1-9]/.test(metrics.stdout);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 200));
      metrics = { stdout: scrape() };
    }
    expect(metrics.stdout).toMatch(/glia_observe_rung\{mode="auto",outcome="chosen",rung="af_packet"\} 1/);
    expect(metrics.stdout).toMatch(/glia_observe_rung\{mode="auto",outcome="refused",rung="tcx"\} 1/);
    expect(metrics.stdout).toMatch(
      /glia_afpacket_events_total\{plugin="observe-af_packet",topic="conn"\} [1-9]/,
    );
    expect(metrics.stdout).toMatch(
      /glia_afpacket_kernel_dropped_total\{iface="glia0",plugin="observe-af_packet"\} 0/,
    );

    const exited = new Promise<number | null>((r) => agent.once('exit', (code) => r(code)));
    agent.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log.text).not.toMatch(/uncaught|Assertion|Aborted/i);
  }, 90_000);

  it('glia doctor there says why: no eBPF privileges, af_packet chosen', () => {
    const r = spawnSync(
      'ip',
      ['netns', 'exec', pair.left, 'capsh', ...gliaWithoutBpf(['doctor', '--json'])],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      checks: Array<{ check: string; ok: boolean; detail: string }>;
      ladder: Array<{ rung: string; outcome: string; reason?: string }>;
      backend: string;
    };
    const check = (name: string) => report.checks.find((c) => c.check === name);
    expect(check('privileges: eBPF')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/missing CAP_BPF/),
    });
    expect(check('privileges: packet capture')?.ok).toBe(true);
    expect(report.backend).toBe('af_packet');
    expect(report.ladder.map((l) => `${l.rung} ${l.outcome}`)).toEqual([
      'tcx refused',
      'tc refused',
      'af_packet chosen',
    ]);
  });
});
