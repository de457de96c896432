import { join } from 'node:path';
import { senderIsClient } from '@glia/core';
import { fixturesDir, hasTool, tsharkFields } from '@glia/core/testing';
import { toHex } from '@glia/packet';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureCaptures, ofTopic, replayAll, type TopicEvent } from './fixture-replay.js';
import { innermost } from '../support/tshark-fields.js';

/**
 * glia's capture events against tshark, run here, for every shared fixture capture. tshark prints a
 * field once per occurrence, joined by ","; for tunnelled packets the outer layers come first, so
 * the inner address is the last occurrence of the innermost IP family and the VNI is the first
 * occurrence of the outermost tunnel.
 */

const fixtures = fixturesDir();
const tshark = hasTool('tshark');
const captures = fixtures === null ? [] : fixtureCaptures(fixtures);
const NOT_ICMP = '!icmp && !icmpv6'; // tshark also dissects the headers quoted inside ICMP errors

interface Inner {
  src: string;
  dst: string;
  vni: string;
}

/** The innermost addresses and the outermost VNI of one tshark row. */
function inner(
  protocols: string,
  ipSrc: string,
  ipDst: string,
  ip6Src: string,
  ip6Dst: string,
  vxlanVni: string,
  geneveVni: string,
): Inner {
  const layers = protocols.split(':');
  const lastIp = Math.max(layers.lastIndexOf('ip'), layers.lastIndexOf('ipv6'));
  const v6 = layers[lastIp] === 'ipv6';
  const firstVxlan = layers.indexOf('vxlan');
  const firstGeneve = layers.indexOf('geneve');
  let vni = '';
  if (firstVxlan >= 0 && (firstGeneve < 0 || firstVxlan < firstGeneve))
    vni = String(Number(vxlanVni.split(',')[0]));
  else if (firstGeneve >= 0) vni = String(Number(geneveVni.split(',')[0]));
  return { src: innermost(v6 ? ip6Src : ipSrc), dst: innermost(v6 ? ip6Dst : ipDst), vni };
}

const truthy = (v: string): boolean => v === '1' || v === 'True' || v === 'true';

/**
 * How many expected items tshark gave each check of each capture. A comparison of two empty lists
 * proves nothing, so the closing test asserts that every capture in which tshark sees TCP or UDP
 * was compared on something, and that each check compared something in enough captures.
 */
/**
 * A VXLAN/Geneve carrier whose inner frame is not TCP/UDP (ARP, ICMP): events describe inner
 * packets only (DESIGN §3), so the carrier itself is no conversation of glia's.
 */
function carrierOnly(layers: string[]): boolean {
  const transport = Math.max(layers.lastIndexOf('tcp'), layers.lastIndexOf('udp'));
  return layers.slice(transport + 1).some((l) => l === 'vxlan' || l === 'geneve');
}

const compared = new Map<string, Record<'syn' | 'dns' | 'banner' | 'endpoints', number>>();
const note = (capture: string, check: 'syn' | 'dns' | 'banner' | 'endpoints', items: number): void => {
  const entry = compared.get(capture) ?? { syn: 0, dns: 0, banner: 0, endpoints: 0 };
  entry[check] = items;
  compared.set(capture, entry);
};

describe.skipIf(fixtures === null || !tshark)('glia capture events agree with tshark', () => {
  for (const name of captures) {
    describe(name, () => {
      const path = join(fixtures ?? '', 'pcaps', name);
      let events: TopicEvent[] = [];

      beforeAll(async () => {
        events = (await replayAll(path)).events;
      });

      it('SYN and SYN-ACK 5-tuples (inner ones for tunnels, with the VNI)', () => {
        const rows = tsharkFields(
          path,
          [
            'frame.protocols',
            'ip.src',
            'ip.dst',
            'ipv6.src',
            'ipv6.dst',
            'tcp.srcport',
            'tcp.dstport',
            'tcp.flags.ack',
            'vxlan.vni',
            'geneve.vni',
          ],
          `tcp.flags.syn == 1 && ${NOT_ICMP}`,
        );
        const want = rows
          .map(([protocols, s4, d4, s6, d6, sport, dport, ack, vx, gn]) => {
            const i = inner(protocols, s4, d4, s6, d6, vx, gn);
            return `${truthy(ack) ? 'synack' : 'syn'} ${i.src}:${sport} > ${i.dst}:${dport} vni=${i.vni}`;
          })
          .sort();
        const got = ofTopic(events, 'conn')
          .map((e) => `${e.phase} ${e.src}:${e.sport} > ${e.dst}:${e.dport} vni=${e.vni ?? ''}`)
          .sort();
        note(name, 'syn', want.length);
        expect(got).toEqual(want);
      });

      it('DNS messages and responses sent from port 53', () => {
        const rows = tsharkFields(
          path,
          ['frame.protocols', 'udp.srcport', 'tcp.srcport', 'dns.flags.response'],
          `dns && ${NOT_ICMP}`,
        );
        let messages = 0;
        let responses = 0;
        for (const [protocols, udpSport, tcpSport, response] of rows) {
          const layers = protocols.split(':');
          const tcpInner = layers.lastIndexOf('tcp') > layers.lastIndexOf('udp');
          if (innermost(tcpInner ? tcpSport : udpSport) !== '53') continue;
          const flags = response.split(',').filter((f) => f !== '');
          messages += flags.length;
          responses += flags.filter(truthy).length;
        }
        const dns = ofTopic(events, 'dns');
        note(name, 'dns', messages);
        expect(dns.length).toBe(messages);
        // The QR bit of the message glia captured.
        expect(dns.filter((d) => d.message.length > 2 && (d.message[2] & 0x80) !== 0).length).toBe(responses);
      });

      it('the first server payload bytes of each TCP stream', () => {
        const rows = tsharkFields(
          path,
          [
            'tcp.stream',
            'frame.protocols',
            'ip.src',
            'ip.dst',
            'ipv6.src',
            'ipv6.dst',
            'tcp.srcport',
            'tcp.dstport',
            'tcp.flags.syn',
            'tcp.flags.ack',
            'vxlan.vni',
            'geneve.vni',
            'tcp.payload',
          ],
          `tcp && ${NOT_ICMP}`,
        );
        interface Stream {
          server: string | null;
          firstServerPayload: { key: string; hex: string } | null;
          pending: Array<{ from: string; key: string; hex: string }>;
        }
        const streams = new Map<string, Stream>();
        for (const [stream, protocols, s4, d4, s6, d6, sport, dport, syn, ack, vx, gn, payload] of rows) {
          const i = inner(protocols, s4, d4, s6, d6, vx, gn);
          let s = streams.get(stream);
          if (s === undefined) {
            s = { server: null, firstServerPayload: null, pending: [] };
            streams.set(stream, s);
          }
          const from = `${i.src}:${sport}`;
          if (truthy(syn) && s.server === null) s.server = truthy(ack) ? from : `${i.dst}:${dport}`;
          if (s.server === null && payload !== '') {
            // No handshake (yet): the lower port is the server, ties the lower address.
            s.server = senderIsClient(Number(sport), Number(dport), i.src, i.dst)
              ? `${i.dst}:${dport}`
              : from;
          }
          if (payload !== '' && from === s.server && s.firstServerPayload === null) {
            s.firstServerPayload = {
              key: `${i.vni}|${from}>${i.dst}:${dport}`,
              hex: payload.replace(/:/g, '').slice(0, 512),
            };
          }
        }
        const want = [...streams.values()]
          .filter((s) => s.firstServerPayload !== null)
          .map((s) => `${s.firstServerPayload?.key} ${s.firstServerPayload?.hex}`)
          .sort();
        const got = ofTopic(events, 'banner')
          .filter((b) => b.sender === 'server')
          .map((b) => `${b.vni ?? ''}|${b.src}:${b.sport}>${b.dst}:${b.dport} ${toHex(b.payload)}`)
          .sort();
        note(name, 'banner', want.length);
        expect(got).toEqual(want);
      });

      it('the endpoints of every TCP and UDP conversation (inner ones for tunnels, with the VNI)', () => {
        const rows = tsharkFields(
          path,
          [
            'frame.protocols',
            'ip.src',
            'ip.dst',
            'ipv6.src',
            'ipv6.dst',
            'tcp.srcport',
            'tcp.dstport',
            'udp.srcport',
            'udp.dstport',
            'vxlan.vni',
            'geneve.vni',
          ],
          `(tcp || udp) && ${NOT_ICMP}`,
        );
        const want = new Set<string>();
        for (const [protocols, s4, d4, s6, d6, tsport, tdport, usport, udport, vx, gn] of rows) {
          const layers = protocols.split(':');
          const tcp = layers.lastIndexOf('tcp') > layers.lastIndexOf('udp');
          if (carrierOnly(layers)) continue;
          const [sport, dport] = tcp ? [tsport, tdport] : [usport, udport];
          if (sport === '' || dport === '') continue; // ports cut off by the snaplen
          const i = inner(protocols, s4, d4, s6, d6, vx, gn);
          const ends = [`${i.src}:${innermost(sport)}`, `${i.dst}:${innermost(dport)}`].sort().join(' ');
          want.add(`${tcp ? 'tcp' : 'udp'} ${ends} vni=${i.vni}`);
        }
        const got = new Set(
          events.map(
            ({ event: e }) =>
              `${e.proto} ${[`${e.src}:${e.sport}`, `${e.dst}:${e.dport}`].sort().join(' ')} vni=${e.vni ?? ''}`,
          ),
        );
        note(name, 'endpoints', want.size);
        expect([...got].sort()).toEqual([...want].sort());
      });
    });
  }

  it('compared something in every capture with TCP or UDP, and in enough captures per check', () => {
    expect(compared.size).toBe(captures.length);
    const empty: string[] = [];
    for (const name of captures) {
      const path = join(fixtures ?? '', 'pcaps', name);
      const transport = tsharkFields(path, ['frame.protocols'], `(tcp || udp) && ${NOT_ICMP}`).filter(
        ([protocols]) => !carrierOnly(protocols.split(':')),
      ).length;
      const c = compared.get(name);
      if (transport > 0 && (c === undefined || c.syn + c.dns + c.banner + c.endpoints === 0))
        empty.push(name);
    }
    expect(empty, 'captures with TCP/UDP where every comparison was of empty lists').toEqual([]);
    const withItems = (check: 'syn' | 'dns' | 'banner' | 'endpoints'): number =>
      [...compared.values()].filter((c) => c[check] > 0).length;
    console.log(
      `tshark oracle: captures compared on SYNs ${withItems('syn')}, DNS ${withItems('dns')}, ` +
        `banners ${withItems('banner')}, endpoints ${withItems('endpoints')} of ${captures.length}`,
    );
    expect(withItems('syn')).toBeGreaterThanOrEqual(20);
    expect(withItems('dns')).toBeGreaterThanOrEqual(10);
    expect(withItems('banner')).toBeGreaterThanOrEqual(15);
    expect(withItems('endpoints')).toBeGreaterThanOrEqual(40);
  });
});
