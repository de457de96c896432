// Mutators for capture files: each takes a seeded random source and the bytes of a well-formed
// capture (or builds one) and returns the bytes of a hostile one. Plain JavaScript so the long-run
// command (`npm run fuzz`) runs them without a TypeScript step; the CI test imports them too.
import { frames, pcapFile } from '@glia/packet';

const T0 = 1_700_000_000_000_000_000n;
const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const int = (rand, n) => Math.floor(rand() * n);

/** Offsets of the 16-byte record headers of a little- or big-endian pcap file. */
function pcapRecords(b) {
  if (b.length < 24) return { le: true, at: [] };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = v.getUint32(0, false);
  const le = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  const at = [];
  for (let p = 24; p + 16 <= b.length && at.length < 100000;) {
    at.push(p);
    p += 16 + v.getUint32(p + 8, le);
  }
  return { le, at };
}

/** Offsets of the blocks of a pcapng file (first section's byte order). */
function pcapngBlocks(b) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = b.length >= 12 && v.getUint32(8, true) === 0x1a2b3c4d;
  const at = [];
  for (let p = 0; p + 12 <= b.length && at.length < 100000;) {
    const length = v.getUint32(p + 4, le);
    if (length < 12) break;
    at.push(p);
    p += length;
  }
  return { le, at };
}

const isPcapng = (b) => b.length >= 4 && b[0] === 0x0a && b[1] === 0x0d && b[2] === 0x0d && b[3] === 0x0a;

export function bitFlips(rand, input) {
  const b = input.slice();
  const n = 1 + int(rand, 16);
  for (let i = 0; i < n && b.length > 0; i++) b[int(rand, b.length)] ^= 1 << int(rand, 8);
  return b;
}

export function truncation(rand, input) {
  return input.slice(0, int(rand, input.length + 1));
}

const LIES = [0, 1, 7, 0xffff, 0x10000, 0x3ffff, 0x40001, 0x7fffffff, 0xffffffff];

/** Lies in the file and record headers: snap length, link type, record and block lengths, times. */
export function headerLies(rand, input) {
  const b = input.slice();
  const v = new DataView(b.buffer);
  if (isPcapng(b)) {
    const { le, at } = pcapngBlocks(b);
    if (at.length === 0) return b;
    const p = pick(rand, at);
    const field = pick(rand, [4, 8, 12, 16, 20, 24]);
    if (p + field + 4 <= b.length) v.setUint32(p + field, pick(rand, LIES), le);
    return b;
  }
  const { le, at } = pcapRecords(b);
  if (b.length >= 24 && rand() < 0.3) {
    v.setUint32(pick(rand, [16, 20]), pick(rand, LIES), le); // snaplen or link type
  } else if (at.length > 0) {
    const p = pick(rand, at);
    if (p + 16 <= b.length) v.setUint32(p + pick(rand, [0, 4, 8, 12]), pick(rand, LIES), le);
  }
  return b;
}

/** A TCP segment nested in `depth` random tunnel layers (VXLAN, Geneve, GRE, IP-in-IP, ERSPAN). */
export function tunnelNesting(rand) {
  const depth = pick(rand, [2, 5, 8, 50, 1000]);
  let frame = frames.ethernet(
    0x0800,
    frames.ipv4(
      { src: '10.1.0.1', dst: '10.1.0.2', proto: 6 },
      frames.tcp({ sport: 40000, dport: 443, flags: 0x02 }),
    ),
  );
  for (let i = 0; i < depth; i++) {
    const inner = frame;
    const kind = int(rand, 5);
    const payload = inner.subarray(14);
    if (kind === 0)
      frame = frames.ethernet(
        0x0800,
        frames.ipv4(
          { src: '10.9.0.1', dst: '10.9.0.2', proto: 17 },
          frames.udp(50000, 4789, frames.vxlan(i, inner)),
        ),
      );
    else if (kind === 1)
      frame = frames.ethernet(
        0x0800,
        frames.ipv4(
          { src: '10.9.0.1', dst: '10.9.0.2', proto: 17 },
          frames.udp(50000, 6081, frames.geneve(i, 0x6558, inner)),
        ),
      );
    else if (kind === 2)
      frame = frames.ethernet(
        0x0800,
        frames.ipv4(
          { src: '10.9.0.1', dst: '10.9.0.2', proto: 47 },
          frames.gre({ proto: 0x6558, key: i }, inner),
        ),
      );
    else if (kind === 3)
      frame = frames.ethernet(0x0800, frames.ipv4({ src: '10.9.0.1', dst: '10.9.0.2', proto: 4 }, payload));
    else
      frame = frames.ethernet(
        0x0800,
        frames.ipv4(
          { src: '10.9.0.1', dst: '10.9.0.2', proto: 47 },
          frames.gre({ proto: 0x88be, sequence: i }, frames.erspanII(1, 1, inner)),
        ),
      );
  }
  return pcapFile([{ ts: T0, frame }], { linkType: 1 });
}

/** IPv6 with a long chain of extension headers (hop-by-hop, routing, destination options). */
export function extensionHeaders(rand) {
  const n = pick(rand, [9, 100, 20000]);
  const extensions = Array.from({ length: n }, () => ({ type: pick(rand, [0, 43, 60]) }));
  extensions[0] = { type: 0 };
  const frame = frames.ethernet(
    0x86dd,
    frames.ipv6(
      { src: 'fd00::1', dst: 'fd00::2', proto: 6, extensions },
      frames.tcp({ sport: 1, dport: 2, flags: 0x02 }),
    ),
  );
  return pcapFile([{ ts: T0, frame }], { linkType: 1 });
}

function dnsFrame(message) {
  return frames.ethernet(
    0x0800,
    frames.ipv4({ src: '10.0.0.53', dst: '10.0.0.7', proto: 17 }, frames.udp(53, 40000, message)),
  );
}

/** DNS responses that lie: counts beyond the message, pointer loops, label lengths past the end. */
export function dnsLies(rand) {
  const head = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
  const question = [3, 0x77, 0x77, 0x77, 4, 0x74, 0x65, 0x73, 0x74, 0, 0, 1, 0, 1];
  const answer = [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3];
  const msg = [...head, ...question, ...answer];
  const lie = int(rand, 5);
  if (lie === 0)
    msg[7] = 0xff; // ancount far beyond the message
  else if (lie === 1)
    msg.splice(12 + question.length, 2, 0xc0, 12 + question.length); // answer name points at itself
  else if (lie === 2)
    msg[12 + question.length + 11] = 0xff; // rdlength past the end
  else if (lie === 3)
    msg[12] = 63; // first label runs past the end
  else msg.splice(12, question.length, 0xc0, 14, 0xc0, 12, 0, 1, 0, 1); // two pointers into each other
  return pcapFile([{ ts: T0, frame: dnsFrame(Uint8Array.from(msg)) }], { linkType: 1 });
}

/** A TLS ClientHello whose record, handshake and extension lengths lie. */
export function tlsLies(rand) {
  const sni = [0x00, 0x00, 0x00, 0x0e, 0x00, 0x0c, 0x00, 0x00, 0x09, ...Buffer.from('evil.test')];
  const body = [0x03, 0x03, ...new Array(32).fill(1), 0, 0, 2, 0x13, 0x01, 1, 0, 0, sni.length, ...sni];
  const hs = [1, 0, (body.length >> 8) & 255, body.length & 255, ...body];
  const rec = [0x16, 0x03, 0x01, (hs.length >> 8) & 255, hs.length & 255, ...hs];
  const at = pick(rand, [
    3,
    4,
    6,
    7,
    8,
    5 + 4 + 34 + 1,
    rec.length - sni.length - 2,
    rec.length - sni.length + 3,
  ]);
  rec[at] = pick(rand, [0, 0xff, 0x7f, 0x40]);
  const client = (flags, payload, seq) =>
    frames.ethernet(
      0x0800,
      frames.ipv4(
        { src: '10.0.0.7', dst: '10.0.0.9', proto: 6 },
        frames.tcp({ sport: 40000, dport: 443, flags, seq }, payload),
      ),
    );
  return pcapFile(
    [
      { ts: T0, frame: client(0x02, new Uint8Array(0), 1000) },
      { ts: T0 + 1000n, frame: client(0x18, Uint8Array.from(rec), 1001) },
    ],
    { linkType: 1 },
  );
}

/** Mutators of an existing capture, and generators of hostile ones. */
export const CAPTURE_MUTATORS = { bitFlips, truncation, headerLies };
export const CAPTURE_GENERATORS = { tunnelNesting, extensionHeaders, dnsLies, tlsLies };
