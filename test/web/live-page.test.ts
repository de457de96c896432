import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Collector, collectorConfig } from '@glia/collector';
import { fixturesDir, hasTool, tsharkFields } from '@glia/core/testing';
import type { ObservedSlice, ServiceGraph } from '@glia/service-graph';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, testOutputDir } from '../support/browser.js';
import type { PageDocument, PageWindow } from '../support/page-globals.js';

declare const document: PageDocument;
declare const window: PageWindow;
import { runGliaAsync } from '../support/glia.js';
import { hasMmdbTools, writeIdentityMmdb, type IdentityEntry } from '../support/mmdb.js';

const fixtures = fixturesDir();
const ready = fixtures !== null && hasChromium() && hasMmdbTools() && hasTool('tshark');
const TOKEN = 'web-test-token';
const CAPTURES = ['zeek_ssh_single-conn.pcap', 'zeek_http_get.pcap', 'zeek_smtp.pcap'];
const SSH_SERVER = '131.159.14.23';

const IDENTITY: IdentityEntry[] = [
  { ip: '192.150.186.169', namespace: 'ops', workload: 'admin-laptop' },
  { ip: SSH_SERVER, namespace: 'infra', workload: 'bastion', app: 'sshd', labels: { tier: 'edge' } },
  { ip: '141.142.228.5', namespace: 'web', workload: 'crawler' },
  { ip: '192.150.187.43', namespace: 'web', workload: 'www' },
  { ip: '10.10.1.4', namespace: 'mail', workload: 'relay' },
  { ip: '192.168.133.100', namespace: 'mail', workload: 'client' },
  { ip: '192.168.133.102', namespace: 'mail', workload: 'smtp' },
];

async function startCollector(
  dir: string,
  entries: IdentityEntry[],
): Promise<{ collector: Collector; base: string }> {
  const mmdb = join(dir, 'identity.mmdb');
  writeIdentityMmdb(mmdb, entries);
  const config = collectorConfig(
    { token: TOKEN, listen: '127.0.0.1:0', store: { type: 'sqlite', path: 'g.db' }, identity: { mmdb } },
    'test',
    dir,
  );
  const collector = new Collector(config);
  const { port } = await collector.start();
  return { collector, base: `http://127.0.0.1:${port}` };
}

/** Waits for the page to have drawn (again): its body says ready with a render count above `renders`. */
async function drawn(page: Page, renders: number, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (n) => document.body.dataset.state === 'ready' && Number(document.body.dataset.renders) > n,
    renders,
    { timeout },
  );
}

/** Clicks where Cytoscape drew a node, as a person would. */
async function clickNode(page: Page, id: string): Promise<void> {
  const at = await page.evaluate((nodeId) => {
    const g = (
      window as unknown as {
        glia: { cy: { getElementById(id: string): { renderedPosition(): { x: number; y: number } } } };
      }
    ).glia;
    const p = g.cy.getElementById(nodeId).renderedPosition();
    const box = document.getElementById('graph')!.getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, `n:${id}`);
  await page.mouse.click(at.x, at.y);
}

describe.skipIf(!ready)('the collector’s live page in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-web-'));
  let collector: Collector;
  let base = '';
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    ({ collector, base } = await startCollector(dir, IDENTITY));
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
  });

  it('draws a fixture replay; a clicked node shows its services; the namespace filter narrows it; updates arrive live', async () => {
    const config = join(dir, 'agent.yaml');
    const files = CAPTURES.map((c) => JSON.stringify(join(fixtures!, 'pcaps', c))).join(', ');
    writeFileSync(
      config,
      [
        'agent: { id: web-agent }',
        `capture: [{ plugin: pcap, file: [${files}] }]`,
        'enrichers: [{ plugin: fqdn }, { plugin: ja4t }, { plugin: tls }, { plugin: services }]',
        'rules:',
        '  - { id: no-imap-push, expression: "tcp.dstport eq 5223", action: drop }',
        '  - { id: watch-smtp, expression: "tcp.dstport eq 25", action: drop, enforce: false }',
        `sinks: [{ plugin: service_graph, url: "${base}", token: ${TOKEN}, interval: 0.2 }]`,
      ].join('\n'),
    );
    const run = await runGliaAsync(['run', '-c', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/upload failed|left unsent/);
    const graph = (await (await fetch(`${base}/v1/graph`)).json()) as ServiceGraph;

    const page = await browser.context.newPage();
    await page.goto(`${base}/`);
    await drawn(page, 0);
    expect(await page.evaluate(() => document.body.dataset.nodes)).toBe(String(graph.nodes.length));
    const drawnIds = await page.evaluate(() =>
      (
        window as unknown as {
          glia: { cy: { nodes(s: string): { map(f: (n: { id(): string }) => string): string[] } } };
        }
      ).glia.cy
        .nodes(':childless')
        .map((n) => n.id()),
    );
    expect(drawnIds.sort()).toEqual(graph.nodes.map((n) => `n:${n.id}`).sort());

    // The SSH server's services as the services enricher matched them (nmap's probes) against its
    // banner, which tshark reads independently.
    const [[banner]] = tsharkFields(
      join(fixtures!, 'pcaps', 'zeek_ssh_single-conn.pcap'),
      ['ssh.protocol'],
      `ip.src == ${SSH_SERVER} && ssh.protocol`,
    );
    const [, protocol, product, version] = /^SSH-([\d.]+)-([A-Za-z]+)_(\S+)/.exec(banner)!;
    await clickNode(page, 'infra/bastion');
    await page.waitForSelector('#details:not([hidden])');
    expect(await page.textContent('#node-title')).toBe('infra/bastion');
    expect(await page.locator('#services li').allTextContents()).toEqual([
      // nmap's line for OpenSSH adds the protocol as info and OpenBSD's CPE name of the product.
      `tcp/22 ssh ${product} ${version} protocol ${protocol} (cpe:/a:openbsd:openssh:${version})`,
    ]);
    expect(await page.locator('#labels li').allTextContents()).toEqual(['tier=edge']);
    expect(await page.locator('#ips li').allTextContents()).toEqual([SSH_SERVER]);

    // Drops and would-drops are drawn as such.
    const classes = await page.evaluate(() => {
      const cy = (
        window as unknown as {
          glia: { cy: { edges(s: string): { map(f: (e: { id(): string }) => string): string[] } } };
        }
      ).glia.cy;
      return {
        drop: cy.edges('.drop').map((e) => e.id()),
        would: cy.edges('.would-drop').map((e) => e.id()),
      };
    });
    expect(classes.drop.some((id) => id.endsWith(':5223/tcp'))).toBe(true);
    expect(classes.would.some((id) => id.endsWith(':25/tcp'))).toBe(true);
    await page.screenshot({ path: join(testOutputDir('web'), 'live-page.png') });

    // The namespace filter: only edges touching "mail" remain.
    await page.selectOption('#namespace', 'mail');
    await page.waitForFunction(
      () => document.body.dataset.state === 'ready' && document.body.dataset.namespace === 'mail',
    );
    const mail = (await (await fetch(`${base}/v1/graph?namespace=mail`)).json()) as ServiceGraph;
    const shown = await page.evaluate(() => {
      const cy = (
        window as unknown as {
          glia: {
            cy: {
              edges(): {
                map(f: (e: { data(k: string): { source: string; target: string } }) => string): string[];
              };
            };
          };
        }
      ).glia.cy;
      return cy.edges().map((e) => `${e.data('edge').source} ${e.data('edge').target}`);
    });
    expect(shown.length).toBe(mail.edges.length);
    const namespaceOf = new Map(graph.nodes.map((n) => [n.id, n.namespace]));
    for (const e of shown)
      expect(
        e.split(' ').some((id) => namespaceOf.get(id) === 'mail'),
        e,
      ).toBe(true);
    expect(shown.length).toBeLessThan(graph.edges.length);
    await page.screenshot({ path: join(testOutputDir('web'), 'live-page-mail.png') });

    // A new upload reaches the open page through the change stream, without a reload.
    const before = Number(await page.evaluate(() => document.body.dataset.edges));
    const slice: ObservedSlice = {
      version: 1,
      agent: 'late-agent',
      epoch: 1,
      seq: 1,
      full: true,
      generated_at: Date.now(),
      edges: [
        {
          client: '10.10.1.4',
          server: '192.168.133.102',
          port: 587,
          proto: 'tcp',
          flows: 2,
          first_seen: Date.now(),
          last_seen: Date.now(),
          verdicts: { drop: 0, would_drop: 0, log: 0, allow: 0 },
        },
      ],
      nodes: [],
    };
    const put = await fetch(`${base}/v1/observed/late-agent`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(slice)),
    });
    expect(put.status).toBe(204);
    await page.waitForFunction((n) => Number(document.body.dataset.edges) === n + 1, before, {
      timeout: 15_000,
    });
    await page.close();
  });
});

describe.skipIf(!ready)('the live page at 2 000 nodes', () => {
  /** The stated bound: first request to a drawn, laid-out graph on this 2-core shared machine. */
  const RENDER_BOUND_MS = 60_000;

  it(`draws a generated graph of 2 000 nodes in 20 namespaces within ${RENDER_BOUND_MS / 1000} s`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-web-2k-'));
    const ips = Array.from({ length: 2000 }, (_, i) => `10.${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`);
    const entries = ips.map((ip, i) => ({ ip, namespace: `ns-${i % 20}`, workload: `wl-${i}` }));
    const { collector, base } = await startCollector(dir, entries);
    const browser = await launchChromium();
    try {
      // A service graph's shape: in each namespace 5 servers and 95 clients; every client calls a
      // server of its namespace, every fourth also one of another namespace; servers call each other.
      const server = (ns: number, k: number) => ips[ns + 20 * k]; // k < 5
      const edges: ObservedSlice['edges'] = ips.flatMap((ip, i) => {
        const ns = i % 20;
        const k = Math.floor(i / 20);
        if (k < 5) return [edge(ip, server((ns + 1) % 20, k), 5432, i)];
        const calls = [edge(ip, server(ns, k % 5), 8080, i)];
        if (k % 4 === 0) calls.push(edge(ip, server((ns + 7) % 20, k % 5), 443, i));
        return calls;
      });
      const slice: ObservedSlice = {
        version: 1,
        agent: 'gen',
        epoch: 1,
        seq: 1,
        full: true,
        generated_at: 1,
        edges,
        nodes: [],
      };
      const put = await fetch(`${base}/v1/observed/gen`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify(slice)),
      });
      expect(put.status).toBe(204);
      const page = await browser.context.newPage();
      const started = Date.now();
      await page.goto(`${base}/`);
      await drawn(page, 0, RENDER_BOUND_MS);
      const elapsed = Date.now() - started;
      console.log(`2 000-node graph: from navigation to drawn and laid out in ${elapsed} ms`);
      expect(await page.evaluate(() => document.body.dataset.nodes)).toBe('2000');
      expect(await page.evaluate(() => document.body.dataset.edges)).toBe(String(edges.length));
      // Usable: a click still opens a node's details.
      await clickNode(page, 'ns-3/wl-3');
      await page.waitForSelector('#details:not([hidden])', { timeout: 10_000 });
      expect(await page.textContent('#node-title')).toBe('ns-3/wl-3');
      await page.screenshot({ path: join(testOutputDir('web'), 'live-page-2000.png') });
      expect(elapsed).toBeLessThan(RENDER_BOUND_MS);
    } finally {
      await browser.close();
      await collector.stop();
    }
  });
});

function edge(client: string, server: string, port: number, i: number): ObservedSlice['edges'][number] {
  return {
    client,
    server,
    port,
    proto: 'tcp',
    flows: 1 + (i % 5),
    first_seen: 1000,
    last_seen: 2000,
    verdicts: { drop: i % 97 === 0 ? 1 : 0, would_drop: i % 89 === 0 ? 1 : 0, log: 0, allow: 0 },
  };
}
