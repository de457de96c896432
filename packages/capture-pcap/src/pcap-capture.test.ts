import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PacketClock, type BannerEvent, type ConnEvent } from '@glia/core';
import { describePluginContract, fixturesDir, testContext } from '@glia/core/testing';
import { frames, LinkType, pcapFile, pcapngFile, type FrameRecord } from '@glia/packet';
import { describe, expect, it } from 'vitest';
import factory, { type PcapCapture } from './index.js';

const { bytesOf, ethernet, ipv4, tcp } = frames;
const T0 = 1_700_000_000_000_000_000n;
const SYN = 0x02;
const ACK = 0x10;

function handshake(sport: number, t: bigint): FrameRecord[] {
  const c = (flags: number, payload?: Uint8Array): Uint8Array =>
    ethernet(
      0x0800,
      ipv4({ src: '10.1.0.1', dst: '10.1.0.2', proto: 6 }, tcp({ sport, dport: 80, flags }, payload)),
    );
  const s = (flags: number, payload?: Uint8Array): Uint8Array =>
    ethernet(
      0x0800,
      ipv4({ src: '10.1.0.2', dst: '10.1.0.1', proto: 6 }, tcp({ sport: 80, dport: sport, flags }, payload)),
    );
  return [
    { frame: c(SYN), ts: t },
    { frame: s(SYN | ACK), ts: t + 1_000_000n },
    { frame: c(ACK), ts: t + 2_000_000n },
    { frame: c(ACK, bytesOf('GET / HTTP/1.1\r\n\r\n')), ts: t + 3_000_000n },
    { frame: s(ACK, bytesOf('HTTP/1.1 200 OK\r\n\r\n')), ts: t + 4_000_000n },
  ];
}

const dir = mkdtempSync(join(tmpdir(), 'glia-pcap-'));
const small = join(dir, 'small.pcap');
writeFileSync(small, pcapFile(handshake(40000, T0), { linkType: LinkType.ETHERNET }));

function create(
  config: Record<string, unknown>,
  ctx = testContext('pcap'),
): { capture: PcapCapture; ctx: ReturnType<typeof testContext> } {
  const capture = factory.create(ctx, { ...config } as never);
  if (capture === null) throw new Error('pcap plugin declined to create');
  return { capture, ctx };
}

describePluginContract(factory, { config: { file: small } });

describe('pcap capture plugin', () => {
  it('publishes the capture events of a file, advancing the packet clock first, and reports stats', async () => {
    const { capture, ctx } = create({ file: small });
    const seen: string[] = [];
    const clock = ctx.clock as PacketClock;
    ctx.bus.subscribe('conn', (e: ConnEvent) => {
      expect(clock.now()).toBe(e.ts);
      seen.push(`conn ${e.phase}`);
    });
    ctx.bus.subscribe('banner', (e: BannerEvent) => seen.push(`banner ${e.sender} ${e.iface} ${e.dir}`));
    await capture.start();
    expect(capture.health().state).toBe('ok');
    await capture.finished();
    expect(seen).toEqual([
      'conn syn',
      'conn synack',
      'banner client pcap0 ingress',
      'banner server pcap0 ingress',
    ]);
    expect(clock.now()).toBe(T0 + 4_000_000n);
    const stats = capture.stats();
    expect(stats).toMatchObject({
      files: 1,
      packets: 5,
      events: { conn: 2, banner: 2, flow: 1, dns: 0, segment: 0 },
      undecodable: {},
    });
    expect(ctx.metrics.value('pcap_packets_total', { plugin: 'pcap' })).toBe(5);
    expect(ctx.metrics.value('pcap_events_total', { plugin: 'pcap', topic: 'conn' })).toBe(2);
    await capture.stop();
    expect(capture.health().state).toBe('stopped');
  });

  it('replays a directory (pcap, pcapng, gzip) in name order, relative to baseDir, with iface and dir overrides', async () => {
    const ctx = testContext('pcap');
    mkdirSync(join(ctx.baseDir, 'caps'));
    writeFileSync(
      join(ctx.baseDir, 'caps', 'b.pcapng'),
      pcapngFile([{ interfaces: [{ linkType: 1, name: 'eth7' }], records: handshake(40002, T0 + 2n) }]),
    );
    writeFileSync(
      join(ctx.baseDir, 'caps', 'a.pcap.gz'),
      gzipSync(pcapFile(handshake(40001, T0 + 1n), { linkType: 1 })),
    );
    writeFileSync(join(ctx.baseDir, 'caps', 'notes.txt'), 'not a capture');
    const ports: number[] = [];
    const ifaces: string[] = [];
    const { capture } = create({ file: 'caps', iface: 'replay0', dir: 'egress' }, ctx);
    ctx.bus.subscribe('conn', (e) => {
      ports.push(e.phase === 'syn' ? e.sport : e.dport);
      ifaces.push(`${e.iface}/${e.dir}`);
    });
    await capture.start();
    await capture.finished();
    expect(ports).toEqual([40001, 40001, 40002, 40002]);
    expect(new Set(ifaces)).toEqual(new Set(['replay0/egress']));
    expect(capture.stats().files).toBe(2);
  });

  it('uses the pcapng interface name by default', async () => {
    const ctx = testContext('pcap');
    const path = join(ctx.baseDir, 'x.pcapng');
    writeFileSync(
      path,
      pcapngFile([{ interfaces: [{ linkType: 1, name: 'eth7' }], records: handshake(40002, T0) }]),
    );
    const { capture } = create({ file: path }, ctx);
    const names: string[] = [];
    ctx.bus.subscribe('conn', (e) => names.push(e.iface));
    await capture.start();
    await capture.finished();
    expect(names).toEqual(['eth7', 'eth7']);
  });

  it('fails with the file name when the file is missing, without throwing', async () => {
    const { capture } = create({ file: 'no/such.pcap' });
    await capture.start();
    await capture.finished();
    expect(capture.health()).toMatchObject({ state: 'failed' });
    expect(capture.health().reason).toMatch(/no\/such\.pcap does not exist/);
    await capture.stop();
    expect(capture.health().state).toBe('stopped');
  });

  it('fails with the file name and byte offset on a corrupt file, after replaying what came before', async () => {
    const bytes = pcapFile(handshake(40000, T0), { linkType: 1 });
    new DataView(bytes.buffer).setUint32(24 + 16 + 54 + 8, 0x7fffffff, true);
    const path = join(dir, 'corrupt.pcap');
    writeFileSync(path, bytes);
    const { capture, ctx } = create({ file: path });
    let conns = 0;
    ctx.bus.subscribe('conn', () => conns++);
    await capture.start();
    await capture.finished();
    expect(conns).toBe(1);
    expect(capture.health().state).toBe('failed');
    expect(capture.health().reason).toBe(
      `1 of 1 capture files read only up to their damage: ` +
        `${path}: pcap record length 2147483647 exceeds the snap length 262144 at byte offset 94`,
    );
    expect(capture.stats()).toMatchObject({ files: 0, damagedFiles: 1, packets: 1 });
  });

  it('carries on with the next file after a damaged one, and counts the damage', async () => {
    const ctx = testContext('pcap');
    mkdirSync(join(ctx.baseDir, 'mixed'));
    const damaged = pcapFile(handshake(40010, T0), { linkType: 1 });
    // The second record's length field (after the 24-byte file header, one 16-byte record header
    // and its 54-byte frame): no capture holds a record that long.
    new DataView(damaged.buffer).setUint32(24 + 16 + 54 + 8, 0x7fffffff, true);
    writeFileSync(join(ctx.baseDir, 'mixed', 'a.pcap'), damaged);
    writeFileSync(
      join(ctx.baseDir, 'mixed', 'b.pcap'),
      pcapFile(handshake(40011, T0 + 10n), { linkType: 1 }),
    );
    const { capture } = create({ file: 'mixed' }, ctx);
    const seen: string[] = [];
    ctx.bus.subscribe('conn', (e) => seen.push(`${e.phase} ${e.phase === 'syn' ? e.sport : e.dport}`));
    await capture.start();
    await capture.finished();
    // a.pcap up to its damage (the SYN), then the whole of b.pcap.
    expect(seen).toEqual(['syn 40010', 'syn 40011', 'synack 40011']);
    expect(capture.stats()).toMatchObject({ files: 1, damagedFiles: 1, packets: 6 });
    expect(capture.health().state).toBe('failed');
    expect(capture.health().reason).toMatch(
      /^1 of 2 capture files read only up to their damage: .*mixed\/a\.pcap: pcap record length 2147483647 exceeds the snap length 262144 at byte offset 94$/,
    );
    await capture.stop();
    expect(ctx.metrics.render()).toMatch(/glia_pcap_damaged_files_total\{plugin="pcap"\} 1/);
  });

  it('paces by packet time at speed 1 and stops promptly during a replay', async () => {
    const slow = join(dir, 'slow.pcap');
    // Two packets 1 s apart, then 1 h later a third: at speed 1 the replay would take an hour.
    const records = handshake(40003, T0);
    records[1].ts = T0 + 1_000_000_000n;
    for (let i = 2; i < records.length; i++) records[i].ts = T0 + 3_600_000_000_000n;
    writeFileSync(slow, pcapFile(records, { linkType: 1 }));
    const { capture, ctx } = create({ file: slow, speed: 1 });
    const at: number[] = [];
    ctx.bus.subscribe('conn', () => at.push(performance.now()));
    await capture.start();
    await new Promise((r) => setTimeout(r, 1300));
    expect(at.length).toBe(2);
    expect(at[1] - at[0]).toBeGreaterThan(900);
    const t = performance.now();
    await capture.stop();
    // The paced wait ahead is an hour of packet time: stop() must cut it, not sit it out.
    expect(performance.now() - t).toBeLessThan(5000);
    await capture.finished();
    expect(capture.stats().packets).toBe(2);
  });

  it('replays a real fixture and yields to the event loop', async () => {
    const fixtures = fixturesDir();
    if (fixtures === null) return;
    const { capture } = create({
      file: join(fixtures, 'pcaps', 'zeek_tunnels_vxlan-encapsulated-http.pcap'),
    });
    await capture.start();
    await capture.finished();
    expect(capture.stats()).toMatchObject({ packets: 12, events: { conn: 2, banner: 2 } });
  });
});
