import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, repoRoot } from '@glia/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gliaBin, OutputWatcher, runGlia } from '../support/glia.js';
import { canRunNamespaceKernelTests } from '../support/kernel.js';
import { startTcpdump, stopTcpdump, VethPair } from '../support/netns.js';
import { clientMix } from '../support/client-mix.js';
import { selfSignedCert, startDns, startSshd, startWebServers } from '../support/servers.js';

const ready =
  canRunNamespaceKernelTests() &&
  ['tcpdump', 'nmap', 'curl', 'openssl', 'dnsmasq', 'ssh', 'ssh-keygen'].every((t) => hasTool(t)) &&
  hasTool('/usr/sbin/sshd');

/**
 * Fields the two sides cannot share, with the reason:
 * - ts: the kernel stamps a record when the program runs (monotonic clock + offset), tcpdump when
 *   AF_PACKET copies the frame; the two clocks are read at different points of the path.
 * - iface: a classic pcap file names no interface (the replay says pcap0).
 * - dir: a pcap file has no direction (the replay says ingress for every packet); tcx knows it.
 */
function comparable(line: string): string {
  const { ts: _ts, iface: _iface, dir: _dir, ...rest } = JSON.parse(line) as Record<string, unknown>;
  return JSON.stringify(rest);
}

/**
 * Parity: real HTTP, TLS with SNI, DNS, SSH and a port scan between two namespaces, observed by
 * the tcx backend (glia run, observe mode tcx, on the server's device, both directions) while
 * tcpdump captures the same device; the events tcx emitted must equal the events of replaying the
 * capture, but for the fields documented above.
 */
describe.skipIf(!ready)('tcx events equal the replay of a tcpdump capture of the same traffic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-parity-'));
  const capture = join(dir, 'traffic.pcap');
  const recorded = join(dir, 'tcx-events.jsonl');
  let pair: VethPair;
  let tcxLines: string[] = [];
  let replayLines: string[] = [];

  beforeAll(async () => {
    pair = new VethPair('10.92.0.1', '10.92.0.2');
    const server = pair.right;
    const cert = selfSignedCert(dir, 'api.glia.test');
    await startWebServers(pair, server, '10.92.0.2', { http: [80], https: [443], cert });
    await startDns(pair, server, '10.92.0.2', { 'www.glia.test': '10.92.0.80' });
    await startSshd(pair, server, '10.92.0.2', dir);

    const config = join(dir, 'glia.yaml');
    writeFileSync(
      config,
      [
        'agent: { id: parity }',
        `observe: { mode: tcx, interfaces: [${pair.rightDev}], egress_interfaces: [${pair.rightDev}] }`,
        'sinks:',
        `  - { plugin: ${join(repoRoot(), 'test/support/event-recorder.mjs')}, file: ${recorded} }`,
      ].join('\n'),
    );
    const agent = pair.spawn(server, process.execPath, [gliaBin(), 'run', '-c', config]);
    const log = new OutputWatcher(agent.stderr!);
    await log.waitFor(/glia running/, 30_000);
    const tcpdump = await startTcpdump(pair, server, pair.rightDev, capture);

    const client = pair.left;
    expect(
      clientMix(pair, client, {
        server: '10.92.0.2',
        tlsName: 'api.glia.test',
        dnsName: 'www.glia.test',
        scanPorts: 200,
      }),
    ).toBe('10.92.0.80');
    await new Promise((r) => setTimeout(r, 1500));
    console.info(`tcpdump: ${(await stopTcpdump(tcpdump)).trim().replace(/\n/g, '; ')}`);
    const exited = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGTERM');
    await exited;

    tcxLines = readFileSync(recorded, 'utf8').trim().split('\n').filter(Boolean);
    const replay = runGlia(['replay', capture, '--print', 'events', '-c', emptyConfig(dir)]);
    replayLines = replay.stdout.trim().split('\n').filter(Boolean);
  }, 180_000);

  afterAll(async () => {
    await pair?.close();
  });

  it('saw every kind of traffic', () => {
    const parsed = tcxLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const topics = (t: string): Array<Record<string, unknown>> => parsed.filter((e) => e.topic === t);
    const synPorts = new Set(
      topics('conn')
        .filter((e) => e.phase === 'syn')
        .map((e) => e.dport),
    );
    for (const p of [80, 443, 22]) expect(synPorts.has(p)).toBe(true);
    expect(synPorts.size).toBeGreaterThanOrEqual(200);
    expect(topics('conn').some((e) => e.phase === 'synack' && e.sport === 22)).toBe(true);
    const banners = topics('banner').map((e) => Buffer.from(String(e.payload), 'hex').toString('latin1'));
    expect(banners.some((b) => b.startsWith('GET / HTTP/1.1'))).toBe(true);
    expect(banners.some((b) => b.startsWith('SSH-2.0-OpenSSH'))).toBe(true);
    expect(banners.some((b) => b.includes('api.glia.test') && b.startsWith('\x16\x03'))).toBe(true);
    expect(topics('dns').some((e) => e.sport === 53)).toBe(true);
    expect(topics('flow').length).toBeGreaterThan(0);
  });

  it('emitted the events a replay of the capture emits (but ts, iface, dir)', () => {
    expect(replayLines.length).toBeGreaterThan(200);
    console.info(`parity: ${tcxLines.length} tcx events, ${replayLines.length} replayed events`);
    expect(tcxLines.map(comparable).sort()).toEqual(replayLines.map(comparable).sort());
  });
});

function emptyConfig(dir: string): string {
  const path = join(dir, 'replay.yaml');
  writeFileSync(path, 'agent: { id: parity }\n');
  return path;
}
