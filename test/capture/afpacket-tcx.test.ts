import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, repoRoot } from '@glia/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gliaBin, OutputWatcher } from '../support/glia.js';
import { canRunNamespaceKernelTests } from '../support/kernel.js';
import { VethPair } from '../support/netns.js';
import { clientMix } from '../support/client-mix.js';
import { selfSignedCert, startDns, startSshd, startWebServers } from '../support/servers.js';
import { edges, sorted, type EventLine } from './live-capture.js';

const ready =
  canRunNamespaceKernelTests() &&
  ['nmap', 'curl', 'openssl', 'dnsmasq', 'ssh', 'ssh-keygen'].every((t) => hasTool(t)) &&
  hasTool('/usr/sbin/sshd');

/** Only the time differs by nature: each backend stamps a packet at its own point of the path. */
function withoutTime(e: EventLine): EventLine {
  const { ts: _ts, ...rest } = e;
  return rest as EventLine;
}

/**
 * The same traffic (HTTP, HTTPS with SNI, DNS, SSH, a 200-port SYN scan) observed at once, on the
 * server's device, by three agents: tcx (eBPF), af_packet with its events filter, and af_packet
 * with no filter. Without the filter af_packet's events are tcx's, field for field but the time;
 * with it, the edges, the conn events the fingerprints are made of, the DNS answers and the banners
 * are; flow events differ as the af_packet README documents.
 */
describe.skipIf(!ready)('af_packet and tcx observe the same traffic alike', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-backends-'));
  let pair: VethPair;
  const seen: Record<string, EventLine[]> = {};

  beforeAll(async () => {
    pair = new VethPair('10.93.0.1', '10.93.0.2');
    const server = pair.right;
    const cert = selfSignedCert(dir, 'api.glia.test');
    await startWebServers(pair, server, '10.93.0.2', { http: [80], https: [443], cert });
    await startDns(pair, server, '10.93.0.2', { 'www.glia.test': '10.93.0.80' });
    await startSshd(pair, server, '10.93.0.2', dir);

    const agents = [];
    const device = pair.rightDev;
    const recorder = (name: string): string =>
      `  - { plugin: ${join(repoRoot(), 'test/support/event-recorder.mjs')}, file: ${join(dir, `${name}.jsonl`)} }`;
    // tcx and af_packet through observe (both directions of the device), and the af_packet plugin
    // itself for the unfiltered run (its filter key is not an observe key).
    const configs: Array<[string, string[]]> = [
      ['tcx', [`observe: { mode: tcx, interfaces: [${device}], egress_interfaces: [${device}] }`]],
      ['events', [`observe: { mode: af_packet, interfaces: [${device}], egress_interfaces: [${device}] }`]],
      [
        'all',
        [
          'capture:',
          `  - { plugin: af_packet, interfaces: [${device}], egress_interfaces: [${device}], filter: all }`,
        ],
      ],
    ];
    for (const [name, lines] of configs) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, [`agent: { id: ${name} }`, ...lines, 'sinks:', recorder(name)].join('\n'));
      const agent = pair.spawn(server, process.execPath, [gliaBin(), 'run', '-c', file]);
      const log = new OutputWatcher(agent.stderr!);
      await log.waitFor(/glia running/, 30_000);
      if (name !== 'tcx') await log.waitFor(/capturing on/, 10_000);
      agents.push(agent);
    }

    const client = pair.left;
    expect(
      clientMix(pair, client, {
        server: '10.93.0.2',
        tlsName: 'api.glia.test',
        dnsName: 'www.glia.test',
        scanPorts: 200,
      }),
    ).toBe('10.93.0.80');
    await new Promise((r) => setTimeout(r, 1500));
    for (const agent of agents) {
      const exited = new Promise((r) => agent.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    for (const name of ['tcx', 'events', 'all']) {
      seen[name] = readFileSync(join(dir, `${name}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => withoutTime(JSON.parse(l) as EventLine));
    }
  }, 180_000);

  afterAll(async () => {
    await pair?.close();
  });

  it('without a filter, af_packet emits exactly tcx’s events (direction and device included)', () => {
    expect(seen.tcx.filter((e) => e.topic === 'conn').length).toBeGreaterThan(200);
    expect(sorted(seen.all)).toEqual(sorted(seen.tcx));
  });

  it('with the events filter: the same edges, fingerprints (conn events), DNS answers and banners', () => {
    const { tcx, events } = seen;
    expect(edges(events)).toEqual(edges(tcx));
    const of = (topic: string) => (e: EventLine) => e.topic === topic;
    expect(sorted(events, of('conn'))).toEqual(sorted(tcx, of('conn')));
    expect(sorted(events, of('dns'))).toEqual(sorted(tcx, of('dns')));
    expect(sorted(events, of('banner'))).toEqual(sorted(tcx, of('banner')));
    const names = events
      .filter(of('dns'))
      .map((e) => Buffer.from(String(e.message), 'hex').toString('latin1'));
    expect(names.some((m) => m.includes('\x03www\x04glia\x04test'))).toBe(true);
    const flows = (list: EventLine[]) => list.filter(of('flow')).length;
    console.info(
      `flow events: tcx ${flows(tcx)}, af_packet events filter ${flows(events)} (README: what the filter costs)`,
    );
  });
});
