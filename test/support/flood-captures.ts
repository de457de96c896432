import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writers of large synthetic captures (classic pcap, Ethernet, µs) for the bounded-memory tests:
 * millions of packets written from one reused frame template per kind, in chunks, so generating
 * them costs about as much as copying the bytes. IP header checksums are computed; TCP and UDP
 * checksums are left 0 (glia, like most passive readers, does not verify them).
 */
class PcapStream {
  private readonly chunk = Buffer.alloc(1 << 20);
  private fill = 0;
  private readonly fd: number;
  packets = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(1, 20);
    writeSync(this.fd, header);
  }

  /** Appends frame[0, length) captured at µs packet time `us`. */
  write(frame: Buffer, length: number, us: number): void {
    if (this.fill + 16 + length > this.chunk.length) this.flush();
    const c = this.chunk;
    c.writeUInt32LE(Math.floor(us / 1e6), this.fill);
    c.writeUInt32LE(us % 1e6, this.fill + 4);
    c.writeUInt32LE(length, this.fill + 8);
    c.writeUInt32LE(length, this.fill + 12);
    frame.copy(c, this.fill + 16, 0, length);
    this.fill += 16 + length;
    this.packets++;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    writeSync(this.fd, this.chunk, 0, this.fill);
    this.fill = 0;
  }
}

const ETH = 14;
const IP_HEADER = 20;
const TCP_HEADER = 20;

/** An Ethernet + IPv4 frame template with room for a transport header and payload. */
function template(protocol: number, transportLength: number): Buffer {
  const f = Buffer.alloc(ETH + IP_HEADER + transportLength);
  f.writeUInt16BE(0x0800, 12);
  f[ETH] = 0x45;
  f.writeUInt16BE(IP_HEADER + transportLength, ETH + 2);
  f[ETH + 8] = 64;
  f[ETH + 9] = protocol;
  return f;
}

function setAddresses(f: Buffer, src: number, dst: number): void {
  f.writeUInt32BE(src >>> 0, ETH + 12);
  f.writeUInt32BE(dst >>> 0, ETH + 16);
  f.writeUInt16BE(0, ETH + 10);
  let sum = 0;
  for (let i = 0; i < IP_HEADER; i += 2) sum += f.readUInt16BE(ETH + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  f.writeUInt16BE(~sum & 0xffff, ETH + 10);
}

function setTcp(f: Buffer, sport: number, dport: number, flags: number, seq: number): void {
  const t = ETH + IP_HEADER;
  f.writeUInt16BE(sport, t);
  f.writeUInt16BE(dport, t + 2);
  f.writeUInt32BE(seq >>> 0, t + 4);
  f[t + 12] = (TCP_HEADER / 4) << 4;
  f[t + 13] = flags;
  f.writeUInt16BE(64240, t + 14);
}

export const ipv4 = (a: number, b: number, c: number, d: number): number =>
  ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
export const ipv4Text = (n: number): string =>
  `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

const SYN = 0x02;
const PSH_ACK = 0x18;

/**
 * `count` packets, each the only packet of its flow: TCP data packets (a 32-byte request) from
 * clients spread over 10.64.0.0/10 with distinct ports to servers on a few ports. Packet time
 * advances 20 µs per packet (50 000 new flows a second).
 */
export function writeDistinctFlows(path: string, count: number): void {
  const out = new PcapStream(path);
  const payload = 32;
  const f = template(6, TCP_HEADER + payload);
  f.write('GET /distinct HTTP/1.1\r\nHost: x\r\n', ETH + IP_HEADER + TCP_HEADER, 'latin1');
  const t0 = 1_700_000_000 * 1e6;
  for (let i = 0; i < count; i++) {
    const client = ipv4(10, 64 + ((i >>> 16) & 63), (i >>> 8) & 255, i & 255);
    const server = ipv4(10, 1, 0, 1 + (i % 200));
    setAddresses(f, client, server);
    setTcp(f, 1024 + ((i * 7) % 60000), 8000 + (i % 16), PSH_ACK, i);
    out.write(f, f.length, t0 + i * 20);
  }
  out.close();
}

export interface SynFloodSpec {
  /** SYNs from random sources. */
  syns: number;
  /** The scanner's SYNs, each to a new port of `target`. */
  scannerPorts: number;
  /** Flood packets between two of the scanner's SYNs (25 000 a second flood: 1000 → 25 probes/s). */
  scannerEvery: number;
  /** Flood packets before the scanner's first SYN. */
  scannerStart: number;
  scanner: number;
  target: number;
  /** Seed of the sources' generator (xorshift32), so a run can be repeated. */
  seed?: number;
}

/**
 * A SYN flood from random sources inside 10.128.0.0/9 (home_net) to a few servers, with a port
 * scanner's SYNs interleaved. The whole capture spans 40 s of packet time, so the scanner's ports
 * all fall inside one 60 s flow window: its k-th SYN should read flow.unique_dst_ports = k.
 */
export function writeSynFloodWithScanner(path: string, spec: SynFloodSpec): void {
  const out = new PcapStream(path);
  const f = template(6, TCP_HEADER);
  let state = spec.seed ?? 0x9e3779b9;
  const total = spec.syns + spec.scannerPorts;
  const t0 = 1_700_000_000 * 1e6;
  const step = Math.floor(40e6 / total);
  let port = 0;
  let flood = 0;
  for (let n = 0; n < total; n++) {
    const us = t0 + n * step;
    const due = spec.scannerStart + port * spec.scannerEvery;
    if (port < spec.scannerPorts && (flood >= due || flood === spec.syns)) {
      setAddresses(f, spec.scanner, spec.target);
      setTcp(f, 40000, 1 + port++, SYN, n);
      out.write(f, f.length, us);
      continue;
    }
    flood++;
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const source = ipv4(10, 128, 0, 0) | ((state >>> 0) & 0x007fffff);
    setAddresses(f, source, spec.target + 1 + (n % 8));
    setTcp(f, 1024 + (state >>> 20), 80, SYN, state);
    out.write(f, f.length, us);
  }
  out.close();
}
