import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fixturesDir } from '@glia/core/testing';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { ofTopic, replayAll } from './fixture-replay.js';
import { zeekBaselineCases, zeekLogRows } from './zeek-baselines.js';

/**
 * Zeek's dns.log baselines (../shared/fixtures/expected/zeek) against glia's `dns` events, by
 * value: each answered transaction Zeek logs is a response glia's capture carries, from the same
 * server to the same client port, with the same transaction id, question, RCODE, and the answers
 * in Zeek's order and form (addresses, CNAME targets, "RRSIG <type covered> <signer>") with their
 * TTLs; a transaction Zeek logs without a response (RCODE unset) has no response event in glia.
 * glia's message bytes are decoded with dns-packet. Baselines cut to a few columns without the
 * RCODE (vxlan-triple's dns.log.cut) cannot tell a query from a response and are left out.
 */
const { toType } = createRequire(import.meta.url)('dns-packet/types.js') as { toType(name: string): number };

interface ZeekDns {
  orig: string;
  origPort: string;
  resp: string;
  respPort: string;
  transId: number;
  query: string;
  qtype: string;
  rcode: string;
  answers: string[];
  ttls: number[];
}

function zeekDns(dir: string): ZeekDns[] | null {
  const log = zeekLogRows(dir, 'dns.log');
  return (
    log?.rows.map((r) => ({
      orig: r['id.orig_h'],
      origPort: r['id.orig_p'],
      resp: r['id.resp_h'],
      respPort: r['id.resp_p'],
      transId: Number(r.trans_id),
      query: r.query,
      qtype: r.qtype,
      rcode: r.rcode,
      answers: r.answers === '-' ? [] : r.answers.split(','),
      ttls: r.TTLs === '-' ? [] : r.TTLs.split(',').map(Number),
    })) ?? null
  );
}

/** One answer record as Zeek's dns.log writes it. */
function zeekForm(a: dnsPacket.Answer): string {
  const data = 'data' in a ? a.data : undefined;
  if (a.type === 'A' || a.type === 'AAAA' || a.type === 'CNAME' || a.type === 'PTR' || a.type === 'NS')
    return String(data).toLowerCase();
  if (a.type === 'RRSIG') {
    const sig = data as { typeCovered: string; signersName: string };
    return `RRSIG ${toType(sig.typeCovered)} ${sig.signersName}`;
  }
  return `unsupported ${a.type}`;
}

const fixtures = fixturesDir();
const cases = zeekBaselineCases(fixtures, zeekDns);

describe.runIf(cases.length > 0)("glia's DNS responses agree with Zeek's dns.log", () => {
  it('has the dns.log baselines (a duplicate response, DNS in GRE and in PPTP)', () => {
    expect(cases.map((c) => c.capture).sort()).toEqual([
      'zeek_dns-two-responses.pcap',
      'zeek_tunnels_gre-pptp.pcap',
      'zeek_tunnels_gre-sample.pcap',
    ]);
  });

  it.each(cases)('$capture', async ({ capture, zeek }) => {
    const events = ofTopic((await replayAll(join(fixtures as string, 'pcaps', capture))).events, 'dns');
    const decoded = events.map((e) => ({ event: e, message: dnsPacket.decode(Buffer.from(e.message)) }));
    for (const row of zeek) {
      const where = `${capture}: transaction ${row.transId} ${row.query}`;
      const mine = decoded.filter(
        (d) =>
          d.message.id === row.transId &&
          d.event.src === row.resp &&
          String(d.event.sport) === row.respPort &&
          d.event.dst === row.orig &&
          String(d.event.dport) === row.origPort,
      );
      if (row.rcode === '-') {
        expect(mine, `${where}: no response in the capture`).toEqual([]);
        continue;
      }
      expect(mine.length, `${where}: responses`).toBeGreaterThan(0);
      for (const { message } of mine) {
        expect(message.type, where).toBe('response');
        expect(((message.flags ?? 0) & 0xf).toString(), `${where}: rcode`).toBe(row.rcode);
        expect(
          message.questions?.map((q) => q.name.toLowerCase()),
          where,
        ).toEqual([row.query]);
        if (row.qtype !== '-')
          expect(
            message.questions?.map((q) => String(toType(q.type))),
            where,
          ).toEqual([row.qtype]);
        const answers = message.answers ?? [];
        expect(answers.map(zeekForm), `${where}: answers`).toEqual(row.answers);
        expect(
          answers.map((a) => ('ttl' in a ? a.ttl : undefined)),
          `${where}: TTLs`,
        ).toEqual(row.ttls);
      }
    }
    // Every response glia saw is one Zeek logs.
    const answered = zeek.filter((r) => r.rcode !== '-');
    expect(events.length).toBe(answered.length);
  });
});
