/**
 * glia replay with the services enricher: a rule on service.* decides on the `service`
 * observation of the connection whose banner identified the server (DESIGN §4), for the server
 * tshark shows sending that banner.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir, hasTool, tsharkFields } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { runGlia } from '../support/glia.js';

const fixtures = fixturesDir();
const PROBES = '/usr/share/nmap/nmap-service-probes';
const enabled = fixtures !== null && hasTool('tshark') && (existsSync(PROBES) || process.env.CI === 'true');

describe.skipIf(!enabled)('glia replay with the services enricher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-services-cli-'));
  const config = join(dir, 'glia.yaml');
  writeFileSync(
    config,
    [
      'enrichers:',
      `  - { plugin: services, probes: ${PROBES} }`,
      'rules:',
      `  - { id: ftp-identified, expression: 'service.name eq "ftp" and conn.phase eq "service"', action: log }`,
      `  - { id: openssh, expression: 'service.product eq "OpenSSH"', action: log }`,
      '',
    ].join('\n'),
  );

  it.each([
    {
      capture: 'zeek_ftp_ipv4.pcap',
      rule: 'ftp-identified',
      filter: 'ftp.response.code == 220',
      service: 'ftp',
    },
    { capture: 'zeek_http_get-to-ssh-server.pcap', rule: 'openssh', filter: 'ssh.protocol', service: 'ssh' },
  ])('$capture: $rule fires on the service observation', ({ capture, rule, filter, service }) => {
    const file = join(fixtures!, 'pcaps', capture);
    const [server, port] = tsharkFields(file, ['ip.src', 'tcp.srcport'], filter)[0];
    const r = runGlia(['replay', file, '-c', config, '--print', 'verdicts']);
    expect(r.code, r.stderr).toBe(0);
    const verdicts = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{"ts"'))
      .map(
        (l) =>
          JSON.parse(l) as {
            ruleIds: string[];
            edge: { server: string; server_port: number; phase: string };
            fields: Record<string, string>;
          },
      );
    const fired = verdicts.filter((v) => v.ruleIds.includes(rule));
    expect(fired.length).toBeGreaterThan(0);
    expect(fired[0].edge).toMatchObject({ server, server_port: Number(port), phase: 'service' });
    expect(fired[0].fields['service.name']).toBe(service);
  });
});
