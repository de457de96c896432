import { describe, expect, it } from 'vitest';
import { MAX_CHAIN_NAMES, resolveChains, type ChainOutcome } from './cname-chain.js';
import type { UsableAnswer } from './response-parser.js';

const a = (name: string, address: string, ttl = 300): UsableAnswer => ({
  kind: 'address',
  name,
  address,
  ttl,
});
const cname = (name: string, target: string, ttl = 300): UsableAnswer => ({
  kind: 'cname',
  name,
  target,
  ttl,
});

interface Case {
  name: string;
  questions: string[];
  answers: UsableAnswer[];
  want: Partial<ChainOutcome>;
}

const longChain: UsableAnswer[] = [];
for (let i = 0; i < MAX_CHAIN_NAMES + 3; i++) longChain.push(cname(`n${i}.example`, `n${i + 1}.example`));
longChain.push(a(`n${MAX_CHAIN_NAMES + 3}.example`, '9.9.9.9'));

const cases: Case[] = [
  {
    name: 'single A',
    questions: ['example.com'],
    answers: [a('example.com', '1.2.3.4')],
    want: { resolutions: [{ address: '1.2.3.4', names: ['example.com'], ttls: [300] }], offChain: 0 },
  },
  {
    name: 'CNAME chain: the address maps to the asked name and every name on the chain',
    questions: ['www.example.com'],
    answers: [cname('www.example.com', 'edge.cdn.net'), a('edge.cdn.net', '1.2.3.4')],
    want: {
      resolutions: [{ address: '1.2.3.4', names: ['www.example.com', 'edge.cdn.net'], ttls: [300, 300] }],
    },
  },
  {
    name: 'chain out of order in the answer section',
    questions: ['www.example.com'],
    answers: [
      a('c.example', '1.2.3.4'),
      cname('b.example', 'c.example'),
      cname('www.example.com', 'b.example'),
    ],
    want: {
      resolutions: [
        { address: '1.2.3.4', names: ['www.example.com', 'b.example', 'c.example'], ttls: [300, 300, 300] },
      ],
    },
  },
  {
    name: 'each name holds for the smallest TTL on its way to the address',
    questions: ['www.example.com'],
    answers: [
      cname('www.example.com', 'b.example', 30),
      cname('b.example', 'c.example', 600),
      a('c.example', '1.2.3.4', 120),
    ],
    want: {
      resolutions: [
        { address: '1.2.3.4', names: ['www.example.com', 'b.example', 'c.example'], ttls: [30, 120, 120] },
      ],
    },
  },
  {
    name: 'several addresses at the end of one chain',
    questions: ['www.example.com'],
    answers: [cname('www.example.com', 'edge.net'), a('edge.net', '1.1.1.1'), a('edge.net', '2.2.2.2')],
    want: {
      resolutions: [
        { address: '1.1.1.1', names: ['www.example.com', 'edge.net'], ttls: [300, 300] },
        { address: '2.2.2.2', names: ['www.example.com', 'edge.net'], ttls: [300, 300] },
      ],
    },
  },
  {
    name: 'CNAME loop is cut and counted; nothing resolves',
    questions: ['a.example'],
    answers: [cname('a.example', 'b.example'), cname('b.example', 'a.example')],
    want: { resolutions: [], loops: 1 },
  },
  {
    name: 'CNAME loop with an address on the way still resolves the names before the loop',
    questions: ['a.example'],
    answers: [cname('a.example', 'b.example'), cname('b.example', 'a.example'), a('b.example', '1.2.3.4')],
    want: {
      resolutions: [{ address: '1.2.3.4', names: ['a.example', 'b.example'], ttls: [300, 300] }],
      loops: 1,
    },
  },
  {
    name: `chain longer than ${MAX_CHAIN_NAMES} names is cut`,
    questions: ['n0.example'],
    answers: longChain,
    want: { resolutions: [], tooLong: 1, offChain: 1 },
  },
  {
    name: 'an address no chain from the question reaches is not used',
    questions: ['evil.example'],
    answers: [a('evil.example', '6.6.6.6'), a('bank.example', '6.6.6.6')],
    want: { resolutions: [{ address: '6.6.6.6', names: ['evil.example'], ttls: [300] }], offChain: 1 },
  },
  {
    name: 'a name CNAMEd to the chain but not asked is not on the chain',
    questions: ['www.example.com'],
    answers: [
      cname('www.example.com', 'edge.net'),
      cname('other.example', 'edge.net'),
      a('edge.net', '1.2.3.4'),
    ],
    want: { resolutions: [{ address: '1.2.3.4', names: ['www.example.com', 'edge.net'], ttls: [300, 300] }] },
  },
  {
    name: 'no question (mDNS): chains start at every name no CNAME points to',
    questions: [],
    answers: [
      a('printer.local', '10.0.0.9'),
      cname('alias.local', 'host.local'),
      a('host.local', '10.0.0.8'),
    ],
    want: {
      resolutions: [
        { address: '10.0.0.9', names: ['printer.local'], ttls: [300] },
        { address: '10.0.0.8', names: ['alias.local', 'host.local'], ttls: [300, 300] },
      ],
      offChain: 0,
    },
  },
  {
    name: 'of two CNAMEs for one name the first wins',
    questions: ['a.example'],
    answers: [
      cname('a.example', 'b.example'),
      cname('a.example', 'c.example'),
      a('b.example', '1.1.1.1'),
      a('c.example', '2.2.2.2'),
    ],
    want: {
      resolutions: [{ address: '1.1.1.1', names: ['a.example', 'b.example'], ttls: [300, 300] }],
      offChain: 1,
    },
  },
  {
    name: 'the root asked (empty name) starts no chain: its address record is off chain',
    questions: [''],
    answers: [a('', '1.2.3.4')],
    want: { resolutions: [], offChain: 1 },
  },
  {
    name: 'no question: a record owned by the root starts no chain',
    questions: [],
    answers: [a('', '1.2.3.4'), a('host.local', '10.0.0.8')],
    want: { resolutions: [{ address: '10.0.0.8', names: ['host.local'], ttls: [300] }], offChain: 1 },
  },
  {
    name: 'no answers',
    questions: ['a.example'],
    answers: [],
    want: { resolutions: [], loops: 0, tooLong: 0, offChain: 0 },
  },
];

describe('resolveChains', () => {
  it.each(cases)('$name', ({ questions, answers, want }) => {
    expect(resolveChains(questions, answers)).toMatchObject(want);
  });
});
