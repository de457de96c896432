import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { normalizeIp, type DnsEvent } from '@glia/core';
import { fixturesDir, hasTool, tsharkFields } from '@glia/core/testing';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { fixtureCaptures, ofTopic, replayAll } from './fixture-replay.js';

/**
 * The DNS messages of glia's `dns` events compared by value with tshark's reading of the same
 * responses: transaction id, QR and RCODE, each question (name, type), and every answer record
 * (owner, type, TTL, and the address or target name of A, AAAA, CNAME, NS and PTR records). glia's
 * bytes are decoded with dns-packet, tshark decodes the capture itself, so the message a capture
 * event carries must be the one on the wire, byte offsets and TCP framing included. Messages tshark
 * marks malformed, cut by the snaplen or rebuilt from IP fragments (glia keeps the first fragment)
 * are compared by id only.
 */
const fixtures = fixturesDir();
const tshark = fixtures !== null && hasTool('tshark');
const FILTER = 'dns && (udp.srcport == 53 || tcp.srcport == 53) && !icmp && !icmpv6';
/** dns-packet names record types; its own table gives the numbers back ("UNKNOWN_n" is n). */
const { toType } = createRequire(import.meta.url)('dns-packet/types.js') as { toType(name: string): number };
const typeNumber = (type: string): number => Number(/^UNKNOWN_(\d+)$/.exec(type)?.[1] ?? toType(type));
const WITH_DATA = new Set([1, 2, 5, 12, 28]);

interface Message {
  id: number;
  /** Compared in full unless `idOnly`. */
  idOnly: boolean;
  response: boolean;
  rcode: number;
  questions: string[];
  answers: string[];
}

type Tree = { [key: string]: string | Tree | Tree[] };
const list = (v: string | Tree | Tree[] | undefined): Tree[] =>
  v === undefined || typeof v === 'string' ? [] : Array.isArray(v) ? v : [v];
const records = (section: string | Tree | Tree[] | undefined): Tree[] =>
  list(section).flatMap((s) => Object.values(s).flatMap((r) => list(r)));
const str = (v: string | Tree | Tree[] | undefined): string => (typeof v === 'string' ? v : '');
/** Names as text: lower case, no trailing dot, the root as "". */
const name = (n: string): string => (n === '<Root>' ? '' : n.replace(/\.$/, '').toLowerCase());
const value = (type: number, data: string): string =>
  !WITH_DATA.has(type) ? '' : type === 1 || type === 28 ? (normalizeIp(data) ?? `bad:${data}`) : name(data);
const answer = (owner: string, type: number, ttl: number, data: string): string =>
  `${name(owner)} ${type} ${ttl} ${value(type, data)}`;

/** tshark's reading of the responses glia's dns topic carries, one per message, in capture order. */
function theirs(capture: string): Message[] {
  const rows = tsharkFields(
    capture,
    ['frame.protocols', 'udp.srcport', 'tcp.srcport', 'ip.fragment.count', 'ipv6.fragment.count'],
    FILTER,
  );
  const frames = JSON.parse(
    execFileSync(
      'tshark',
      ['-r', capture, '-n', '-T', 'json', '--no-duplicate-keys', '-J', 'frame dns', '-Y', FILTER],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ),
  ) as Array<{ _source: { layers: Tree } }>;
  expect(frames.length).toBe(rows.length);
  const out: Message[] = [];
  frames.forEach(({ _source: { layers } }, i) => {
    const [protocols, udpSport, tcpSport, frag4, frag6] = rows[i];
    const layersOf = protocols.split(':');
    const tcpInner = layersOf.lastIndexOf('tcp') > layersOf.lastIndexOf('udp');
    if ((tcpInner ? tcpSport : udpSport).split(',').at(-1) !== '53') return;
    const flagged =
      '_ws.malformed' in layers ||
      '_ws.short' in layers ||
      JSON.stringify(layers.dns).includes('"_ws.malformed');
    for (const dns of list(layers.dns)) {
      const flags = dns['dns.flags_tree'] as Tree;
      out.push({
        id: Number(str(dns['dns.id'])),
        idOnly: flagged || frag4 !== '' || frag6 !== '',
        response: str(flags['dns.flags.response']) === '1',
        rcode: Number(str(flags['dns.flags.rcode'])),
        questions: records(dns.Queries).map(
          (q) => `${name(str(q['dns.qry.name']))} ${Number(str(q['dns.qry.type']))}`,
        ),
        answers: records(dns.Answers)
          .map((a) => {
            const type = Number(str(a['dns.resp.type']));
            const data =
              str(a['dns.a']) ||
              str(a['dns.aaaa']) ||
              str(a['dns.cname']) ||
              str(a['dns.ns']) ||
              str(a['dns.ptr.domain_name']);
            return answer(str(a['dns.resp.name']), type, Number(str(a['dns.resp.ttl'])), data);
          })
          .sort(),
      });
    }
  });
  return out;
}

/** glia's event message decoded by dns-packet (null when it does not decode). */
function ours(event: DnsEvent): Message | null {
  try {
    const m = dnsPacket.decode(Buffer.from(event.message));
    return {
      id: m.id ?? -1,
      idOnly: false,
      response: m.type === 'response',
      rcode: ((m.flags ?? 0) & 0xf) as number,
      questions: (m.questions ?? []).map((q) => `${name(q.name)} ${typeNumber(q.type)}`),
      answers: (m.answers ?? [])
        .map((a) => {
          const data = 'data' in a && typeof a.data === 'string' ? a.data : '';
          return answer(a.name, typeNumber(a.type), 'ttl' in a ? (a.ttl ?? 0) : 0, data);
        })
        .sort(),
    };
  } catch {
    return null;
  }
}

const captures = tshark && fixtures !== null ? fixtureCaptures(fixtures) : [];
const totals = { captures: 0, messages: 0, answers: 0, idOnly: 0 };

describe.skipIf(!tshark)('DNS messages of capture events, by value, against tshark', () => {
  it.each(captures)('%s', async (capture) => {
    const path = join(fixtures as string, 'pcaps', capture);
    const want = theirs(path);
    const events = ofTopic((await replayAll(path)).events, 'dns');
    expect(events.length, 'messages').toBe(want.length);
    want.forEach((t, i) => {
      const where = `${capture} message ${i} (id ${t.id})`;
      const mine = ours(events[i]);
      const id = (events[i].message[0] << 8) | events[i].message[1];
      expect(id, where).toBe(t.id);
      if (t.idOnly) {
        totals.idOnly++;
        return;
      }
      expect(mine, `${where}: dns-packet could not decode glia's message`).not.toBeNull();
      expect(mine, where).toEqual(t);
      totals.messages++;
      totals.answers += t.answers.length;
    });
    if (want.length > 0) totals.captures++;
  });

  it('compared a meaningful number of messages and answers by value', () => {
    console.log(
      `dns by value: ${totals.messages} messages (${totals.answers} answers) in ${totals.captures} captures, ${totals.idOnly} by id only`,
    );
    expect(totals.captures).toBeGreaterThanOrEqual(10);
    expect(totals.messages).toBeGreaterThanOrEqual(80);
    expect(totals.answers).toBeGreaterThanOrEqual(140);
  });
});
