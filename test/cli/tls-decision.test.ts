import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeIp } from '@glia/core';
import { fixtureCaptures, tsharkFields } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { runGlia } from '../support/glia.js';

/**
 * A `tls.sni` rule decides on the connection that sent the name (DESIGN §4): the tls enricher's
 * fact makes an observation with conn.phase "tls", so a capture holding a single TLS connection
 * gets its verdict. Each verdict is checked against tshark's ClientHellos: one per edge that sent
 * a name (the verdict window keeps one per edge), carrying that name.
 */
const { pcaps, captures, withTshark } = fixtureCaptures();
const tlsCaptures = captures.filter((c) => /tls/.test(c));
const dir = mkdtempSync(join(tmpdir(), 'glia-tls-decision-'));
writeFileSync(
  join(dir, 'glia.yaml'),
  `enrichers:\n  - plugin: tls\nrules:\n  - { id: named, expression: 'tls.sni ne ""', action: drop }\nenforce: false\nsinks: []\n`,
);

/** tshark's ClientHellos with a server name, by edge (client → server:port). */
function namedEdges(capture: string): Map<string, string> {
  const edges = new Map<string, string>();
  for (const [src, dst, port, sni] of tsharkFields(
    capture,
    ['_ws.col.Source', '_ws.col.Destination', 'tcp.dstport', 'tls.handshake.extensions_server_name'],
    'tls.handshake.type == 1',
  )) {
    if (sni !== '') edges.set(`${normalizeIp(src)} > ${normalizeIp(dst)}:${port}`, sni.toLowerCase());
  }
  return edges;
}

describe.runIf(withTshark)('a tls.sni rule decides on the connection that sent the name', () => {
  it('has TLS captures, some holding a single connection', () =>
    expect(tlsCaptures.length).toBeGreaterThan(3));

  it.each(tlsCaptures)('%s', (capture) => {
    const path = join(pcaps, capture);
    const r = runGlia(['replay', path, '-c', 'glia.yaml', '--print', 'verdicts', '--format', 'json'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const verdicts = JSON.parse(r.stdout) as Array<{
      action: string;
      edge: { phase: string; client: string; server: string; server_port: number };
      fields: Record<string, unknown>;
    }>;
    const got = new Map(
      verdicts.map((v) => [`${v.edge.client} > ${v.edge.server}:${v.edge.server_port}`, v.fields['tls.sni']]),
    );
    expect(got).toEqual(namedEdges(path));
    for (const v of verdicts) expect([v.action, v.edge.phase]).toEqual(['drop', 'tls']);
  });
});
