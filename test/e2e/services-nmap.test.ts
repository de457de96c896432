/**
 * Real servers in a network namespace (OpenSSH, nginx, Redis, dnsmasq over TCP, vsftpd,
 * PostgreSQL): `nmap -sV` scans them from the other namespace while tcpdump captures the traffic;
 * the capture is then replayed into the services enricher, whose passive result for each port
 * must be nmap's service and product, and nmap's version where nmap has one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PacketClock, type BannerEvent } from '@glia/core';
import { hasTool, testContext } from '@glia/core/testing';
import { plugin as servicesPlugin, type ServicesEnricher } from '@glia/enricher-services';
import { replayCaptureEvents } from '@glia/packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VethPair, canCreateNamespaces, startTcpdump, stopTcpdump } from '../support/netns.js';
import { nmapServiceScan, type NmapService } from '../support/nmap.js';
import {
  startDnsmasq,
  startNginx,
  startOpenSsh,
  startPostgres,
  startRedis,
  startVsftpd,
  waitListening,
  type RealServer,
} from '../support/real-servers.js';

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
  'ssh',
  'curl',
  'redis-cli',
  'dig',
  'psql',
];
const enabled = canCreateNamespaces() && tools.every((t) => hasTool(t));

/** A fresh enricher fed with the banners of a capture. */
async function replayInto(capture: string): Promise<ServicesEnricher> {
  const clock = new PacketClock();
  const ctx = testContext('services', { clock });
  const enricher = servicesPlugin.create(ctx, { probes: PROBES });
  if (enricher === null) throw new Error('services create returned null');
  await enricher.start();
  await replayCaptureEvents(capture, (topic, event) => {
    clock.advance(event.ts);
    if (topic === 'banner') ctx.bus.publish('banner', event as BannerEvent);
  });
  return enricher;
}

/** What people run against these servers: ssh, curl (HTTP and FTP), redis-cli, dig over TCP, psql. */
function runClients(pair: VethPair, ns: string, addr: string): void {
  const attempt = (command: string, args: string[]): void => {
    try {
      pair.exec(ns, command, args, 20_000);
    } catch {
      // Refused logins and the like still exchange the banners this test is about.
    }
  };
  attempt('ssh', [
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'ConnectTimeout=5',
    `nobody@${addr}`,
    'true',
  ]);
  attempt('curl', ['-s', '-m', '5', `http://${addr}/`]);
  attempt('curl', ['-s', '-m', '5', `ftp://${addr}/`]);
  attempt('redis-cli', ['-h', addr, 'PING']);
  attempt('dig', ['+tcp', '+time=3', '+tries=1', `@${addr}`, 'glia.test']);
  attempt('psql', ['-h', addr, '-U', 'postgres', '-c', 'select 1']);
}

describe.skipIf(!enabled)('services enricher against nmap -sV on real servers', () => {
  let pair: VethPair;
  let dir: string;
  let servers: RealServer[] = [];
  let nmap: NmapService[] = [];
  let enricher: ServicesEnricher;
  let clients: ServicesEnricher;
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
    // Everyday clients first, in a capture of their own.
    const clientCapture = join(dir, 'clients.pcap');
    let tcpdump = await startTcpdump(pair, pair.left, pair.leftDev, clientCapture);
    runClients(pair, pair.left, serverAddr);
    await stopTcpdump(tcpdump);
    clients = await replayInto(clientCapture);

    const capture = join(dir, 'scan.pcap');
    tcpdump = await startTcpdump(pair, pair.left, pair.leftDev, capture);
    nmap = nmapServiceScan(pair, pair.left, serverAddr, ports, join(dir, 'nmap.xml'));
    await stopTcpdump(tcpdump);
    enricher = await replayInto(capture);
  }, 300_000);

  afterAll(async () => {
    enricher?.stop();
    clients?.stop();
    await pair?.close();
    if (dir !== undefined && process.env.GLIA_KEEP_SCAN === undefined)
      rmSync(dir, { recursive: true, force: true });
  });

  it('nmap identified every server', () => {
    const byPort = new Map(nmap.map((s) => [s.port, s]));
    for (const s of servers) expect(byPort.get(s.port)?.method, `${s.name} on ${s.port}`).toBe('probed');
  });

  it('gives the same service and product as nmap, and the same version where nmap has one', () => {
    for (const r of compare(enricher, 'glia')) expect(r.glia, `port ${r.port}`).toEqual(r.nmap);
  });

  it('from everyday clients: what it identifies agrees with nmap, and server-first services and HTTP are identified', () => {
    const rows = compare(clients, 'glia from clients');
    for (const r of rows) if (r.glia !== null) expect(r.glia, `port ${r.port}`).toEqual(r.nmap);
    // SSH and FTP speak first; curl's GET is matched as nmap's GetRequest reply.
    const found = rows.filter((r) => r.glia !== null).map((r) => r.port);
    expect(found).toEqual(expect.arrayContaining([21, 22, 80]));
  });

  /** nmap's [service, product, version] per port beside the enricher's (its version only where nmap has one). */
  function compare(e: ServicesEnricher, label: string) {
    const ours = new Map((e.nodeServices(serverAddr)?.services ?? []).map((s) => [s.port, s]));
    const rows = nmap.map((n) => {
      const g = ours.get(n.port);
      const glia =
        g === undefined ? null : [g.service, g.product, n.version === undefined ? undefined : g.version];
      return { port: n.port, nmap: [n.name, n.product, n.version], glia };
    });
    console.log(
      rows
        .map((r) => `${r.port}: nmap ${JSON.stringify(r.nmap)} ${label} ${JSON.stringify(r.glia)}`)
        .join('\n'),
    );
    return rows;
  }
});
