import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatIPv4, formatIPv6 } from '@glia/core';
import { hasTool, tsharkFields } from '@glia/core/testing';
import {
  DecodedPacket,
  DecodeStatus,
  IGNORED_KINDS,
  PacketDecoder,
  readCaptureFile,
  UNDECODABLE_REASONS,
} from '@glia/packet';
import { describe, expect, it } from 'vitest';
import { innermost } from '../support/tshark-fields.js';

/**
 * Link layers and carriers (PPPoE, Cisco HDLC, PPP, E-Tag, VN-Tag) in real captures from
 * suricata-verify (test/captures/suricata-verify/MANIFEST.md), decoded frame by frame and compared
 * with tshark's reading of the same frames: the innermost addresses and ports where tshark sees
 * TCP or UDP, and nothing decoded where it does not.
 */
const dir = join(import.meta.dirname, '..', 'captures', 'suricata-verify');
const captures = readdirSync(dir).filter((f) => f.endsWith('.pcap'));
const tshark = hasTool('tshark');

const FIELDS = [
  'frame.protocols',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'ip.flags.mf',
  'ip.frag_offset',
  'ipv6.fraghdr.offset',
] as const;

interface Row {
  ok: boolean;
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  why?: string;
}

/** One expectation per frame from tshark: a TCP/UDP frame that is not an IP fragment, or not. */
function tsharkRows(path: string): Row[] {
  return tsharkFields(path, FIELDS).map((f) => {
    const [protocols, ipSrc, ipDst, ip6Src, ip6Dst, tsp, tdp, usp, udp, mf, off, off6] = f;
    const layers = protocols.split(':');
    const fragment = mf.split(',').includes('1') || /[1-9]/.test(off) || off6 !== '';
    const transport = layers.includes('tcp') ? [tsp, tdp] : layers.includes('udp') ? [usp, udp] : null;
    const v6 = layers.lastIndexOf('ipv6') > layers.lastIndexOf('ip');
    // glia reads the transport header of a first fragment (offset 0) and counts later ones; tshark,
    // reassembling, shows ports only on the last: for a first fragment only the addresses compare.
    if (fragment && Number(innermost(off6 || off)) === 0)
      return {
        ok: true,
        src: innermost(v6 ? ip6Src : ipSrc),
        dst: innermost(v6 ? ip6Dst : ipDst),
        why: 'first fragment',
      };
    if (fragment) return { ok: false, why: 'fragment' };
    if (transport === null) return { ok: false };
    return {
      ok: true,
      src: innermost(v6 ? ip6Src : ipSrc),
      dst: innermost(v6 ? ip6Dst : ipDst),
      sport: Number(innermost(transport[0])),
      dport: Number(innermost(transport[1])),
    };
  });
}

async function gliaRows(path: string): Promise<Row[]> {
  const decoder = new PacketDecoder();
  const p = new DecodedPacket();
  const rows: Row[] = [];
  await readCaptureFile(path, (r) => {
    const status = decoder.decode(p, r.data, r.offset, r.caplen, r.linkType);
    if (status !== DecodeStatus.ok) {
      const why = status === DecodeStatus.ignored ? IGNORED_KINDS[p.reason] : UNDECODABLE_REASONS[p.reason];
      rows.push(why === 'fragment' ? { ok: false, why } : { ok: false });
      return;
    }
    const v4 = p.ipVersion === 4;
    rows.push({
      ok: true,
      src: v4 ? formatIPv4(p.src4) : formatIPv6(p.bytes, p.srcOffset),
      dst: v4 ? formatIPv4(p.dst4) : formatIPv6(p.bytes, p.dstOffset),
      sport: p.sport,
      dport: p.dport,
    });
  });
  return rows;
}

describe.skipIf(!tshark)('link layers and carriers in real captures, frame by frame against tshark', () => {
  it('has the captures the manifest lists', () => {
    expect(captures.length).toBe(6);
  });

  for (const name of captures) {
    it(name, async () => {
      const path = join(dir, name);
      const want = tsharkRows(path);
      expect(want.length).toBeGreaterThan(0);
      const got = await gliaRows(path);
      const comparable = got.map((g, i) =>
        want[i]?.why === 'first fragment' ? { ok: g.ok, src: g.src, dst: g.dst, why: 'first fragment' } : g,
      );
      expect(comparable).toEqual(want);
    });
  }

  it('the captures hold TCP in every carrier named (no comparison of empty lists)', () => {
    const decoded = new Set<string>();
    for (const name of captures) {
      const protocols = tsharkFields(join(dir, name), ['frame.protocols'], 'tcp').map((r) => r[0]);
      for (const carrier of ['pppoes', 'chdlc', 'etag'])
        if (protocols.some((p) => p.split(':').includes(carrier))) decoded.add(carrier);
    }
    expect([...decoded].sort()).toEqual(['chdlc', 'etag', 'pppoes']);
  });
});
