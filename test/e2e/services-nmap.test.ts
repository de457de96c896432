/**
 * Real servers in a network namespace (OpenSSH, nginx, Redis, dnsmasq over TCP, vsftpd,
 * PostgreSQL): `nmap -sV` scans them from the other namespace while tcpdump captures the traffic;
 * the capture is then replayed into the services enricher, whose passive result for each port
 * must be nmap's service and product, and nmap's version where nmap has one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PacketClock, type BannerEvent } from '@glia/core';
import { hasTool, testContext } from '@glia/core/testing';
import { plugin as servicesPlugin, type ServicesEnricher } from '@glia/enricher-services';
import { replayCaptureEvents } from '@glia/packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VethPair, canCreateNamespaces, startTcpdump, stopTcpdump } from '../support/netns.js';
import {
  startDnsmasq,
  startNginx,
  startOpenSsh,
  startPostgres,
  startRedis,
  startVsftpd,
  waitListening,
  type RealServer,
} from '../support/servers.js';

const PROBES = '/usr/share/nmap/nmap-service-probes';
const tools = [
  'nmap',
  'tcpdump',
  'sshd',
  'nginx',
  'redis-server',
  'dnsmasq',
  'vsftpd',
  'runuser',
  'ssh-keygen',
];
const enabled = canCreateNamespaces() && tools.every((t) => hasTool(t));

interface NmapService {
  port: number;
  name?: string;
  product?: string;
  version?: string;
}

/** The <service> of each open port in nmap's XML output. */
function parseNmapXml(xml: string): NmapService[] {
  const out: NmapService[] = [];
  for (const m of xml.matchAll(/<port protocol="tcp" portid="(\d+)">([\s\S]*?)<\/port>/g)) {
    const service = /<service ([^>]*?)\/?>/.exec(m[2]);
    const attr = (name: string): string | undefined => {
      const a = service === null ? null : new RegExp(` ${name}="([^"]*)"`).exec(` ${service[1]}`);
      return a === null ? undefined : unescapeXml(a[1]);
    };
    out.push({ port: Number(m[1]), name: attr('name'), product: attr('product'), version: attr('version') });
  }
  return out;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');
}

describe.skipIf(!enabled)('services enricher against nmap -sV on real servers', () => {
  let pair: VethPair;
  let dir: string;
  let servers: RealServer[] = [];
  let nmap: NmapService[] = [];
  let enricher: ServicesEnricher;
  const serverAddr = '10.77.12.2';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'glia-services-'));
    pair = new VethPair('10.77.12.1', serverAddr);
    servers = [
      startOpenSsh(pair, pair.right, serverAddr, dir),
      startNginx(pair, pair.right, serverAddr, dir),
      startRedis(pair, pair.right, serverAddr, dir),
      startDnsmasq(pair, pair.right, serverAddr, dir),
      startVsftpd(pair, pair.right, serverAddr, dir),
      startPostgres(pair, pair.right, serverAddr, dir),
    ];
    const ports = servers.map((s) => s.port);
    await waitListening(pair, pair.right, ports);
    const capture = join(dir, 'scan.pcap');
    const tcpdump = await startTcpdump(pair, pair.left, pair.leftDev, capture);
    const xml = join(dir, 'nmap.xml');
    pair.exec(
      pair.left,
      'nmap',
      ['-sV', '-Pn', '-n', '-p', ports.join(','), '-oX', xml, serverAddr],
      240_000,
    );
    await stopTcpdump(tcpdump);
    nmap = parseNmapXml(readFileSync(xml, 'utf8'));
    if (process.env.GLIA_KEEP_SCAN) console.log(readFileSync(xml, 'utf8'), capture);

    const clock = new PacketClock();
    const ctx = testContext('services', { clock });
    const created = servicesPlugin.create(ctx, { probes: PROBES });
    if (created === null) throw new Error('services create returned null');
    enricher = created;
    await enricher.start();
    await replayCaptureEvents(capture, (topic, event) => {
      clock.advance(event.ts);
      if (topic === 'banner') ctx.bus.publish('banner', event as BannerEvent);
    });
  }, 300_000);

  afterAll(async () => {
    enricher?.stop();
    await pair?.close();
    if (dir !== undefined && process.env.GLIA_KEEP_SCAN === undefined)
      rmSync(dir, { recursive: true, force: true });
  });

  it('nmap identified every server', () => {
    const byPort = new Map(nmap.map((s) => [s.port, s]));
    for (const s of servers) expect(byPort.get(s.port)?.name, `${s.name} on ${s.port}`).toBeDefined();
  });

  it('gives the same service and product as nmap, and the same version where nmap has one', () => {
    const ours = new Map((enricher.nodeServices(serverAddr)?.services ?? []).map((s) => [s.port, s]));
    const rows = nmap.map((n) => {
      const g = ours.get(n.port);
      return {
        port: n.port,
        nmap: [n.name, n.product, n.version],
        glia: [g?.service, g?.product, n.version === undefined ? undefined : g?.version],
      };
    });
    console.log(
      rows.map((r) => `${r.port}: nmap ${JSON.stringify(r.nmap)} glia ${JSON.stringify(r.glia)}`).join('\n'),
    );
    for (const r of rows) expect(r.glia, `port ${r.port}`).toEqual(r.nmap);
  });
});
