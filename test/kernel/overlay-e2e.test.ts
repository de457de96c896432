import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { hasTool, repoRoot } from '@glia/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPackage, canRunNamespaceKernelTests } from '../support/kernel.js';
import { gliaBin, OutputWatcher, runGlia } from '../support/glia.js';
import { OverlayLab } from '../support/overlay-lab.js';
import { selfSignedCert, startDns, startWebServers } from '../support/servers.js';
import { stopTcpdump } from '../support/netns.js';

const ready =
  canRunNamespaceKernelTests() && ['tcpdump', 'curl', 'openssl', 'dnsmasq'].every((t) => hasTool(t));

const A1 = '10.244.1.10';
const A2 = '10.244.1.11';
const B1 = '10.244.2.10';
const B2 = '10.244.2.11';
const ADMIN = 'http://127.0.0.1:19464';
const JA4_FIELDS = ['ja4t', 'ja4ts', 'dns.fqdn', 'tls.sni'];

interface Line {
  topic?: string;
  action?: string;
  rule_ids?: string[];
  phase?: string;
  client?: string;
  server?: string;
  server_port?: number;
  iface?: string;
  dir?: string;
  fields?: Record<string, unknown>;
  edge?: { client: string; server: string; server_port: number };
  fqdn?: string;
  reason?: string;
}

const readLines = (path: string): Line[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line)
    : [];

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * End to end in network namespaces: two nodes joined by a real VXLAN overlay, pods with real
 * servers behind them, and glia run on node B with observe mode tcx on the VXLAN device (both
 * directions) and the egress tap on its default-route device, enforcement on.
 */
describe.skipIf(!ready)(
  'glia on a VXLAN overlay: edges, fingerprints, per-edge drops, TTL, tls.sni, egress names',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-overlay-'));
    const blocklog = join(dir, 'blocklog.jsonl');
    const audit = join(dir, 'enforcement.jsonl');
    const recorded = join(dir, 'recorded.jsonl');
    const vxCapture = join(dir, 'vx0.pcap');
    let lab: OverlayLab;
    let agent: ChildProcess;
    let tcpdump: ChildProcess | null = null;

    const curl = (
      pod: string,
      url: string,
      extra: string[] = [],
    ): { status: number | null; stdout: string } =>
      lab.run(lab.pods[pod].ns, 'curl', ['-sk', '-m', '2', ...extra, url]);
    const glia = (...args: string[]): { status: number | null; stdout: string } =>
      lab.run(lab.nodeB, process.execPath, [gliaBin(), ...args]);
    const blocked = (rule: string, client: string, server: string, port: number): Line | undefined =>
      readLines(blocklog).find(
        (r) =>
          r.action === 'Block' &&
          r.rule_ids?.includes(rule) &&
          r.edge?.client === client &&
          r.edge.server === server &&
          r.edge.server_port === port,
      );

    beforeAll(async () => {
      lab = new OverlayLab({ a1: A1, a2: A2 }, { b1: B1, b2: B2 });
      const cert = selfSignedCert(dir, 'svc.glia.test');
      await startWebServers(lab, lab.pods.b1.ns, B1, { http: [8080, 8081], delayMs: 800 });
      await startWebServers(lab, lab.pods.b2.ns, B2, { https: [443], cert, delayMs: 800 });
      await startWebServers(lab, lab.ext, lab.extAddress, { http: [80] });
      await startDns(lab, lab.pods.a2.ns, A2, { 'ext.glia.test': lab.extAddress });
      // The overlay works before glia is there.
      expect(curl('a1', `http://${B1}:8081/`).stdout).toBe('hello from 8081\n');

      tcpdump = lab.spawn(lab.nodeB, 'tcpdump', [
        '-i',
        'vx0',
        '--immediate-mode',
        '-U',
        '-s',
        '2048',
        '-w',
        vxCapture,
      ]);
      await new OutputWatcher(tcpdump.stderr!).waitFor(/listening on/, 10_000);

      const config = join(dir, 'glia.yaml');
      writeFileSync(
        config,
        `
agent: { id: node-b }
network: { home_net: [10.0.0.0/8, 192.168.0.0/16], pod_nets: [10.244.0.0/16] }
observe: { mode: tcx, interfaces: [vx0], egress_interfaces: [vx0, auto] }
enrichers: [{ plugin: fqdn }, { plugin: tls }, { plugin: ja4t }, { plugin: flow }]
rules:
  - { id: one-edge, expression: 'ip.src == ${A1} and ip.dst == ${B1} and tcp.dstport == 8080', action: drop, ttl: 12 }
  - { id: no-blocked-name, expression: 'tls.sni eq "blocked.glia.test"', action: drop }
  - { id: egress-name, expression: 'dns.fqdn eq "ext.glia.test"', action: log }
  - { id: syn-seen, expression: 'conn.phase eq "syn" and ip.dst in {10.244.0.0/16}', action: log }
  - { id: synack-seen, expression: 'conn.phase eq "synack" and ip.dst in {10.244.0.0/16}', action: log }
sinks:
  - { plugin: blocklog, file: ${blocklog} }
  - { plugin: enforcement, audit: ${audit}, sweep_interval_ms: 200 }
  - { plugin: ${join(repoRoot(), 'test/support/event-recorder.mjs')}, file: ${recorded}, fields: ${JSON.stringify(JA4_FIELDS)} }
admin: { listen: '127.0.0.1:19464' }
`,
      );
      agent = lab.spawn(lab.nodeB, process.execPath, [gliaBin(), 'run', '-c', config]);
      await new OutputWatcher(agent.stderr!).waitFor(/glia running/, 30_000);
    }, 120_000);

    afterAll(async () => {
      if (tcpdump !== null) await stopTcpdump(tcpdump);
      await lab?.close();
    });

    it('reports the overlay edges with the JA4T and JA4TS a replay of a capture of vx0 computes', async () => {
      expect(curl('a1', `http://${B1}:8081/`).stdout).toBe('hello from 8081\n');
      expect(curl('a2', `http://${B1}:8081/`).stdout).toBe('hello from 8081\n');
      expect(curl('a2', 'https://svc.glia.test/', ['--resolve', `svc.glia.test:443:${B2}`]).stdout).toBe(
        'hello from 443\n',
      );
      const live = await until('verdicts of the three edges', () => {
        const v = readLines(recorded).filter((l) => l.topic === 'verdict' && l.iface === 'vx0');
        return v.filter((l) => l.phase === 'synack').length >= 3 ? v : undefined;
      });
      await new Promise((r) => setTimeout(r, 500));
      await stopTcpdump(tcpdump!);
      tcpdump = null;
      const replayConfig = join(dir, 'replay.yaml');
      writeFileSync(replayConfig, 'enrichers: [{ plugin: ja4t }]\n');
      const replay = runGlia(['replay', vxCapture, '-c', replayConfig, '--print', 'observations']);
      expect(replay.code, replay.stderr).toBe(0);
      const reference = new Map<string, unknown>();
      for (const line of replay.stdout.trim().split('\n')) {
        const o = JSON.parse(line) as Line & { client_port: number };
        const field = o.phase === 'syn' ? 'ja4t' : o.phase === 'synack' ? 'ja4ts' : null;
        if (field !== null)
          reference.set(`${o.phase} ${o.client}>${o.server}:${o.server_port}`, o.fields?.[field]);
      }
      const seen = new Map<string, unknown>();
      for (const v of live) {
        if (v.phase !== 'syn' && v.phase !== 'synack') continue;
        seen.set(
          `${v.phase} ${v.client}>${v.server}:${v.server_port}`,
          v.fields?.[v.phase === 'syn' ? 'ja4t' : 'ja4ts'],
        );
      }
      for (const edge of [`${A1}>${B1}:8081`, `${A2}>${B1}:8081`, `${A2}>${B2}:443`]) {
        expect(seen.has(`syn ${edge}`), edge).toBe(true);
        expect(seen.has(`synack ${edge}`), edge).toBe(true);
      }
      expect(seen.size).toBeGreaterThanOrEqual(6);
      for (const [key, fingerprint] of seen) {
        expect(fingerprint, key).toMatch(/^\d+_[\d-]+_\d+_\d+/);
        expect(fingerprint, key).toBe(reference.get(key));
      }
    });

    it('a drop rule on one edge fails that connection in the kernel while another edge of the same pods works', async () => {
      expect(curl('a1', `http://${B1}:8080/`).status).not.toBe(0);
      await until('the Block record', () => blocked('one-edge', A1, B1, 8080));
      expect(curl('a1', `http://${B1}:8081/`).stdout).toBe('hello from 8081\n');
      expect(curl('a2', `http://${B1}:8080/`).stdout).toBe('hello from 8080\n');
      expect(curl('a1', `http://${B1}:8080/`).status).not.toBe(0);
      const list = glia('edges', 'list', '--url', ADMIN);
      expect(list.status).toBe(0);
      expect(list.stdout).toMatch(new RegExp(`${A1} -> ${B1}:8080/tcp\\s+banned\\s+\\d+s\\s+one-edge`));
      const metrics = lab.exec(lab.nodeB, 'curl', ['-s', `${ADMIN}/metrics`]);
      const shot = /glia_tcx_shot_total\{plugin="observe-tcx",program="tcx_(?:ingress|egress)"\} (\d+)/g;
      expect([...metrics.matchAll(shot)].reduce((n, m) => n + Number(m[1]), 0)).toBeGreaterThan(0);
    });

    it('after the TTL the dropped edge works again', async () => {
      await until(
        'the expiry',
        () =>
          readLines(audit).find(
            (r) => r.action === 'Remove' && r.reason === 'expired' && r.edge?.server_port === 8080,
          ),
        20_000,
      );
      expect(curl('a1', `http://${B1}:8080/`).stdout).toBe('hello from 8080\n');
    });

    it('a tls.sni drop rule cuts the connection that sent the name; unban lifts it', async () => {
      const tls = (pod: string, name: string) =>
        curl(pod, `https://${name}/`, ['--resolve', `${name}:443:${B2}`]);
      expect(tls('a1', 'blocked.glia.test').status).not.toBe(0);
      await until('the Block record', () => blocked('no-blocked-name', A1, B2, 443));
      const record = readLines(blocklog).find((r) => r.rule_ids?.includes('no-blocked-name'));
      expect(record?.edge).toMatchObject({ phase: 'tls' });
      expect(tls('a2', 'allowed.glia.test').stdout).toBe('hello from 443\n');
      expect(tls('a1', 'allowed.glia.test').status).not.toBe(0);
      const unban = glia('edges', 'unban', A1, B2, '443', '--url', ADMIN);
      expect(unban.stdout).toBe(`unbanned ${A1} -> ${B2}:443/tcp\n`);
      expect(tls('a1', 'allowed.glia.test').stdout).toBe('hello from 443\n');
      expect(readLines(audit).some((r) => r.action === 'Remove' && r.reason === 'unban')).toBe(true);
    });

    it("the egress tap sees a pod's connection outside the pod net with the DNS name it was resolved from", async () => {
      const resolved = lab.exec(lab.pods.b1.ns, process.execPath, [
        '-e',
        `const r = new (require('dns').promises.Resolver)(); r.setServers(['${A2}']); r.resolve4('ext.glia.test').then((a) => console.log(a.join(',')));`,
      ]);
      expect(resolved.trim()).toBe(lab.extAddress);
      expect(curl('b1', `http://${lab.extAddress}/`).stdout).toBe('hello from 80\n');
      const notice = await until('the egress Notice', () =>
        readLines(blocklog).find((r) => r.action === 'Notice' && r.rule_ids?.includes('egress-name')),
      );
      expect(notice).toMatchObject({
        edge: { client: B1, server: lab.extAddress, server_port: 80 },
        fqdn: 'ext.glia.test',
      });
      const verdict = readLines(recorded).find(
        (l) => l.topic === 'verdict' && l.rule_ids?.includes('egress-name'),
      );
      expect(verdict).toMatchObject({ iface: 'up0', dir: 'egress', fields: { 'dns.fqdn': 'ext.glia.test' } });
    });

    it('killing the agent with SIGKILL leaves no program attached', async () => {
      const exited = new Promise((r) => agent.once('exit', r));
      agent.kill('SIGKILL');
      await exited;
      const libbpf = builtPackage('libbpf');
      const script = `import * as b from ${JSON.stringify(libbpf)};
      console.log(['vx0', 'up0'].map((d) => b.tcxProgramIds(d, 'ingress').length + b.tcxProgramIds(d, 'egress').length).join(' '));`;
      const state = await until('the links to go', () => {
        const out = lab.exec(lab.nodeB, process.execPath, ['--input-type=module', '-e', script]).trim();
        return out === '0 0' ? out : undefined;
      });
      expect(state).toBe('0 0');
    });
  },
);
