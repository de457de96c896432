/**
 * The services enricher's active prober against nmap itself, on real servers in a namespace:
 * - the probes it plans for a port that never answers usefully are the probes nmap's own
 *   `--version-trace` shows it sending, in the same order;
 * - probing OpenSSH, nginx and Redis (run from inside the client namespace) gives nmap -sV's
 *   service, product and version, within its rate limit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, repoRoot } from '@glia/core/testing';
import { ACTIVE_DEFAULTS, ServiceDatabase, probePlan } from '@glia/enricher-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VethPair, canCreateNamespaces } from '../support/netns.js';
import { nmapServiceScan } from '../support/nmap.js';
import { startNginx, startOpenSsh, startRedis, waitListening } from '../support/real-servers.js';

const PROBES = '/usr/share/nmap/nmap-service-probes';
const enabled =
  canCreateNamespaces() && ['nmap', 'sshd', 'nginx', 'redis-server', 'ssh-keygen'].every((t) => hasTool(t));
const GARBAGE_PORT = 7777;

/** A server that sends bytes no line identifies, then closes: nmap goes through its whole plan. */
const GARBAGE_SERVER = `
const net = require('node:net');
net.createServer((s) => { s.on('error', () => {}); s.end(Buffer.from([1, 2, 0x67, 0x6c, 0x69, 0x61, 3, 0xfe])); })
  .listen(${GARBAGE_PORT}, process.argv[1]);
`;

describe.skipIf(!enabled)('active prober against nmap', () => {
  let pair: VethPair;
  let dir: string;
  const serverAddr = '10.77.13.2';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'glia-services-active-'));
    pair = new VethPair('10.77.13.1', serverAddr);
    startOpenSsh(pair, pair.right, serverAddr, dir);
    startNginx(pair, pair.right, serverAddr, dir);
    startRedis(pair, pair.right, serverAddr, dir);
    pair.spawn(pair.right, process.execPath, ['-e', GARBAGE_SERVER, serverAddr]);
    await waitListening(pair, pair.right, [22, 80, 6379, GARBAGE_PORT]);
  }, 60_000);

  afterAll(async () => {
    await pair?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("plans the probes nmap sends, in nmap's order", () => {
    const trace = pair.exec(
      pair.left,
      'nmap',
      ['-sV', '--version-trace', '-Pn', '-n', '-p', String(GARBAGE_PORT), serverAddr],
      240_000,
    );
    const sent = [...trace.matchAll(/Service scan sending probe (\S+) to [\d.]+:(\d+) \(tcp\)/g)]
      .filter((m) => Number(m[2]) === GARBAGE_PORT)
      .map((m) => m[1]);
    const db = ServiceDatabase.fromText(readFileSync(PROBES, 'latin1'), PROBES);
    const plan = probePlan(db, GARBAGE_PORT, { intensity: 7, tls: false }).map((p) => p.probe.name);
    expect(sent.length).toBeGreaterThan(10);
    console.log(`nmap sent ${sent.length} probes: ${sent.join(' ')}`);
    expect(plan).toEqual(sent);
  }, 300_000);

  it('identifies what nmap -sV identifies, within its rate limit', () => {
    const ports = [22, 80, 6379];
    const nmap = new Map(
      nmapServiceScan(pair, pair.left, serverAddr, ports, join(dir, 'nmap.xml')).map((n) => [
        n.port,
        [n.name, n.product, n.version].filter((x): x is string => x !== undefined),
      ]),
    );
    const rate = 5;
    const out = execFileSync(
      'ip',
      [
        'netns',
        'exec',
        pair.left,
        process.execPath,
        join(repoRoot(), 'test/support/run-prober.mjs'),
        PROBES,
        serverAddr,
        ports.join(','),
        String(rate),
      ],
      { encoding: 'utf8', timeout: 240_000 },
    );
    const result = JSON.parse(out) as {
      found: Record<string, { service: string; product?: string; version?: string }>;
      counters: { connections: number };
      ms: number;
    };
    for (const port of ports) {
      const f = result.found[port];
      expect(
        [f?.service, f?.product, f?.version].filter((x) => x !== undefined),
        `port ${port}`,
      ).toEqual(nmap.get(port));
    }
    // The bucket starts with `rate` tokens, then gives `rate` per second.
    expect(result.ms).toBeGreaterThanOrEqual(((result.counters.connections - rate) / rate) * 1000 - 50);
    expect(ACTIVE_DEFAULTS.enabled).toBe(false);
  }, 300_000);
});
