import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frames, LinkType, pcapFile, type FrameRecord } from '@glia/packet';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputWatcher, runGlia, startGlia } from '../support/glia.js';

/**
 * The real `glia control-plane` and a real agent (`glia run` replaying a capture at its recorded
 * pace) on loopback: an inventory change reaches the agent's rules within a second, a control
 * plane killed and restarted loses nothing, a bad pushed rule set is refused, a wrong token is
 * refused and counted.
 */
const work = mkdtempSync(join(tmpdir(), 'glia-cp-e2e-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const CLIENT = '10.50.0.1';
const API = '10.50.0.2';
const DB = '10.50.0.3';
const SECOND = 1_000_000_000n;

/**
 * A capture of steady traffic, built with @glia/packet's frame builders: every 100 ms a new
 * connection (SYN, SYN-ACK) from the client to the api on 443 and to the database on 5432.
 */
function steadyCapture(seconds: number): Uint8Array {
  const records: FrameRecord[] = [];
  const t0 = 1_790_000_000n * SECOND;
  const packet = (src: string, dst: string, sport: number, dport: number, flags: number): Uint8Array =>
    frames.ethernet(
      0x0800,
      frames.ipv4({ src, dst, proto: 6 }, frames.tcp({ sport, dport, flags, window: 64240 })),
    );
  for (let i = 0; i < seconds * 10; i++) {
    const ts = t0 + BigInt(i) * (SECOND / 10n);
    const port = 30_000 + i;
    for (const [server, dport] of [
      [API, 443],
      [DB, 5432],
    ] as const) {
      records.push({ ts, frame: packet(CLIENT, server, port, dport, 0x02) });
      records.push({ ts: ts + 200_000n, frame: packet(server, CLIENT, dport, port, 0x12) });
    }
  }
  return pcapFile(records, { linkType: LinkType.ETHERNET });
}

const inventory = (apiTier: string, dbTier: string): string => `
- { ip: ${CLIENT}, namespace: shop, workload: frontend, labels: { app: frontend } }
- { ip: ${API}, namespace: shop, workload: api, labels: { app: api, tier: ${apiTier} } }
- { ip: ${DB}, namespace: data, workload: postgres, labels: { app: postgres, tier: ${dbTier} } }
`;
const RULES = `
- { id: to-db-tier, expression: 'identity.k8s.dst_label["tier"] eq "db"', action: log }
- { id: to-cache-tier, expression: 'identity.k8s.dst_label["tier"] eq "cache"', action: log }
`;

function metrics(url: string, token?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

const value = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
};

/** The agent: the capture at its recorded pace, identity from the control plane, rules from it too. */
function agentConfig(port: number, tokenFile: string, admin: boolean): string {
  return `
log: { level: info }
${admin ? 'admin: { listen: 127.0.0.1:0 }' : ''}
capture:
  - { plugin: pcap, file: capture.pcap, speed: 1 }
enrichers:
  - plugin: identity
    required: true
    stream: http://127.0.0.1:${port}/v1/stream
    token_file: ${tokenFile}
    reconnect_initial_ms: 100
    reconnect_max_ms: 500
rules: []
enforce: false
sinks:
  - { plugin: blocklog, file: stdout }
`;
}

function startControlPlane(port: number): { child: ChildProcessWithoutNullStreams; log: OutputWatcher } {
  const child = startGlia([
    'control-plane',
    '--inventory',
    join(work, 'inventory.yaml'),
    '--rules',
    join(work, 'rules.yaml'),
    '--listen',
    `127.0.0.1:${port}`,
    '--token-file',
    join(work, 'token'),
  ]);
  children.push(child);
  return { child, log: new OutputWatcher(child.stderr) };
}

describe('control plane and agent on loopback', () => {
  it('inventory changes reach the rules within 1 s; a restarted control plane loses nothing', async () => {
    writeFileSync(join(work, 'capture.pcap'), steadyCapture(40));
    writeFileSync(join(work, 'token'), 'e2e-secret\n');
    writeFileSync(join(work, 'inventory.yaml'), inventory('web', 'web'));
    writeFileSync(join(work, 'rules.yaml'), RULES);

    let server = startControlPlane(0);
    const listening = await server.log.waitFor(/control plane listening/);
    const port = Number(/127\.0\.0\.1:(\d+)\/v1\/stream/.exec(listening)?.[1]);
    expect(port).toBeGreaterThan(0);

    writeFileSync(join(work, 'agent.yaml'), agentConfig(port, 'token', true));
    const agent = startGlia(['run', '-c', join(work, 'agent.yaml')]);
    children.push(agent);
    const records = new OutputWatcher(agent.stdout);
    const log = new OutputWatcher(agent.stderr);
    const admin = JSON.parse(await log.waitFor(/admin endpoint/)) as { port: number };
    await log.waitFor(/rules .* 2 rules in force/);

    // A bad rule set pushed by the control plane is refused; the two rules stay in force.
    writeFileSync(
      join(work, 'rules.yaml'),
      `${RULES}- { id: broken, expression: 'tcp.dstport eq', action: log }\n`,
    );
    await log.waitFor(/kept the rules in force; the new rules have 1 problem/);

    // The inventory changes: the api becomes tier=db. The agent's rules see it within a second.
    expect(records.text).toBe('');
    writeFileSync(join(work, 'inventory.yaml'), inventory('db', 'web'));
    const changedAt = Date.now();
    const first = JSON.parse(await records.waitFor(/"to-db-tier"/, 5000)) as { edge: { server: string } };
    const latency = Date.now() - changedAt;
    expect(first.edge.server).toBe(API);
    expect(latency).toBeLessThan(1000);
    console.log(`inventory change to the agent's first verdict: ${latency} ms`);

    // Kill the control plane; change the inventory while it is down; start it again.
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    await log.waitFor(/control-plane stream lost/);
    writeFileSync(join(work, 'inventory.yaml'), inventory('db', 'cache'));
    server = startControlPlane(port);
    await server.log.waitFor(/control plane listening/);
    const restartedAt = Date.now();
    const second = JSON.parse(await records.waitFor(/"to-cache-tier"/, 10_000)) as {
      edge: { server: string };
    };
    expect(second.edge.server).toBe(DB);
    console.log(`control plane restart to the change made while it was down: ${Date.now() - restartedAt} ms`);
    await log.waitFor(/dropping the overlay and re-pulling/);

    const agentMetrics = await metrics(`http://127.0.0.1:${admin.port}/metrics`);
    expect(
      value(agentMetrics, 'glia_identity_resyncs_total{feed="identity",plugin="identity"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(agentMetrics, 'glia_identity_repulls_total{feed="identity",plugin="identity",result="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(value(agentMetrics, 'glia_identity_rules_pushed_total{plugin="identity",result="applied"}')).toBe(
      1,
    );
    expect(
      value(agentMetrics, 'glia_identity_rules_pushed_total{plugin="identity",result="refused"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(value(agentMetrics, 'glia_identity_stream_connected{plugin="identity"}')).toBe(1);
    // Still right about the api after the restart: the resync kept nothing stale.
    expect(records.text.split('\n').filter((l) => l.includes('"to-db-tier"'))).toHaveLength(1);

    // A wrong token: refused, and counted by the control plane.
    writeFileSync(join(work, 'wrong-token'), 'not-the-secret\n');
    writeFileSync(
      join(work, 'wrong.yaml'),
      (await import('node:fs'))
        .readFileSync(join(work, 'agent.yaml'), 'utf8')
        .replace('token_file: token', 'token_file: wrong-token')
        .replace('admin: { listen: 127.0.0.1:0 }', ''),
    );
    const refused = runGlia(['run', '-c', join(work, 'wrong.yaml')], { timeoutMs: 30_000 });
    expect(refused.stderr).toMatch(/HTTP 401 \(the bearer token was refused\)/);
    const serverMetrics = await metrics(`http://127.0.0.1:${port}/metrics`, 'e2e-secret');
    expect(value(serverMetrics, 'glia_control_plane_auth_failures_total{path="/v1/baseline"}')).toBe(1);
    expect(await metrics(`http://127.0.0.1:${port}/metrics`, 'not-the-secret')).toMatch(
      /a valid bearer token is required/,
    );

    agent.kill('SIGTERM');
    server.child.kill('SIGTERM');
    await Promise.all(
      [agent, server.child].map(
        (c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))),
      ),
    );
  }, 90_000);
});
