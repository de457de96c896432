import { Buffer } from 'node:buffer';
import { normalizeIp } from '@glia/core';
import { codecs } from './dns-packet-codecs.js';
import { NameWalker, type MalformedReason } from './name-walk.js';

/** Why a well-formed message is not used. */
export type IgnoredReason = 'query' | 'opcode' | 'rcode';

export interface AddressAnswer {
  kind: 'address';
  /** Owner name: ASCII lower case, no trailing dot. */
  name: string;
  /** Canonical address text (RFC 5952 for IPv6, as @glia/core formats event addresses). */
  address: string;
  ttl: number;
}

export interface CnameAnswer {
  kind: 'cname';
  name: string;
  target: string;
  ttl: number;
}

export type UsableAnswer = AddressAnswer | CnameAnswer;

export type ParsedResponse =
  | { status: 'ignored'; reason: IgnoredReason }
  | { status: 'parsed'; questions: string[]; answers: UsableAnswer[]; skipped: number }
  /** Malformed: questions and answers hold the complete records before the fault. */
  | {
      status: 'malformed';
      reason: MalformedReason;
      questions: string[];
      answers: UsableAnswer[];
      skipped: number;
    };

const TYPE_A = 1;
const TYPE_CNAME = 5;
const TYPE_AAAA = 28;
const CLASS_IN = 1;
const HEADER = 12;

/**
 * Parses a DNS response into the answer-section records the FQDN store needs (A, AAAA, CNAME of
 * class IN). Only responses (QR=1) to standard queries (opcode 0) with RCODE NOERROR are used.
 * Every name is checked by a bounded walk before dns-packet decodes it; authority and additional
 * records are walked for structure only. Never throws.
 */
export class ResponseParser {
  private readonly walker = new NameWalker();

  parse(message: Uint8Array): ParsedResponse {
    if (message.length < HEADER) return malformed('short_header', [], [], 0);
    const flags = (message[2] << 8) | message[3];
    if ((flags & 0x8000) === 0) return { status: 'ignored', reason: 'query' };
    if (((flags >> 11) & 0xf) !== 0) return { status: 'ignored', reason: 'opcode' };
    if ((flags & 0xf) !== 0) return { status: 'ignored', reason: 'rcode' };
    const buf = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    const qdcount = buf.readUInt16BE(4);
    const ancount = buf.readUInt16BE(6);
    const others = buf.readUInt16BE(8) + buf.readUInt16BE(10);
    const questions: string[] = [];
    const answers: UsableAnswer[] = [];
    // Records dropped because a name has a label containing '.', which would read as two labels.
    let skipped = 0;
    let offset = HEADER;

    for (let i = 0; i < qdcount; i++) {
      const bad = this.walker.walk(buf, offset, buf.length);
      if (bad !== null) return malformed(bad, questions, answers, skipped);
      const end = this.walker.end + 4;
      if (end > buf.length) return malformed('truncated', questions, answers, skipped);
      if (this.walker.dotted) skipped++;
      else {
        const name = decodeName(buf, offset);
        if (name === null) return malformed('decoder_error', questions, answers, skipped);
        questions.push(name);
      }
      offset = end;
    }

    for (let i = 0; i < ancount + others; i++) {
      const start = offset;
      const bad = this.walker.walk(buf, offset, buf.length);
      if (bad !== null) return malformed(bad, questions, answers, skipped);
      const fixed = this.walker.end;
      if (fixed + 10 > buf.length) return malformed('truncated', questions, answers, skipped);
      const ownerDotted = this.walker.dotted;
      const type = buf.readUInt16BE(fixed);
      const klass = buf.readUInt16BE(fixed + 2) & 0x7fff; // the top bit is mDNS's cache-flush flag
      const rdata = fixed + 10;
      offset = rdata + buf.readUInt16BE(fixed + 8);
      if (offset > buf.length) return malformed('truncated', questions, answers, skipped);
      if (i >= ancount || klass !== CLASS_IN) continue;
      if (type !== TYPE_A && type !== TYPE_AAAA && type !== TYPE_CNAME) continue;

      const fault = this.checkRdata(buf, type, rdata, offset);
      if (fault !== null) return malformed(fault, questions, answers, skipped);
      if (ownerDotted || (type === TYPE_CNAME && this.walker.dotted)) {
        skipped++;
        continue;
      }
      const answer = decodeAnswer(buf, start, offset - start);
      if (answer === null) return malformed('decoder_error', questions, answers, skipped);
      answers.push(answer);
    }
    return { status: 'parsed', questions, answers, skipped };
  }

  /** dns-packet reads A/AAAA/CNAME rdata without looking at RDLENGTH, so check it agrees. */
  private checkRdata(buf: Buffer, type: number, rdata: number, end: number): MalformedReason | null {
    const length = end - rdata;
    if (type === TYPE_A) return length === 4 ? null : 'bad_rdata';
    if (type === TYPE_AAAA) return length === 16 ? null : 'bad_rdata';
    const bad = this.walker.walk(buf, rdata, end);
    if (bad === 'truncated') return 'bad_rdata'; // the name runs past its RDLENGTH, not the message
    if (bad !== null) return bad;
    return this.walker.end === end ? null : 'bad_rdata';
  }
}

function malformed(
  reason: MalformedReason,
  questions: string[],
  answers: UsableAnswer[],
  skipped: number,
): ParsedResponse {
  return { status: 'malformed', reason, questions, answers, skipped };
}

function decodeName(buf: Buffer, offset: number): string | null {
  try {
    return canonicalName(codecs.name.decode(buf, offset));
  } catch {
    return null;
  }
}

function decodeAnswer(buf: Buffer, offset: number, length: number): UsableAnswer | null {
  try {
    const record = codecs.answer.decode(buf, offset);
    if (codecs.answer.decode.bytes !== length || typeof record.data !== 'string') return null;
    // RFC 2181 §8: a TTL with the top bit set is to be read as zero.
    const ttl = typeof record.ttl === 'number' && record.ttl <= 0x7fffffff ? record.ttl : 0;
    const name = canonicalName(record.name);
    if (record.type === 'CNAME') return { kind: 'cname', name, target: canonicalName(record.data), ttl };
    const address = record.type === 'AAAA' ? normalizeIp(record.data) : record.data;
    if (address === null) return null;
    return { kind: 'address', name, address, ttl };
  } catch {
    return null;
  }
}

/**
 * Lower case by ASCII rules only (RFC 4343): String#toLowerCase would fold non-ASCII letters too,
 * turning e.g. U+212A KELVIN SIGN into "k" and so letting a foreign name pass for an ASCII one.
 * The trailing dot of a fully qualified name is dropped; the root becomes "".
 */
export function canonicalName(name: string): string {
  let text = name.endsWith('.') ? name.slice(0, -1) : name;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      text = text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
      break;
    }
  }
  return text;
}
