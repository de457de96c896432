#!/usr/bin/env node
// Writes a capture of PACKETS packets made of copies of a recorded capture, each copy with its IPv4
// addresses rewritten so that no flow of one copy is a flow of another: copy k XORs k into the second
// and third octets of every IPv4 address (10.99.0.1 becomes 10.99.0.1, 10.99.1.1, 10.99.2.1, ...; the
// first octet, and so home_net membership, stays). Timestamps continue from copy to copy, as if the
// traffic went on. IP header and TCP/UDP checksums are updated for the new addresses (RFC 1624), so
// every reader sees valid packets. Non-IPv4 frames are copied as they are.
//
//   node bench/replay/distinct-flows.mjs IN.pcap OUT.pcap PACKETS [repeat]
//
// With `repeat`, the copies keep their addresses (plain repeats: the same flows again, later).
// Classic pcap in (either byte order, µs or ns), Ethernet (with 802.1Q tags) or raw IP link types.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const [input, output, countText] = process.argv.slice(2);
const wanted = Number(countText);
const repeat = process.argv[5] === 'repeat';
if (input === undefined || output === undefined || !(wanted > 0)) {
  console.error('usage: distinct-flows.mjs IN.pcap OUT.pcap PACKETS');
  process.exit(2);
}

const CHUNK = 1 << 24;
const inFd = openSync(input, 'r');
const header = Buffer.alloc(24);
readSync(inFd, header, 0, 24, 0);
const magic = header.readUInt32LE(0);
const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
if (!le && header.readUInt32BE(0) !== 0xa1b2c3d4 && header.readUInt32BE(0) !== 0xa1b23c4d) {
  console.error(`${input}: not a classic pcap file (magic ${magic.toString(16)})`);
  process.exit(2);
}
const nano = (le ? header.readUInt32LE(0) : header.readUInt32BE(0)) === 0xa1b23c4d;
const linkType = le ? header.readUInt32LE(20) : header.readUInt32BE(20);
if (linkType !== 1 && linkType !== 101 && linkType !== 228) {
  console.error(`${input}: link type ${linkType} is not Ethernet or raw IP`);
  process.exit(2);
}
const u32 = (b, o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
const put32 = (b, o, v) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
const tickPerSec = nano ? 1e9 : 1e6;

const outFd = openSync(output, 'w');
writeSync(outFd, header);
const out = Buffer.alloc(CHUNK + 262144 + 16);
let outFill = 0;
const flush = () => {
  writeSync(outFd, out, 0, outFill);
  outFill = 0;
};

/** One's complement sum update for a 16-bit word changing from old to new (RFC 1624 eqn. 3). */
function adjust(checksum, oldWord, newWord) {
  let sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + newWord;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Rewrites the IPv4 packet at buf[ip..end) for copy k. */
function rewrite(buf, ip, end, k) {
  if (k === 0 || end - ip < 20 || buf[ip] >> 4 !== 4) return;
  const ihl = (buf[ip] & 15) * 4;
  const hi = (k >> 8) & 255;
  const lo = k & 255;
  // Octets 2 and 3 straddle the two 16-bit words of an address: both words of both are updated.
  let ipSum = buf.readUInt16BE(ip + 10);
  const proto = buf[ip + 9];
  const fragment = (buf.readUInt16BE(ip + 6) & 0x1fff) !== 0;
  const l4 = ip + ihl;
  const sumAt = !fragment && proto === 6 ? l4 + 16 : !fragment && proto === 17 ? l4 + 6 : -1;
  let l4Sum = sumAt >= 0 && sumAt + 2 <= end ? buf.readUInt16BE(sumAt) : -1;
  if (proto === 17 && l4Sum === 0) l4Sum = -1; // UDP without a checksum stays without
  for (const at of [ip + 12, ip + 16]) {
    const w0 = buf.readUInt16BE(at);
    const w1 = buf.readUInt16BE(at + 2);
    buf[at + 1] ^= hi;
    buf[at + 2] ^= lo;
    const n0 = buf.readUInt16BE(at);
    const n1 = buf.readUInt16BE(at + 2);
    ipSum = adjust(adjust(ipSum, w0, n0), w1, n1);
    if (l4Sum >= 0) l4Sum = adjust(adjust(l4Sum, w0, n0), w1, n1);
  }
  buf.writeUInt16BE(ipSum, ip + 10);
  if (l4Sum >= 0) buf.writeUInt16BE(proto === 17 && l4Sum === 0 ? 0xffff : l4Sum, sumAt);
}

function ipOffset(buf, frame, caplen) {
  if (linkType !== 1) return frame;
  let at = frame + 12;
  let type = buf.readUInt16BE(at);
  while ((type === 0x8100 || type === 0x88a8) && at + 6 <= frame + caplen) {
    at += 4;
    type = buf.readUInt16BE(at);
  }
  return type === 0x0800 ? at + 2 : -1;
}

let written = 0;
let copy = 0;
// Times are kept relative to the first packet (doubles stay exact at ns resolution that way).
let baseSec = -1;
let baseFrac = 0;
let lastRel = 0;
let shift = 0;
const inBuf = Buffer.alloc(CHUNK + 262144 + 16);
while (written < wanted) {
  let pos = 24;
  let fill = 0;
  let at = 0;
  let eof = false;
  for (;;) {
    if (fill - at < 16 || fill - at < 16 + u32(inBuf, at + 8)) {
      if (eof) break;
      inBuf.copy(inBuf, 0, at, fill);
      fill -= at;
      at = 0;
      const n = readSync(inFd, inBuf, fill, CHUNK, pos);
      pos += n;
      fill += n;
      if (n === 0) eof = true;
      continue;
    }
    const caplen = u32(inBuf, at + 8);
    const sec = u32(inBuf, at);
    const frac = u32(inBuf, at + 4);
    if (baseSec < 0) {
      baseSec = sec;
      baseFrac = frac;
    }
    const rel = (sec - baseSec) * tickPerSec + (frac - baseFrac);
    if (rel > lastRel) lastRel = rel;
    if (outFill + 16 + caplen > CHUNK) flush();
    inBuf.copy(out, outFill, at, at + 16 + caplen);
    const total = baseFrac + rel + shift;
    const wholeSeconds = Math.floor(total / tickPerSec);
    put32(out, outFill, baseSec + wholeSeconds);
    put32(out, outFill + 4, total - wholeSeconds * tickPerSec);
    const frame = outFill + 16;
    const ip = ipOffset(out, frame, caplen);
    if (ip >= 0 && !repeat) rewrite(out, ip, frame + caplen, copy);
    outFill += 16 + caplen;
    at += 16 + caplen;
    if (++written >= wanted) break;
  }
  if (written === 0) {
    console.error(`${input}: no packets`);
    process.exit(2);
  }
  copy++;
  if (copy > 0xffff) {
    console.error('more than 65535 copies: the rewritten addresses would repeat');
    process.exit(2);
  }
  // The next copy starts one millisecond after this one ended.
  shift += lastRel + tickPerSec / 1000;
  lastRel = 0;
}
flush();
closeSync(outFd);
closeSync(inFd);
console.error(`distinct-flows: ${written} packets, ${copy} cop${copy === 1 ? 'y' : 'ies'} of ${input}`);
