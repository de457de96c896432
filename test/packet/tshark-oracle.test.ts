import { join } from 'node:path';
import { senderIsClient } from '@glia/core';
import { fixturesDir, hasTool, tsharkFields } from '@glia/core/testing';
import { toHex } from '@glia/packet';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureCaptures, ofTopic, replayAll, type TopicEvent } from './fixture-replay.js';

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

const last = (field: string): string => {
  const parts = field.split(',');
  return parts[parts.length - 1];
};

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
  return { src: last(v6 ? ip6Src : ipSrc), dst: last(v6 ? ip6Dst : ipDst), vni };
}

const truthy = (v: string): boolean => v === '1' || v === 'True' || v === 'true';

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
          if (last(tcpInner ? tcpSport : udpSport) !== '53') continue;
          const flags = response.split(',').filter((f) => f !== '');
          messages += flags.length;
          responses += flags.filter(truthy).length;
        }
        const dns = ofTopic(events, 'dns');
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
        expect(got).toEqual(want);
      });
    });
  }
});
