import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, seededRandom } from '@glia/core/testing';
import { frames, pcapFile, type FrameRecord } from '@glia/packet';
import { describe, expect, it } from 'vitest';
import { captureFilter, deviceFilter, directionClause, eventFilterClauses } from './event-filter.js';
import { compileFilter } from './pcap-live.js';

const { ethernet, ipv4, ipv6, tcp, udp, vxlan, bytesOf, concat } = frames;
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;
const A = '10.1.0.1';
const B = '10.1.0.2';
const A6 = 'fd00::1';
const B6 = 'fd00::2';

/** seq and ack whose low bytes XOR to 0x01: outside the sample at any sample_bits >= 1. */
const MISS = { seq: 0x1000, ack: 0x2001 };
/** seq and ack whose low bytes XOR to 0: inside the sample. */
const HIT = { seq: 0x1040, ack: 0x2040 };

const v4tcp = (
  flags: number,
  p: { seq: number; ack: number },
  payload?: Uint8Array,
  ports = [40000, 80],
): Uint8Array =>
  ethernet(
    0x0800,
    ipv4({ src: A, dst: B, proto: 6 }, tcp({ sport: ports[0], dport: ports[1], flags, ...p }, payload)),
  );
const v6tcp = (flags: number, p: { seq: number; ack: number }, payload?: Uint8Array): Uint8Array =>
  ethernet(
    0x86dd,
    ipv6({ src: A6, dst: B6, proto: 6 }, tcp({ sport: 40000, dport: 443, flags, ...p }, payload)),
  );
/** A UDP datagram with the given checksum (the builder leaves it zero). */
const withChecksum = (datagram: Uint8Array, checksum: number): Uint8Array => {
  const d = datagram.slice();
  d[6] = checksum >> 8;
  d[7] = checksum & 255;
  return d;
};
const v4udp = (sport: number, dport: number, checksum: number, payload = bytesOf('x')): Uint8Array =>
  ethernet(0x0800, ipv4({ src: A, dst: B, proto: 17 }, withChecksum(udp(sport, dport, payload), checksum)));
const v6udp = (sport: number, dport: number, checksum: number): Uint8Array =>
  ethernet(
    0x86dd,
    ipv6({ src: A6, dst: B6, proto: 17 }, withChecksum(udp(sport, dport, bytesOf('x')), checksum)),
  );
const tlsHello = concat(Uint8Array.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), new Uint8Array(100));

/** Named cases with the documented answer (README "What the kernel lets through"), sample_bits 6. */
const CASES: Array<{ name: string; frame: Uint8Array; passes: boolean }> = [
  { name: 'IPv4 SYN', frame: v4tcp(SYN, MISS), passes: true },
  { name: 'IPv4 SYN-ACK', frame: v4tcp(SYN | ACK, MISS), passes: true },
  { name: 'IPv4 pure ACK outside the sample', frame: v4tcp(ACK, MISS), passes: false },
  { name: 'IPv4 pure ACK inside the sample', frame: v4tcp(ACK, HIT), passes: true },
  { name: 'IPv4 FIN-ACK outside the sample', frame: v4tcp(FIN | ACK, MISS), passes: false },
  {
    name: 'IPv4 payload with PSH',
    frame: v4tcp(PSH | ACK, MISS, bytesOf('GET / HTTP/1.1\r\n')),
    passes: true,
  },
  { name: 'IPv4 payload without PSH', frame: v4tcp(ACK, MISS, bytesOf('GET / HTTP/1.1\r\n')), passes: false },
  { name: 'IPv4 TLS record start without PSH', frame: v4tcp(ACK, MISS, tlsHello), passes: true },
  {
    name: 'IPv4 one payload byte 0x16 without PSH',
    frame: v4tcp(ACK, MISS, Uint8Array.from([0x16])),
    passes: false,
  },
  {
    name: 'IPv4 TLS application data without PSH',
    frame: v4tcp(ACK, MISS, Uint8Array.from([0x17, 3, 3, 0, 1, 0])),
    passes: false,
  },
  { name: 'IPv4 pure ACK on TCP port 53', frame: v4tcp(ACK, MISS, undefined, [53, 40000]), passes: true },
  { name: 'IPv4 DNS response', frame: v4udp(53, 40000, 0x1234), passes: true },
  { name: 'IPv4 DNS query', frame: v4udp(40000, 53, 0x1234), passes: true },
  { name: 'IPv4 UDP outside the sample', frame: v4udp(40000, 443, 0x1201), passes: false },
  { name: 'IPv4 UDP inside the sample', frame: v4udp(40000, 443, 0x1240), passes: true },
  {
    name: 'IPv4 VXLAN frame',
    frame: v4udp(40000, 4789, 0x1201, vxlan(7, v4tcp(ACK, MISS))),
    passes: true,
  },
  { name: 'IPv4 Linux VXLAN port', frame: v4udp(40000, 8472, 0x1201), passes: true },
  { name: 'IPv4 Geneve', frame: v4udp(40000, 6081, 0x1201), passes: true },
  {
    name: 'IPv4 GRE',
    frame: ethernet(0x0800, ipv4({ src: A, dst: B, proto: 47 }, new Uint8Array(24))),
    passes: true,
  },
  {
    name: 'IPv4 IP-in-IP',
    frame: ethernet(
      0x0800,
      ipv4(
        { src: A, dst: B, proto: 4 },
        ipv4({ src: A, dst: B, proto: 6 }, tcp({ sport: 1, dport: 2, flags: ACK, ...MISS })),
      ),
    ),
    passes: true,
  },
  {
    name: 'IPv6 in IPv4',
    frame: ethernet(0x0800, ipv4({ src: A, dst: B, proto: 41 }, new Uint8Array(40))),
    passes: true,
  },
  {
    name: 'IPv4 non-first fragment of TCP',
    frame: ethernet(0x0800, ipv4({ src: A, dst: B, proto: 6, fragmentOffset: 100 }, new Uint8Array(40))),
    passes: false,
  },
  {
    name: 'IPv4 ICMP',
    frame: ethernet(0x0800, ipv4({ src: A, dst: B, proto: 1 }, new Uint8Array(8))),
    passes: false,
  },
  { name: 'ARP', frame: ethernet(0x0806, new Uint8Array(28)), passes: false },
  { name: 'IPv6 SYN', frame: v6tcp(SYN, MISS), passes: true },
  { name: 'IPv6 payload with PSH', frame: v6tcp(PSH | ACK, MISS, bytesOf('hello')), passes: true },
  { name: 'IPv6 pure ACK outside the sample', frame: v6tcp(ACK, MISS), passes: false },
  { name: 'IPv6 pure ACK inside the sample', frame: v6tcp(ACK, HIT), passes: true },
  { name: 'IPv6 TLS record start without PSH', frame: v6tcp(ACK, MISS, tlsHello), passes: true },
  { name: 'IPv6 payload without PSH', frame: v6tcp(ACK, MISS, bytesOf('hello')), passes: false },
  { name: 'IPv6 DNS response', frame: v6udp(53, 40000, 0x1201), passes: true },
  { name: 'IPv6 UDP outside the sample', frame: v6udp(40000, 443, 0x1201), passes: false },
  { name: 'IPv6 UDP inside the sample', frame: v6udp(40000, 443, 0x1200), passes: true },
  {
    name: 'IPv6 with a hop-by-hop header',
    frame: ethernet(
      0x86dd,
      ipv6(
        { src: A6, dst: B6, proto: 6, extensions: [{ type: 0 }] },
        tcp({ sport: 1, dport: 2, flags: ACK, ...MISS }),
      ),
    ),
    passes: true,
  },
  {
    name: 'ICMPv6',
    frame: ethernet(0x86dd, ipv6({ src: A6, dst: B6, proto: 58 }, new Uint8Array(8))),
    passes: false,
  },
  {
    name: 'in-band 802.1Q tag',
    frame: ethernet(
      0x0800,
      ipv4({ src: A, dst: B, proto: 6 }, tcp({ sport: 1, dport: 2, flags: ACK, ...MISS })),
      [{ tpid: 0x8100, vid: 5 }],
    ),
    passes: true,
  },
];

const dir = mkdtempSync(join(tmpdir(), 'glia-filter-'));
const withTcpdump = hasTool('tcpdump');

/** Which frames libpcap's compiled filter passes, by index, using tcpdump as the independent oracle. */
function tcpdumpPasses(list: Uint8Array[], expression: string): boolean[] {
  const records: FrameRecord[] = list.map((frame, i) => ({ frame, ts: BigInt(i + 1) * 1_000_000_000n }));
  const file = join(dir, `in-${Math.random().toString(36).slice(2)}.pcap`);
  writeFileSync(file, pcapFile(records, { linkType: 1 }));
  const out = execFileSync('tcpdump', ['-r', file, '-n', '-tt', expression], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 26,
  });
  const passed = new Set(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => Number.parseInt(l, 10)),
  );
  return list.map((_, i) => passed.has(i + 1));
}

describe('event filter', () => {
  it('every clause and the whole expression compile with libpcap; the cost in instructions', () => {
    for (const c of eventFilterClauses({ sampleBits: 6 })) {
      expect(compileFilter(c.expression), c.name).toBeGreaterThan(0);
    }
    const n = compileFilter(captureFilter('events', { sampleBits: 6 }));
    expect(n).toBeGreaterThan(20);
    expect(n).toBeLessThan(4096); // the kernel's BPF_MAXINSNS for classic BPF
    // Without the Ethernet-only clause it compiles for raw IP links (tun devices).
    expect(compileFilter(captureFilter('events', { sampleBits: 6 }, 12), 12)).toBeGreaterThan(0);
  });

  it('all is no filter; sample_bits outside 0..8 is refused', () => {
    expect(captureFilter('all', { sampleBits: 6 })).toBe('');
    expect(() => eventFilterClauses({ sampleBits: 9 })).toThrow(/0 to 8/);
  });

  it.skipIf(!withTcpdump).each([false])(
    'passes exactly the documented packets (tcpdump applies it)%s',
    () => {
      const got = tcpdumpPasses(
        CASES.map((c) => c.frame),
        captureFilter('events', { sampleBits: 6 }),
      );
      const wrong = CASES.filter((c, i) => got[i] !== c.passes).map((c) => `${c.name}: expected ${c.passes}`);
      expect(wrong).toEqual([]);
    },
  );

  it.skipIf(!withTcpdump)('sample_bits 0 lets every TCP and UDP packet through (fragments included)', () => {
    const got = tcpdumpPasses(
      CASES.map((c) => c.frame),
      captureFilter('events', { sampleBits: 0 }),
    );
    CASES.forEach((c, i) => {
      const transport = c.name !== 'ARP' && !c.name.includes('ICMP');
      expect(got[i], c.name).toBe(transport || c.passes);
    });
  });

  it.skipIf(!withTcpdump)('agrees with a plain reference model on 3000 random packets', () => {
    const random = seededRandom(20261130);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const list: Uint8Array[] = [];
    const expected: boolean[] = [];
    for (let i = 0; i < 3000; i++) {
      const v6 = random() < 0.4;
      const isTcp = random() < 0.7;
      const sport = pick([53, 80, 443, 4789, 6081, 8472, 40000 + Math.floor(random() * 1000)]);
      const dport = pick([53, 80, 443, 4789, 40000 + Math.floor(random() * 1000)]);
      const bits = 3;
      const mask = (1 << bits) - 1;
      if (isTcp) {
        const flags = Math.floor(random() * 256) & 0x3f;
        const seq = Math.floor(random() * 0xffffffff);
        const ack = Math.floor(random() * 0xffffffff);
        const length = pick([0, 0, 1, 2, 5, 40]);
        const payload = new Uint8Array(length);
        for (let j = 0; j < length; j++)
          payload[j] = random() < 0.3 ? pick([0x16, 0x03]) : Math.floor(random() * 256);
        const segment = tcp({ sport, dport, flags, seq, ack }, payload);
        list.push(
          v6
            ? ethernet(0x86dd, ipv6({ src: A6, dst: B6, proto: 6 }, segment))
            : ethernet(0x0800, ipv4({ src: A, dst: B, proto: 6 }, segment)),
        );
        // The reference: SYN or PSH; port 53; the sample; a TLS handshake record start.
        const tls = length >= 2 && payload[0] === 0x16 && payload[1] === 0x03;
        expected.push(
          (flags & (SYN | PSH)) !== 0 || sport === 53 || dport === 53 || ((seq ^ ack) & mask) === 0 || tls,
        );
      } else {
        const checksum = Math.floor(random() * 65536);
        const datagram = withChecksum(udp(sport, dport, bytesOf('q')), checksum);
        list.push(
          v6
            ? ethernet(0x86dd, ipv6({ src: A6, dst: B6, proto: 17 }, datagram))
            : ethernet(0x0800, ipv4({ src: A, dst: B, proto: 17 }, datagram)),
        );
        const overlay = [4789, 8472, 6081];
        expected.push(
          sport === 53 ||
            dport === 53 ||
            overlay.includes(sport) ||
            overlay.includes(dport) ||
            (checksum & mask) === 0,
        );
      }
    }
    const got = tcpdumpPasses(list, captureFilter('events', { sampleBits: 3 }));
    const wrong = expected.flatMap((e, i) => (got[i] === e ? [] : [i]));
    expect(wrong.slice(0, 10)).toEqual([]);
    // The sample is near 1 in 8 for packets nothing else lets through.
    expect(expected.filter(Boolean).length).toBeGreaterThan(300);
  });

  const MAC = Uint8Array.from([2, 0, 0, 0, 0, 1]);
  it.each([
    { direction: 'ingress', sources: ['10.0.0.0/8'], mac: MAC, clause: '' },
    { direction: 'egress', sources: null, mac: MAC, clause: '' },
    { direction: 'both', sources: [], mac: MAC, clause: '' },
    {
      direction: 'egress',
      sources: ['10.0.0.0/8', 'fc00::/7'],
      mac: null,
      clause: 'src net 10.0.0.0/8 or src net fc00::/7',
    },
    {
      direction: 'both',
      sources: ['10.0.0.0/8'],
      mac: MAC,
      clause: 'not ether src 02:00:00:00:00:01 or src net 10.0.0.0/8',
    },
    { direction: 'both', sources: ['10.0.0.0/8'], mac: null, clause: '' },
    { direction: 'both', sources: ['10.0.0.0/8'], mac: new Uint8Array(6), clause: '' },
  ] as const)('egress_sources on a $direction handle: "$clause"', ({ direction, sources, mac, clause }) => {
    expect(directionClause(direction, sources, mac)).toBe(clause);
    const events = captureFilter('events', { sampleBits: 6 });
    const whole = deviceFilter('events', { sampleBits: 6 }, 1, direction, sources, mac);
    expect(whole).toBe(clause === '' ? events : `(${clause}) and (${events})`);
    expect(compileFilter(whole)).toBeGreaterThan(0);
    expect(deviceFilter('all', { sampleBits: 6 }, 1, direction, sources, mac)).toBe(clause);
  });

  it.skipIf(!withTcpdump)(
    'on a handle of both directions, sent packets pass only from egress_sources (tcpdump applies it)',
    () => {
      const own = (frame: Uint8Array): Uint8Array => {
        const f = frame.slice();
        f.set(MAC, 6); // source address: the device's own, so the packet was sent
        return f;
      };
      const list = [
        own(v4tcp(SYN, MISS)), // sent from 10.1.0.1, in 10.1.0.0/24
        own(
          ethernet(
            0x0800,
            ipv4({ src: '192.0.2.1', dst: B, proto: 6 }, tcp({ sport: 1, dport: 2, flags: SYN })),
          ),
        ),
        ethernet(
          0x0800,
          ipv4({ src: '192.0.2.1', dst: B, proto: 6 }, tcp({ sport: 1, dport: 2, flags: SYN })),
        ), // received
      ];
      const filter = deviceFilter('events', { sampleBits: 6 }, 1, 'both', ['10.1.0.0/24'], MAC);
      expect(tcpdumpPasses(list, filter)).toEqual([true, false, true]);
    },
  );
});
