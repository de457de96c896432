import type { AddressAnswer, CnameAnswer, UsableAnswer } from './response-parser.js';

/** One address and the names that resolved to it in one response. */
export interface Resolution {
  address: string;
  /** From the head of the chain (the name the client asked for) to the owner of the address record. */
  names: string[];
  /** Seconds each name's mapping holds: the smallest TTL on the chain from that name to the address. */
  ttls: number[];
}

export interface ChainOutcome {
  resolutions: Resolution[];
  /** Chains cut because a CNAME led back to a name already on the chain. */
  loops: number;
  /** Chains cut at MAX_CHAIN_NAMES names. */
  tooLong: number;
  /** Address records no chain from a question reached (not stored). */
  offChain: number;
}

/** Names on one chain: the asked name plus 16 CNAME hops, as resolvers bound their restarts. */
export const MAX_CHAIN_NAMES = 17;

/**
 * Follows CNAME chains in a response's answer section, in whatever order the records come.
 *
 * The chains start at the question names: an address record only counts when a chain from a
 * question reaches its owner, as a stub resolver reads an answer (and as Cilium's DNS proxy does),
 * so an unrelated record slipped into an answer cannot label an address with a name nobody asked
 * for. A response without questions (an mDNS announcement) starts a chain at every owner name that
 * no CNAME points to.
 */
export function resolveChains(questions: readonly string[], answers: readonly UsableAnswer[]): ChainOutcome {
  const cnames = new Map<string, CnameAnswer>();
  const addresses = new Map<string, AddressAnswer[]>();
  for (const answer of answers) {
    if (answer.kind === 'cname') {
      // A name with a CNAME has no other data (RFC 2181 §10.1); of several CNAMEs the first wins.
      if (!cnames.has(answer.name)) cnames.set(answer.name, answer);
    } else {
      const list = addresses.get(answer.name);
      if (list === undefined) addresses.set(answer.name, [answer]);
      else list.push(answer);
    }
  }

  const outcome: ChainOutcome = { resolutions: [], loops: 0, tooLong: 0, offChain: 0 };
  const reached = new Set<string>();
  for (const head of chainHeads(questions, answers, cnames)) {
    const chain = [head];
    const edgeTtls: number[] = [];
    for (;;) {
      const next = cnames.get(chain[chain.length - 1]);
      if (next === undefined) break;
      if (chain.includes(next.target)) {
        outcome.loops++;
        break;
      }
      if (chain.length === MAX_CHAIN_NAMES) {
        outcome.tooLong++;
        break;
      }
      edgeTtls.push(next.ttl);
      chain.push(next.target);
    }
    for (let k = 0; k < chain.length; k++) {
      const records = addresses.get(chain[k]);
      if (records === undefined) continue;
      reached.add(chain[k]);
      for (const record of records) outcome.resolutions.push(resolution(record, chain, edgeTtls, k));
    }
  }
  for (const [owner, records] of addresses) if (!reached.has(owner)) outcome.offChain += records.length;
  return outcome;
}

function chainHeads(
  questions: readonly string[],
  answers: readonly UsableAnswer[],
  cnames: ReadonlyMap<string, CnameAnswer>,
): Set<string> {
  const heads = new Set<string>();
  if (questions.length > 0) {
    for (const q of questions) if (q !== '') heads.add(q);
    return heads;
  }
  const targets = new Set<string>();
  for (const c of cnames.values()) targets.add(c.target);
  for (const a of answers) if (a.name !== '' && !targets.has(a.name)) heads.add(a.name);
  return heads;
}

function resolution(
  record: AddressAnswer,
  chain: readonly string[],
  edgeTtls: readonly number[],
  k: number,
): Resolution {
  const names = chain.slice(0, k + 1);
  const ttls = new Array<number>(k + 1);
  let ttl = record.ttl;
  for (let i = k; i >= 0; i--) {
    ttls[i] = ttl;
    if (i > 0) ttl = Math.min(ttl, edgeTtls[i - 1]);
  }
  return { address: record.address, names, ttls };
}
