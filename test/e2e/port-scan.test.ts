import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, tsharkFields } from '@glia/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGlia } from '../support/glia.js';
import { canCreateNamespaces, startTcpdump, stopTcpdump, VethPair } from '../support/netns.js';

const PORTS = 200;
const ready = canCreateNamespaces() && hasTool('nmap') && hasTool('tcpdump') && hasTool('tshark');

/**
 * A real TCP connect scan between two network namespaces, captured by tcpdump, replayed through
 * glia: the flow enricher must count every scanned port and the scan rule must fire.
 */
describe.skipIf(!ready)('port scan, captured and replayed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-scan-'));
  const capture = join(dir, 'scan.pcap');
  let pair: VethPair;

  beforeAll(async () => {
    pair = new VethPair('10.77.0.1', '10.77.0.2');
    // Three open ports on the target, so the scan sees SYN-ACKs as well as resets.
    pair.spawn(pair.right, process.execPath, [
      '-e',
      "for (const p of [22, 80, 443]) require('net').createServer((s) => s.end()).listen(p, '10.77.0.2');",
    ]);
    const tcpdump = await startTcpdump(pair, pair.right, pair.rightDev, capture);
    await new Promise((r) => setTimeout(r, 500));
    pair.exec(pair.left, 'nmap', ['-n', '-Pn', '-sT', '-p', `1-${PORTS}`, '--max-retries', '0', '10.77.0.2']);
    // Let tcpdump drain what the kernel still holds before it is interrupted.
    await new Promise((r) => setTimeout(r, 1000));
    console.info(`tcpdump: ${(await stopTcpdump(tcpdump)).trim().replace(/\n/g, '; ')}`);
  }, 120_000);

  it('the capture holds a SYN to every scanned port (tshark)', () => {
    const ports = tsharkFields(capture, ['tcp.dstport'], 'tcp.flags.syn == 1 && tcp.flags.ack == 0');
    expect(new Set(ports.map((p) => p[0])).size).toBe(PORTS);
  });

  afterAll(async () => {
    await pair?.close();
  });

  it('flow.unique_dst_ports reaches the number of ports scanned', () => {
    const config = join(dir, 'flow.yaml');
    writeFileSync(config, 'enrichers:\n  - plugin: flow\n');
    const r = runGlia(['replay', capture, '-c', config, '--print', 'observations']);
    expect(r.code, r.stderr).toBe(0);
    const observations = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { client: string; phase: string; fields: Record<string, number> });
    const fromScanner = observations.filter((o) => o.client === '10.77.0.1');
    expect(
      new Set(fromScanner.filter((o) => o.phase === 'syn').map((o) => o.fields['tcp.dstport'])).size,
    ).toBe(PORTS);
    const most = Math.max(...fromScanner.map((o) => o.fields['flow.unique_dst_ports'] ?? 0));
    expect(most).toBeGreaterThanOrEqual(PORTS);
    expect(
      fromScanner.every((o) => o.fields['ids.src_home_net'] === 1 && o.fields['ids.dst_home_net'] === 1),
    ).toBe(true);
  });

  it('the scan rule fires on the replay', () => {
    const config = join(dir, 'scan.yaml');
    writeFileSync(
      config,
      [
        'enrichers:',
        '  - plugin: flow',
        'rules:',
        '  - id: port-scan',
        '    source: behavioral',
        '    expression: ids.src_home_net == 1 and ids.dst_home_net == 1 and flow.unique_dst_ports ge 25',
        '    action: log',
      ].join('\n'),
    );
    const r = runGlia(['replay', capture, '-c', config, '--print', 'verdicts']);
    expect(r.code, r.stderr).toBe(0);
    const verdicts = r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { action: string; ruleIds: string[]; edge: { client: string } });
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.every((v) => v.action === 'log' && v.ruleIds.includes('port-scan'))).toBe(true);
    expect(verdicts.every((v) => v.edge.client === '10.77.0.1')).toBe(true);
  });
});
