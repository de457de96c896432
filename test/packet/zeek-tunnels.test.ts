import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIPv4, formatIPv6 } from '@glia/core';
import { fixturesDir } from '@glia/core/testing';
import {
  DecodedPacket,
  DecodeStatus,
  DEFAULT_MAX_TUNNEL_DEPTH,
  IGNORED_KINDS,
  PacketDecoder,
  readCaptureFile,
  UNDECODABLE_REASONS,
} from '@glia/packet';
import { describe, expect, it } from 'vitest';
import { replayAll } from './fixture-replay.js';
import { zeekBaselineCases, zeekLogRows } from './zeek-baselines.js';

/**
 * Zeek's tunnel.log baselines (../shared/fixtures/expected/zeek) against the tunnel layers glia's
 * decoder passes through: every tunnel Zeek discovers — its type, its outer endpoints, and for UDP
 * tunnels the ports — is one glia decapsulates, and glia decapsulates no other. Capture events
 * carry only the inner packet and the outermost VNI, so the layers are read from the decoder
 * itself: decoding a frame with a tunnel depth limit of k stops ("tunnel_depth") right at the
 * (k+1)-th tunnel, with that tunnel's outer IP header and transport still in the decoded packet.
 * Like Zeek, only tunnels that carry an IP packet count (VXLAN frames carrying ARP open none).
 */
const TUNNEL_DEPTH = UNDECODABLE_REASONS.indexOf('tunnel_depth');
const TUNNEL_PAYLOAD_OTHER = IGNORED_KINDS.indexOf('tunnel_payload_other');

interface Tunnel {
  type: string;
  orig: string;
  resp: string;
}

/** DISCOVER rows of the tunnel.log files of one baseline folder. */
function zeekTunnels(dir: string): Tunnel[] | null {
  const log = zeekLogRows(dir, 'tunnel.log');
  return (
    log?.rows
      .filter((r) => r.action === 'Tunnel::DISCOVER')
      .map((r) => ({
        type: r.tunnel_type.replace('Tunnel::', ''),
        orig: `${r['id.orig_h']}:${r['id.orig_p']}`,
        resp: `${r['id.resp_h']}:${r['id.resp_p']}`,
      })) ?? null
  );
}

function address(p: DecodedPacket, offset: number, v4: number): string {
  return p.ipVersion === 4 ? formatIPv4(v4) : formatIPv6(p.bytes, offset);
}

/** The tunnel a decode stopped at: the outer header still held in `p`. */
function layer(p: DecodedPacket): Tunnel {
  const src = address(p, p.srcOffset, p.src4);
  const dst = address(p, p.dstOffset, p.dst4);
  if (p.transport === 17) {
    const type = p.dport === 6081 ? 'GENEVE' : 'VXLAN';
    return { type, orig: `${src}:${p.sport}`, resp: `${dst}:${p.dport}` };
  }
  return { type: p.transport === 47 ? 'GRE' : 'IP', orig: `${src}:0`, resp: `${dst}:0` };
}

/** Each tunnel glia decapsulates in a capture, as first seen (that packet's sender is orig). */
async function gliaTunnels(capture: string): Promise<Tunnel[]> {
  const decoders = Array.from(
    { length: DEFAULT_MAX_TUNNEL_DEPTH + 1 },
    (_, k) => new PacketDecoder({ maxTunnelDepth: k }),
  );
  const full = new PacketDecoder();
  const p = new DecodedPacket();
  const seen = new Map<string, Tunnel>();
  await readCaptureFile(capture, (r) => {
    full.decode(p, r.data, r.offset, r.caplen, r.linkType);
    if (p.status === DecodeStatus.ignored && p.reason === TUNNEL_PAYLOAD_OTHER) return;
    for (let k = 0; k < decoders.length; k++) {
      decoders[k].decode(p, r.data, r.offset, r.caplen, r.linkType);
      if (p.status !== DecodeStatus.undecodable || p.reason !== TUNNEL_DEPTH) break;
      const t = layer(p);
      // Zeek keys IP and GRE tunnels by the address pair, UDP tunnels by the 4-tuple, either way round.
      const key = `${t.type} ${[t.orig, t.resp].sort().join(' ')}`;
      if (!seen.has(key)) seen.set(key, t);
    }
  });
  return [...seen.values()];
}

const text = (t: Tunnel): string => `${t.type} ${t.orig} > ${t.resp}`;

const fixtures = fixturesDir();
const baselines = fixtures === null ? null : join(fixtures, 'expected', 'zeek');
const cases = zeekBaselineCases(fixtures, zeekTunnels);

describe.runIf(cases.length > 0)("glia's tunnel layers agree with Zeek's tunnel.log", () => {
  it('has the tunnel baselines, GRE, ERSPAN and IP-in-IP ones among them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
    const types = new Set(cases.flatMap((c) => c.zeek.map((t) => t.type)));
    expect([...types].sort()).toEqual(['GENEVE', 'GRE', 'IP', 'VXLAN']);
    expect(cases.map((c) => c.capture)).toEqual(
      expect.arrayContaining(['zeek_erspanII.pcap', 'zeek_erspanIII.pcap']),
    );
  });

  it.each(cases)('$capture', async ({ capture, zeek }) => {
    const glia = await gliaTunnels(join(fixtures as string, 'pcaps', capture));
    expect(glia.map(text).sort()).toEqual(zeek.map(text).sort());
  });
});

/**
 * zeek_tunnels_4in6.pcap has no tunnel.log: its baseline is the btest's event output, which runs six
 * traces; this one is the only block with an IPv4-in-IPv6 tunnel (proto=4 on an IPv6 outer).
 */
describe.runIf(fixtures !== null)('IPv4-in-IPv6 against the ip-in-ip btest output', () => {
  it('zeek_tunnels_4in6.pcap: the tunnel and the connection inside it', async () => {
    const output = join(baselines as string, 'zeek_tunnels_4in6.pcap', 'core.tunnels.ip-in-ip__output');
    const blocks = readFileSync(output, 'utf8')
      .split('new_connection: tunnel')
      .map((block) => ({
        conn: /conn_id: \[orig_h=([^,]+), orig_p=(\d+)\/(\w+), resp_h=([^,]+), resp_p=(\d+)\//.exec(block),
        encap:
          /encap: \[\[cid=\[orig_h=([^,]+), orig_p=0\/unknown, resp_h=([^,]+), resp_p=0\/unknown, proto=(\d+)/.exec(
            block,
          ),
      }))
      .filter((b) => b.encap !== null && b.encap[1].includes(':') && b.encap[3] === '4');
    expect(blocks).toHaveLength(1);
    const [{ conn, encap }] = blocks;
    const capture = join(fixtures as string, 'pcaps', 'zeek_tunnels_4in6.pcap');
    expect((await gliaTunnels(capture)).map(text)).toEqual([`IP ${encap?.[1]}:0 > ${encap?.[2]}:0`]);
    const { events } = await replayAll(capture);
    expect(
      events.map(({ topic, event: e }) => `${topic} ${e.proto} ${e.src}:${e.sport} > ${e.dst}:${e.dport}`),
    ).toEqual([`conn ${conn?.[3]} ${conn?.[1]}:${conn?.[2]} > ${conn?.[4]}:${conn?.[5]}`]);
  });
});
