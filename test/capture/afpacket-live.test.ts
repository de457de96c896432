import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureFilter } from '@glia/capture-afpacket';
import { hasTool } from '@glia/core/testing';
import { eventToJson, replayCaptureEvents } from '@glia/packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canCreateNamespaces, startTcpdump, stopTcpdump, VethPair } from '../support/netns.js';
import { edges, LiveCapture, sorted, TRAFFIC, type EventLine } from './live-capture.js';

const ready = canCreateNamespaces() && hasTool('tcpdump') && hasTool('dnsmasq');
const NAMES = ['svc.example.test', 'secure.example.test'];
const SAMPLE_BITS = 6;

async function replay(file: string): Promise<EventLine[]> {
  const lines: EventLine[] = [];
  await replayCaptureEvents(
    file,
    (topic, event) => lines.push(JSON.parse(eventToJson(event, topic)) as EventLine),
    {
      iface: 'glia0',
    },
  );
  return lines;
}

/**
 * The af_packet plugin captures real traffic between two network namespaces while tcpdump records
 * the same device; replaying tcpdump's capture through @glia/packet is the reference. With no
 * kernel filter the events must be the same; with the events filter they must be those of the
 * capture cut down by the same expression (tcpdump applies it), and the edges, fingerprints and DNS
 * answers of the full capture.
 */
describe.skipIf(!ready)('af_packet live capture in network namespaces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-afpacket-'));
  let pair: VethPair;
  const runs: Record<string, { live: EventLine[]; capture: string; final: Record<string, unknown> }> = {};

  async function observe(label: string, config: Record<string, unknown>): Promise<void> {
    const capture = join(dir, `${label}.pcap`);
    const tcpdump = await startTcpdump(pair, pair.left, pair.leftDev, capture);
    const live = new LiveCapture(pair, pair.left, { sample_bits: SAMPLE_BITS, ...config });
    await live.ready();
    pair.exec(pair.left, process.execPath, [TRAFFIC, 'client', pair.rightAddr, pair.rightAddr, ...NAMES]);
    // Longer than the ring's block timeout (50 ms): every block is handed over before the stop.
    await new Promise((r) => setTimeout(r, 600));
    const { final } = await live.stop();
    console.info(`tcpdump (${label}): ${(await stopTcpdump(tcpdump)).trim().replace(/\n/g, '; ')}`);
    runs[label] = { live: live.events(), capture, final };
  }

  beforeAll(async () => {
    pair = new VethPair('10.77.0.1', '10.77.0.2');
    const server = pair.spawn(pair.right, process.execPath, [TRAFFIC, 'serve', pair.rightAddr]);
    await new Promise((r) => server.stdout?.once('data', r));
    pair.spawn(pair.right, 'dnsmasq', [
      '--no-daemon',
      '--no-resolv',
      '--no-hosts',
      `--listen-address=${pair.rightAddr}`,
      '--bind-interfaces',
      '--pid-file=',
      `--address=/${NAMES[0]}/10.77.0.9`,
      `--address=/${NAMES[1]}/10.77.0.10`,
    ]);
    await new Promise((r) => setTimeout(r, 500));
    const both = { interfaces: [pair.leftDev], egress_interfaces: [pair.leftDev] };
    await observe('all', { ...both, filter: 'all' });
    await observe('events', { ...both, filter: 'events' });
    // interfaces alone: received packets only; sent ones only from egress_sources.
    await observe('ingress', { interfaces: [pair.leftDev], filter: 'all' });
    await observe('sources', { ...both, filter: 'all', egress_sources: ['192.0.2.0/24'] });
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  it('without a kernel filter, the events equal a replay of tcpdump’s capture of the same device', async () => {
    const { live, capture, final } = runs.all;
    const reference = await replay(capture);
    expect(reference.filter((e) => e.topic === 'conn').length).toBeGreaterThanOrEqual(10);
    expect(reference.filter((e) => e.topic === 'dns').length).toBe(NAMES.length);
    expect(sorted(live)).toEqual(sorted(reference));
    expect(final).toMatchObject({ devices: { glia0: { counters: { dropped: 0 } } } });
  });

  it('interfaces alone observe received packets: the events of the capture’s packets from the peer', async () => {
    const { live, capture } = runs.ingress;
    const received = join(dir, 'received.pcap');
    execFileSync('tcpdump', ['-r', capture, '-w', received, `src host ${pair.rightAddr}`], {
      stdio: 'ignore',
    });
    expect(live.length).toBeGreaterThan(10);
    // Flow events read client -> server whichever packet made them; the rest name the sender.
    expect(live.every((e) => e.dir === 'ingress' && (e.topic === 'flow' || e.src === pair.rightAddr))).toBe(
      true,
    );
    expect(sorted(live)).toEqual(sorted(await replay(received)));
  });

  it('egress_sources keeps sent packets from other sources out (received ones all in)', () => {
    const { live } = runs.sources;
    expect(live.length).toBeGreaterThan(10);
    expect(live.every((e) => e.dir === 'ingress')).toBe(true);
    // Each run makes new connections: compare what was seen, not the ephemeral ports.
    const shape = (e: EventLine): string =>
      `${e.topic} ${String(e.phase ?? e.sender ?? '')} ${String(Math.min(Number(e.sport), Number(e.dport)))}`;
    expect(new Set(live.map(shape))).toEqual(new Set(runs.ingress.live.map(shape)));
  });

  it('dir is egress for what the observed end sent and ingress for what it received', () => {
    // Flow events read client -> server whichever packet made them: the others name the sender.
    const wrong = runs.all.live.filter(
      (e) => e.topic !== 'flow' && (e.src === pair.leftAddr) !== (e.dir === 'egress'),
    );
    expect(wrong).toEqual([]);
  });

  it('with the events filter, the events equal a replay of the capture cut down by the same filter (tcpdump)', async () => {
    const { live, capture } = runs.events;
    const filtered = join(dir, 'filtered.pcap');
    execFileSync(
      'tcpdump',
      ['-r', capture, '-w', filtered, captureFilter('events', { sampleBits: SAMPLE_BITS })],
      {
        stdio: 'ignore',
      },
    );
    expect(sorted(live)).toEqual(sorted(await replay(filtered)));
  });

  it('with the events filter, the edges, fingerprints, banners and DNS answers are the full capture’s', async () => {
    const { live, capture, final } = runs.events;
    const full = await replay(capture);
    expect(edges(live)).toEqual(edges(full));
    const fingerprints = (e: EventLine): boolean => e.topic === 'conn';
    expect(sorted(live, fingerprints)).toEqual(sorted(full, fingerprints));
    const dns = (e: EventLine): boolean => e.topic === 'dns';
    expect(sorted(live, dns)).toEqual(sorted(full, dns));
    const payload = (e: EventLine): boolean => e.topic === 'banner' || e.topic === 'segment';
    expect(sorted(live, payload)).toEqual(sorted(full, payload));
    // Less reaches user space than the device carried.
    const packets = (final as { devices: { glia0: { counters: { packets: number } } } }).devices.glia0
      .counters.packets;
    const all = (runs.all.final as { devices: { glia0: { counters: { packets: number } } } }).devices.glia0
      .counters.packets;
    expect(packets).toBeLessThan(all);
  });
});

/**
 * A device that appears after the plugin started (a CNI creating a pod's veth) is picked up without
 * a restart; when it disappears only this plugin degrades, and it is captured again when it is back.
 */
describe.skipIf(!ready)('af_packet and devices that come and go', () => {
  let pair: VethPair;
  let live: LiveCapture;

  beforeAll(() => {
    pair = new VethPair('10.79.0.1', '10.79.0.2');
  });

  afterAll(async () => {
    await pair?.close();
  });

  function createLate(): void {
    const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'ignore' });
    ip('-n', pair.left, 'link', 'add', 'late0', 'type', 'veth', 'peer', 'name', 'late1', 'netns', pair.right);
    ip('-n', pair.left, 'addr', 'add', '10.78.0.1/24', 'dev', 'late0');
    ip('-n', pair.right, 'addr', 'add', '10.78.0.2/24', 'dev', 'late1');
    ip('-n', pair.left, 'link', 'set', 'late0', 'up');
    ip('-n', pair.right, 'link', 'set', 'late1', 'up');
  }

  it('a device created 5 s after the start is captured without a restart', async () => {
    live = new LiveCapture(pair, pair.left, {
      interfaces: ['late0'],
      egress_interfaces: ['late0'],
      retry_interval_ms: 1000,
    });
    await live.stderr.waitFor(/"state":"degraded".*late0: the device does not exist/, 15_000);
    await new Promise((r) => setTimeout(r, 5000));
    createLate();
    await live.ready(5000);
    const server = pair.spawn(pair.right, process.execPath, [TRAFFIC, 'serve', '10.78.0.2']);
    await new Promise((r) => server.stdout?.once('data', r));
    pair.exec(pair.left, process.execPath, [TRAFFIC, 'client', '10.78.0.2', '-']);
    await new Promise((r) => setTimeout(r, 400));
    const syns = live.events().filter((e) => e.topic === 'conn' && e.phase === 'syn');
    expect(syns.length).toBeGreaterThanOrEqual(5);
    expect(new Set(syns.map((e) => `${e.iface} ${e.dst}`))).toEqual(new Set(['late0 10.78.0.2']));
  }, 60_000);

  it('a device that disappears degrades the plugin (no crash); it is captured again when back', async () => {
    execFileSync('ip', ['-n', pair.left, 'link', 'del', 'late0']);
    await live.stderr.waitFor(
      /"state":"degraded".*late0: (the device disappeared|the device does not exist|The interface)/,
      10_000,
    );
    expect(live.child.exitCode).toBeNull();
    createLate();
    await new Promise((r) => setTimeout(r, 2500));
    const { final } = await live.stop();
    expect(final).toMatchObject({ devices: { late0: { state: 'capturing', counters: { opens: 2 } } } });
  }, 60_000);
});

/** `egress_interfaces: [auto]` follows the namespace's default route while the plugin runs. */
describe.skipIf(!ready)('af_packet egress_interfaces: [auto]', () => {
  let pair: VethPair;

  beforeAll(() => {
    pair = new VethPair('10.83.0.1', '10.83.0.2');
  });

  afterAll(async () => {
    await pair?.close();
  });

  it('captures the default-route device once there is a default route, and lets it go when it is gone', async () => {
    const live = new LiveCapture(pair, pair.left, { egress_interfaces: ['auto'], retry_interval_ms: 200 });
    await live.stderr.waitFor(/"state":"degraded".*no device to observe/, 15_000);
    execFileSync('ip', ['-n', pair.left, 'route', 'add', 'default', 'via', pair.rightAddr]);
    await live.ready(5000);
    const server = pair.spawn(pair.right, process.execPath, [TRAFFIC, 'serve', pair.rightAddr]);
    await new Promise((r) => server.stdout?.once('data', r));
    pair.exec(pair.left, process.execPath, [TRAFFIC, 'client', pair.rightAddr, '-']);
    await new Promise((r) => setTimeout(r, 400));
    const syns = live.events().filter((e) => e.topic === 'conn' && e.phase === 'syn');
    expect(syns.length).toBeGreaterThanOrEqual(5);
    // Sent packets only: the SYNs, never the peer's SYN-ACKs.
    expect(live.events().every((e) => e.dir === 'egress' && e.iface === pair.leftDev)).toBe(true);
    execFileSync('ip', ['-n', pair.left, 'route', 'del', 'default']);
    await live.stderr.waitFor(/"state":"degraded".*no device to observe/, 5000);
    await live.stop();
  }, 60_000);
});
