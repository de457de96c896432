import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import { fixturesDir } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { ResponseParser, canonicalName, type ParsedResponse, type UsableAnswer } from './response-parser.js';

const A = (name: string, data: string, ttl = 300): Answer => ({ type: 'A', name, data, ttl });
const AAAA = (name: string, data: string, ttl = 300): Answer => ({ type: 'AAAA', name, data, ttl });
const CNAME = (name: string, data: string, ttl = 300): Answer => ({ type: 'CNAME', name, data, ttl });

function response(question: string, answers: Answer[], extra: Partial<Packet> = {}): Uint8Array {
  return dnsPacket.encode({
    type: 'response',
    id: 7,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: question === '' ? [] : [{ type: 'A', name: question }],
    answers,
    ...extra,
  });
}

/** Sets header bits by hand: dns-packet's encoder has no field for opcode or rcode in flags. */
function withFlags(message: Uint8Array, set: (flags: number) => number): Uint8Array {
  const copy = Uint8Array.from(message);
  const flags = set((copy[2] << 8) | copy[3]);
  copy[2] = flags >> 8;
  copy[3] = flags & 0xff;
  return copy;
}

const www = response('www.example.com', [A('www.example.com', '1.2.3.4')]);

interface Case {
  name: string;
  message: Uint8Array;
  status: ParsedResponse['status'];
  reason?: string;
  questions?: string[];
  answers?: UsableAnswer[];
  skipped?: number;
}

const cases: Case[] = [
  {
    name: 'A record',
    message: www,
    status: 'parsed',
    questions: ['www.example.com'],
    answers: [{ kind: 'address', name: 'www.example.com', address: '1.2.3.4', ttl: 300 }],
  },
  {
    name: 'AAAA record, address in canonical RFC 5952 text',
    message: response('v6.example.com', [
      AAAA('v6.example.com', '2001:0db8:0000:0000:0000:0000:0000:0001'),
      AAAA('v6.example.com', '::ffff:1.2.3.4'),
    ]),
    status: 'parsed',
    answers: [
      { kind: 'address', name: 'v6.example.com', address: '2001:db8::1', ttl: 300 },
      { kind: 'address', name: 'v6.example.com', address: '::ffff:1.2.3.4', ttl: 300 },
    ],
  },
  {
    name: 'CNAME then A',
    message: response('www.example.com', [
      CNAME('www.example.com', 'edge.cdn.net', 60),
      A('edge.cdn.net', '1.2.3.4', 20),
    ]),
    status: 'parsed',
    answers: [
      { kind: 'cname', name: 'www.example.com', target: 'edge.cdn.net', ttl: 60 },
      { kind: 'address', name: 'edge.cdn.net', address: '1.2.3.4', ttl: 20 },
    ],
  },
  {
    name: 'case folded to ASCII lower case',
    message: response('WWW.Example.COM', [
      CNAME('WWW.Example.COM', 'Edge.CDN.net'),
      A('EDGE.cdn.NET', '1.2.3.4'),
    ]),
    status: 'parsed',
    questions: ['www.example.com'],
    answers: [
      { kind: 'cname', name: 'www.example.com', target: 'edge.cdn.net', ttl: 300 },
      { kind: 'address', name: 'edge.cdn.net', address: '1.2.3.4', ttl: 300 },
    ],
  },
  {
    name: 'trailing dot dropped',
    message: response('www.example.com.', [A('www.example.com.', '1.2.3.4')]),
    status: 'parsed',
    questions: ['www.example.com'],
    answers: [{ kind: 'address', name: 'www.example.com', address: '1.2.3.4', ttl: 300 }],
  },
  {
    name: 'other types and classes are not used',
    message: response('example.com', [
      { type: 'MX', name: 'example.com', data: { preference: 10, exchange: 'mx.example.com' } },
      { type: 'TXT', name: 'example.com', data: 'v=spf1' },
      { type: 'A', name: 'example.com', class: 'CH', data: '9.9.9.9' },
      A('example.com', '1.2.3.4'),
    ]),
    status: 'parsed',
    answers: [{ kind: 'address', name: 'example.com', address: '1.2.3.4', ttl: 300 }],
  },
  {
    name: 'address records in authority and additionals are not used',
    message: response('example.com', [A('example.com', '1.2.3.4')], {
      authorities: [{ type: 'NS', name: 'example.com', data: 'ns1.example.com' }],
      additionals: [
        A('ns1.example.com', '5.6.7.8'),
        CNAME('service.example.com', 'internal-service.example.net'),
      ],
    }),
    status: 'parsed',
    answers: [{ kind: 'address', name: 'example.com', address: '1.2.3.4', ttl: 300 }],
  },
  {
    name: 'mDNS announcement: cache-flush bit in the class, no question',
    message: response('', [{ type: 'A', name: 'printer.local', data: '10.0.0.9', ttl: 120, flush: true }]),
    status: 'parsed',
    questions: [],
    answers: [{ kind: 'address', name: 'printer.local', address: '10.0.0.9', ttl: 120 }],
  },
  {
    name: 'TTL with the top bit set reads as 0 (RFC 2181 §8)',
    message: response('x.example', [A('x.example', '1.2.3.4', 0x80000001)]),
    status: 'parsed',
    answers: [{ kind: 'address', name: 'x.example', address: '1.2.3.4', ttl: 0 }],
  },
  {
    name: 'NXDOMAIN ignored',
    message: withFlags(www, (f) => (f & ~0xf) | 3),
    status: 'ignored',
    reason: 'rcode',
  },
  {
    name: 'SERVFAIL ignored',
    message: withFlags(www, (f) => (f & ~0xf) | 2),
    status: 'ignored',
    reason: 'rcode',
  },
  {
    name: 'query (QR=0) ignored',
    message: withFlags(www, (f) => f & ~0x8000),
    status: 'ignored',
    reason: 'query',
  },
  {
    name: 'UPDATE opcode ignored',
    message: withFlags(www, (f) => f | (5 << 11)),
    status: 'ignored',
    reason: 'opcode',
  },
  {
    name: 'shorter than a header',
    message: www.subarray(0, 11),
    status: 'malformed',
    reason: 'short_header',
  },
  {
    name: 'empty',
    message: new Uint8Array(0),
    status: 'malformed',
    reason: 'short_header',
    questions: [],
    answers: [],
    skipped: 0,
  },
  {
    name: 'a header alone (12 bytes, no records) is a response with nothing in it',
    message: response('', []),
    status: 'parsed',
    questions: [],
    answers: [],
    skipped: 0,
  },
  {
    name: 'truncated in the first answer: questions kept, no answers',
    message: www.subarray(0, www.length - 2),
    status: 'malformed',
    reason: 'truncated',
    questions: ['www.example.com'],
    answers: [],
  },
];

function twoAnswersCut(): Uint8Array {
  const full = response('two.example', [A('two.example', '1.1.1.1'), A('two.example', '2.2.2.2')]);
  return full.subarray(0, full.length - 3);
}

function patched(message: Uint8Array, at: number, bytes: number[]): Uint8Array {
  const copy = Uint8Array.from(message);
  copy.set(bytes, at);
  return copy;
}

// www: header 12, question "www.example.com" (17 bytes) + 4 → the answer starts at 33; dns-packet
// does not compress, so its owner name is 17 bytes again and its RDLENGTH sits at 33 + 17 + 8.
const ANSWER = 33;
const RDLENGTH = ANSWER + 17 + 8;
cases.push(
  {
    name: 'truncated after the first answer: the complete answer is kept',
    message: twoAnswersCut(),
    status: 'malformed',
    reason: 'truncated',
    answers: [{ kind: 'address', name: 'two.example', address: '1.1.1.1', ttl: 300 }],
  },
  {
    name: 'answer name points at itself',
    message: patched(www, ANSWER, [0xc0, ANSWER]),
    status: 'malformed',
    reason: 'pointer_loop',
  },
  {
    name: 'answer name points forward',
    message: patched(www, ANSWER, [0xc0, ANSWER + 4]),
    status: 'malformed',
    reason: 'forward_pointer',
  },
  {
    name: 'A with RDLENGTH 5',
    message: patched(www, RDLENGTH, [0, 5]),
    status: 'malformed',
    reason: 'truncated',
  },
  {
    name: 'A with RDLENGTH 3',
    message: patched(www, RDLENGTH, [0, 3]),
    status: 'malformed',
    reason: 'bad_rdata',
    answers: [],
  },
  {
    name: 'CNAME target running past its RDLENGTH',
    message: (() => {
      const m = response('a.example', [CNAME('a.example', 'b.example'), A('b.example', '1.2.3.4')]);
      return patched(m, 12 + 11 + 4 + 11 + 8, [0, 3]); // RDLENGTH of the CNAME: 3 instead of 11
    })(),
    status: 'malformed',
    reason: 'bad_rdata',
  },
  {
    name: 'a label containing a dot is skipped, not trusted',
    // The label "bank_com" becomes "bank.com": one label whose text reads like two.
    message: response('evil.example', [CNAME('evil.example', 'bank_com'), A('bank_com', '6.6.6.6')]).map(
      (b) => (b === 0x5f ? 0x2e : b),
    ),
    status: 'parsed',
    answers: [],
    skipped: 2,
  },
);

/** The message with its last record's RDLENGTH (before `rdata` bytes of rdata) set to `length`. */
function lastRdlength(message: Uint8Array, rdata: number, length: number): Uint8Array {
  return patched(message, message.length - rdata - 2, [length >> 8, length & 0xff]);
}

const cnameLast = response('a.example', [A('b.example', '1.2.3.4'), CNAME('a.example', 'b.example')]);
cases.push(
  {
    name: 'a question and no answers (NODATA): the question ends the message',
    message: response('nodata.example', []),
    status: 'parsed',
    questions: ['nodata.example'],
    answers: [],
  },
  {
    name: 'question cut in its type and class: malformed, the cut question not kept',
    message: response('cut.example', []).subarray(0, 12 + 13 + 2),
    status: 'malformed',
    reason: 'truncated',
    questions: [],
    answers: [],
  },
  {
    name: 'a question with a dot inside a label is skipped and counted',
    message: response('bad_q.example', [A('bad_q.example', '1.2.3.4')]).map((b) => (b === 0x5f ? 0x2e : b)),
    status: 'parsed',
    questions: [],
    answers: [],
    skipped: 2,
  },
  {
    name: 'EDNS OPT record with empty rdata last in the message',
    message: response('example.com', [A('example.com', '1.2.3.4')], {
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    }),
    status: 'parsed',
    answers: [{ kind: 'address', name: 'example.com', address: '1.2.3.4', ttl: 300 }],
  },
  {
    name: 'glue A record first in the additional section is not an answer',
    message: response('example.com', [A('example.com', '1.2.3.4')], {
      additionals: [A('ns1.example.com', '5.6.7.8')],
    }),
    status: 'parsed',
    answers: [{ kind: 'address', name: 'example.com', address: '1.2.3.4', ttl: 300 }],
  },
  {
    name: 'the largest TTL kept is 2^31 - 1',
    message: response('x.example', [A('x.example', '1.2.3.4', 0x7fffffff)]),
    status: 'parsed',
    answers: [{ kind: 'address', name: 'x.example', address: '1.2.3.4', ttl: 0x7fffffff }],
  },
  {
    name: 'AAAA with RDLENGTH 4 (an A record length) is bad rdata',
    message: lastRdlength(response('v6.example', [AAAA('v6.example', '2001:db8::1')]), 16, 4),
    status: 'malformed',
    reason: 'bad_rdata',
    answers: [],
  },
  {
    name: 'CNAME rdata with a byte after the target name is bad rdata',
    message: lastRdlength(Uint8Array.from([...cnameLast, 0]), 12, 12),
    status: 'malformed',
    reason: 'bad_rdata',
    answers: [{ kind: 'address', name: 'b.example', address: '1.2.3.4', ttl: 300 }],
  },
  {
    name: 'CNAME target that points forward says so',
    message: patched(cnameLast, cnameLast.length - 11, [0xc0, cnameLast.length - 2]),
    status: 'malformed',
    reason: 'forward_pointer',
  },
);

describe('ResponseParser', () => {
  const parser = new ResponseParser();
  it.each(cases)('$name', ({ message, status, reason, questions, answers, skipped }) => {
    const parsed = parser.parse(message);
    expect(parsed.status).toBe(status);
    if (parsed.status === 'ignored') {
      expect(parsed.reason).toBe(reason);
      return;
    }
    if (parsed.status === 'malformed') expect(parsed.reason).toBe(reason);
    if (questions !== undefined) expect(parsed.questions).toEqual(questions);
    if (answers !== undefined) expect(parsed.answers).toEqual(answers);
    if (skipped !== undefined) expect(parsed.skipped).toBe(skipped);
  });

  it('copes with random bytes and thousands of mutated real messages without throwing', () => {
    const seeds = realMessages();
    expect(seeds.length).toBeGreaterThan(5);
    const random = lcg(0x9e3779b9);
    const seen = new Map<string, number>();
    let runs = 0;
    for (let round = 0; round < 400; round++) {
      for (const seed of seeds) {
        for (const mutant of mutations(seed, random)) {
          const parsed = parser.parse(mutant);
          const key = parsed.status === 'parsed' ? 'parsed' : `${parsed.status}:${parsed.reason}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          runs++;
          if (parsed.status !== 'ignored') {
            for (const a of parsed.answers) expect(a.name).toBe(canonicalName(a.name));
          }
        }
      }
    }
    expect(runs).toBeGreaterThan(10_000);
    // The mutations must reach the malformed paths, not just bounce off the header checks.
    for (const reason of ['truncated', 'short_header', 'bad_label'])
      expect(seen.get(`malformed:${reason}`) ?? 0).toBeGreaterThan(0);
    expect(seen.get('parsed') ?? 0).toBeGreaterThan(0);
  });
});

/** Real DNS responses: the fixtures' UDP payloads when present, else encoded ones. */
function realMessages(): Uint8Array[] {
  const messages = [
    www,
    response('www.example.com', [
      CNAME('www.example.com', 'edge.cdn.net'),
      A('edge.cdn.net', '1.2.3.4'),
      AAAA('edge.cdn.net', '2001:db8::5'),
    ]),
    response('', [{ type: 'AAAA', name: 'host.local', data: 'fe80::1', flush: true }]),
  ];
  const dir = fixturesDir();
  if (dir === null) return messages;
  for (const file of [
    'zeek_dns-two-responses.pcap',
    'zeek_dns_max-compression-depth.pcap',
    'zeek_dns-edns-ecs.pcap',
    'zeek_dns_mdns.pcap',
  ]) {
    messages.push(...udpPayloads(readFileSync(join(dir, 'pcaps', file))).slice(0, 20));
  }
  return messages;
}

/** UDP payloads of a classic little-endian Ethernet/IPv4 pcap: enough to seed the mutations. */
function udpPayloads(pcap: Buffer): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 24; at + 16 <= pcap.length;) {
    const caplen = pcap.readUInt32LE(at + 8);
    const frame = pcap.subarray(at + 16, at + 16 + caplen);
    at += 16 + caplen;
    if (frame.length < 42 || frame.readUInt16BE(12) !== 0x0800 || frame[23] !== 17) continue;
    const udp = 14 + (frame[14] & 0x0f) * 4;
    out.push(Uint8Array.from(frame.subarray(udp + 8)));
  }
  return out;
}

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function* mutations(seed: Uint8Array, random: () => number): Generator<Uint8Array> {
  yield seed.subarray(0, Math.floor(random() * seed.length)); // truncation
  const flipped = Uint8Array.from(seed);
  for (let i = 0; i < 1 + random() * 4; i++)
    flipped[Math.floor(random() * flipped.length)] = Math.floor(random() * 256);
  yield flipped;
  const pointered = Uint8Array.from(seed);
  const at = 12 + Math.floor(random() * Math.max(1, pointered.length - 13));
  pointered[at] = 0xc0 | Math.floor(random() * 4);
  pointered[at + 1] = Math.floor(random() * 256);
  yield pointered;
  const noise = new Uint8Array(Math.floor(random() * 600));
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(random() * 256);
  if (noise.length > 3) noise[2] |= 0x80; // a response, so the body is parsed
  if (noise.length > 3) noise[3] &= 0xf0;
  yield noise;
}
