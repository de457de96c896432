import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { observationOf, type ConnEvent } from '@glia/core';
import { fixturesDir } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { replayAll } from './fixture-replay.js';

/**
 * Zeek's own expected conn.log for each fixture capture (../shared/fixtures/expected/zeek, the
 * btest baselines) against glia's capture events: every TCP and UDP connection Zeek logs, inner
 * ones of tunnels included, is one glia describes, as the same originator → responder:port, and
 * glia describes no connection Zeek does not log. Differences by contract (DESIGN §3): glia has
 * no ICMP events; an overlay frame's event describes the inner packet only, so Zeek's connection
 * of the VXLAN/Geneve UDP tunnel itself is left out; and a UDP flow's client is decided by the
 * port rule (the lower port serves; ties: the lower address), so that every backend agrees even
 * when one missed the first packet, where Zeek takes the first packet's sender: UDP connections
 * compare as endpoint pairs.
 */
const COLUMNS = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto'] as const;
type Conn = Partial<Record<(typeof COLUMNS)[number], string>>;
const TUNNEL_PORTS = new Set(['4789', '8472', '6081']);

/**
 * Rows of the Zeek TSV logs named *conn.log in a baseline folder, with the columns they have
 * (some baselines went through zeek-cut and keep only a few, with a plain header line).
 */
function zeekConns(dir: string): { columns: string[]; conns: Conn[] } | null {
  const logs = readdirSync(dir).filter((n) => n.endsWith('conn.log'));
  if (logs.length === 0) return null;
  const conns: Conn[] = [];
  let columns: string[] = [];
  for (const log of logs) {
    let fields: string[] | null = null;
    for (const line of readFileSync(join(dir, log), 'utf8').split('\n')) {
      if (line.startsWith('#fields')) fields = line.split('\t').slice(1);
      if (line.startsWith('#') || line.trim() === '') continue;
      if (fields === null) {
        fields = line.split('\t');
        continue;
      }
      const row = Object.fromEntries(line.split('\t').map((v, i) => [(fields as string[])[i], v]));
      if (row.proto !== undefined && row.proto !== 'tcp' && row.proto !== 'udp') continue;
      if (TUNNEL_PORTS.has(row['id.resp_p'])) continue;
      conns.push(Object.fromEntries(COLUMNS.filter((c) => c in row).map((c) => [c, row[c]])));
    }
    columns = COLUMNS.filter((c) => fields?.includes(c));
  }
  return { columns, conns };
}

/** A connection as the columns a baseline has: "orig_h orig_p > resp_h resp_p proto". */
function key(c: Conn, columns: readonly string[]): string {
  const text = (conn: Conn): string =>
    COLUMNS.filter((k) => columns.includes(k))
      .map((k) => conn[k])
      .join(' ');
  if (!columns.includes('proto') || c.proto !== 'udp') return text(c);
  const swapped: Conn = {
    ...c,
    'id.orig_h': c['id.resp_h'],
    'id.orig_p': c['id.resp_p'],
    'id.resp_h': c['id.orig_h'],
    'id.resp_p': c['id.orig_p'],
  };
  const [a, b] = [text(c), text(swapped)].sort();
  return `${a} | ${b}`;
}

/** glia's connections: each event's edge, client → server as the enrichment stage normalizes it. */
function gliaConns(events: Awaited<ReturnType<typeof replayAll>>['events']): Conn[] {
  return events
    .filter((e) => e.topic !== 'dns')
    .map(({ topic, event }) => {
      const o = observationOf(event as ConnEvent, topic === 'conn' ? (event as ConnEvent).phase : 'flow');
      return {
        'id.orig_h': o.client,
        'id.orig_p': String(o.clientPort),
        'id.resp_h': o.server,
        'id.resp_p': String(o.serverPort),
        proto: o.proto,
      };
    });
}

const fixtures = fixturesDir();
const baselines = fixtures === null ? null : join(fixtures, 'expected', 'zeek');
const cases =
  baselines === null || !existsSync(baselines)
    ? []
    : readdirSync(baselines)
        .map((capture) => ({ capture, zeek: zeekConns(join(baselines, capture)) }))
        .filter((c): c is { capture: string; zeek: { columns: string[]; conns: Conn[] } } => c.zeek !== null);

describe.runIf(cases.length > 0)("glia's connections agree with Zeek's conn.log", () => {
  it('has baselines to compare with', () => expect(cases.length).toBeGreaterThan(10));

  it.each(cases)('$capture', async ({ capture, zeek }) => {
    const { events } = await replayAll(join(fixtures as string, 'pcaps', capture));
    // One per distinct connection, then as the baseline's columns show it (a baseline with few
    // columns still counts its connections).
    const all = COLUMNS as unknown as string[];
    const distinct = new Map(gliaConns(events).map((c) => [key(c, all), c]));
    const glia = [...distinct.values()].map((c) => key(c, zeek.columns));
    expect(glia.sort()).toEqual(zeek.conns.map((c) => key(c, zeek.columns)).sort());
  });
});
