import { canRunKernelTests, TcAction } from '@glia/libbpf';
import { CaptureEventLogic, frames, LinkType } from '@glia/packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcxObserver } from './observer.js';
import { ObserverTestRun, type TestRunEvent } from './test-run.js';

const kernel = canRunKernelTests(['bpf', 'ringbuf']);
const { bytesOf, concat, erspanII, erspanIII, ethernet, geneve, gre, ipv4, ipv6, ppp, tcp, udp, vxlan } =
  frames;

const IPV4 = 0x0800;
const IPV6 = 0x86dd;
const TEB = 0x6558;
const SYN = 0x02;
const MSS = new Uint8Array([2, 4, 5, 180, 1, 3, 3, 7]);

// The innermost packets: a SYN with options, and a DNS response.
const syn4 = ipv4(
  { src: '10.1.0.1', dst: '10.1.0.2', proto: 6 },
  tcp({ sport: 40000, dport: 443, flags: SYN, options: MSS }),
);
const syn6 = ipv6(
  { src: 'fd00::1', dst: 'fd00::2', proto: 6 },
  tcp({ sport: 40001, dport: 443, flags: SYN, options: MSS }),
);
const dns4 = ipv4(
  { src: '10.1.0.53', dst: '10.1.0.1', proto: 17 },
  udp(53, 5353, bytesOf('\x12\x34\x81\x80 answer')),
);
const outer4 = (proto: number, payload: Uint8Array): Uint8Array =>
  ethernet(IPV4, ipv4({ src: '192.168.9.1', dst: '192.168.9.2', proto }, payload));
const outer6 = (proto: number, payload: Uint8Array): Uint8Array =>
  ethernet(IPV6, ipv6({ src: 'fd09::1', dst: 'fd09::2', proto }, payload));
const udpTo = (port: number, payload: Uint8Array): Uint8Array => outer4(17, udp(7777, port, payload));
const overlay = (net: string, port: number, payload: Uint8Array): Uint8Array =>
  ipv4({ src: `${net}.1`, dst: `${net}.2`, proto: 17 }, udp(1, port, payload));
const ipip = (net: string, inner: Uint8Array): Uint8Array =>
  ipv4({ src: `${net}.0.0.1`, dst: `${net}.0.0.2`, proto: 4 }, inner);

/** Frames named by what they exercise; each is run alone through both sides. */
const CASES: Array<[string, Uint8Array]> = [
  ['plain IPv4 SYN', ethernet(IPV4, syn4)],
  ['plain IPv6 SYN', ethernet(IPV6, syn6)],
  [
    'QinQ then 802.1Q tags',
    ethernet(IPV4, syn4, [
      { tpid: 0x88a8, vid: 10 },
      { tpid: 0x8100, vid: 20 },
    ]),
  ],
  [
    'nine VLAN tags: one too many',
    ethernet(
      IPV4,
      syn4,
      Array.from({ length: 9 }, () => ({ tpid: 0x8100, vid: 1 })),
    ),
  ],
  [
    'IPv4 with options',
    ethernet(
      IPV4,
      ipv4(
        { src: '10.1.0.1', dst: '10.1.0.2', proto: 6, options: new Uint8Array([1, 1, 1, 0]) },
        tcp({ sport: 1, dport: 2, flags: SYN }),
      ),
    ),
  ],
  [
    'a first IPv4 fragment',
    ethernet(
      IPV4,
      ipv4(
        { src: '10.1.0.1', dst: '10.1.0.2', proto: 6, moreFragments: true },
        tcp({ sport: 1, dport: 2, flags: SYN }),
      ),
    ),
  ],
  [
    'a later IPv4 fragment',
    ethernet(
      IPV4,
      ipv4(
        { src: '10.1.0.1', dst: '10.1.0.2', proto: 6, fragmentOffset: 8 },
        tcp({ sport: 1, dport: 2, flags: SYN }),
      ),
    ),
  ],
  [
    'IPv6 hop-by-hop, routing, destination options',
    ethernet(
      IPV6,
      ipv6(
        { src: 'fd00::1', dst: 'fd00::2', proto: 6, extensions: [{ type: 0 }, { type: 43 }, { type: 60 }] },
        tcp({ sport: 1, dport: 2, flags: SYN }),
      ),
    ),
  ],
  [
    'IPv6 later fragment',
    ethernet(
      IPV6,
      ipv6(
        { src: 'fd00::1', dst: 'fd00::2', proto: 6, extensions: [{ type: 44, fragmentOffset: 8 }] },
        tcp({ sport: 1, dport: 2, flags: SYN }),
      ),
    ),
  ],
  [
    'nine IPv6 extension headers',
    ethernet(
      IPV6,
      ipv6(
        {
          src: 'fd00::1',
          dst: 'fd00::2',
          proto: 6,
          extensions: Array.from({ length: 9 }, () => ({ type: 60 })),
        },
        tcp({ sport: 1, dport: 2, flags: SYN }),
      ),
    ),
  ],
  ['VXLAN 4789', udpTo(4789, vxlan(42, ethernet(IPV4, syn4)))],
  ['VXLAN 8472 around IPv6', udpTo(8472, vxlan(7, ethernet(IPV6, syn6)))],
  ['Geneve with options, IPv4 inside', udpTo(6081, geneve(9, IPV4, syn4, new Uint8Array(8)))],
  ['Geneve with Ethernet inside', udpTo(6081, geneve(9, TEB, ethernet(IPV4, dns4)))],
  [
    'Geneve version 1: refused',
    (() => {
      const g = geneve(9, IPV4, syn4);
      g[0] |= 0x40;
      return udpTo(6081, g);
    })(),
  ],
  [
    'VXLAN in Geneve in VXLAN (outer VNI kept)',
    udpTo(
      4789,
      vxlan(
        1,
        ethernet(
          IPV4,
          overlay(
            '172.16.0',
            6081,
            geneve(2, TEB, ethernet(IPV4, overlay('172.17.0', 4789, vxlan(3, ethernet(IPV4, syn4))))),
          ),
        ),
      ),
    ),
  ],
  [
    'five tunnel layers: one too many',
    udpTo(4789, vxlan(1, ethernet(IPV4, ipip('1', ipip('2', ipip('3', ipip('4', syn4))))))),
  ],
  ['4in4', outer4(4, syn4)],
  ['6in4', outer4(41, syn6)],
  ['4in6', outer6(4, syn4)],
  ['6in6', outer6(41, syn6)],
  [
    'GRE with checksum, key and sequence, IPv4 inside',
    outer4(47, gre({ proto: IPV4, checksum: true, key: 5, sequence: 9 }, syn4)),
  ],
  ['GRE bridging Ethernet', outer4(47, gre({ proto: TEB, key: 1 }, ethernet(IPV4, dns4)))],
  ['GRE with routing: refused', outer4(47, gre({ proto: IPV4, routing: true }, syn4))],
  [
    'PPTP GRE with PPP, address and control, IPv4',
    outer4(47, gre({ proto: 0x880b, version: 1, sequence: 3, ack: 2 }, ppp(0x21, syn4))),
  ],
  [
    'PPTP GRE with compressed PPP, IPv6',
    outer4(47, gre({ proto: 0x880b, version: 1 }, ppp(0x57, syn6, false, true))),
  ],
  [
    'PPTP GRE with LCP: not IP',
    outer4(47, gre({ proto: 0x880b, version: 1 }, ppp(0xc021, new Uint8Array(8)))),
  ],
  ['ERSPAN type I', outer4(47, gre({ proto: 0x88be }, ethernet(IPV4, syn4)))],
  ['ERSPAN type II', outer4(47, gre({ proto: 0x88be, sequence: 1 }, erspanII(3, 10, ethernet(IPV4, syn4))))],
  [
    'ERSPAN type III',
    outer4(47, gre({ proto: 0x22eb, sequence: 1 }, erspanIII(3, 10, ethernet(IPV4, syn4)))),
  ],
  [
    'ERSPAN type III with its subheader',
    outer4(47, gre({ proto: 0x22eb, sequence: 1 }, erspanIII(3, 10, ethernet(IPV6, syn6), true))),
  ],
  [
    'ERSPAN with a wrong version',
    outer4(47, gre({ proto: 0x22eb, sequence: 1 }, erspanII(3, 10, ethernet(IPV4, syn4)))),
  ],
  [
    'a truncated TCP header',
    ethernet(IPV4, ipv4({ src: '10.1.0.1', dst: '10.1.0.2', proto: 6 }, new Uint8Array(12))),
  ],
  [
    'a bad UDP length',
    ethernet(
      IPV4,
      ipv4({ src: '10.1.0.1', dst: '10.1.0.2', proto: 17 }, Uint8Array.from([0, 53, 0, 9, 0, 4, 0, 0])),
    ),
  ],
  ['ARP', ethernet(0x0806, new Uint8Array(28))],
  ['ICMP', ethernet(IPV4, ipv4({ src: '10.1.0.1', dst: '10.1.0.2', proto: 1 }, new Uint8Array(8)))],
  ['a DNS response', ethernet(IPV4, dns4)],
  [
    'an IPv4 total length of 0 (segmentation offload)',
    (() => {
      const f = ethernet(IPV4, syn4);
      f[16] = 0;
      f[17] = 0;
      return concat(f);
    })(),
  ],
];

function userSpace(frame: Uint8Array): TestRunEvent[] {
  const out: TestRunEvent[] = [];
  const logic = new CaptureEventLogic((topic, event) => out.push({ topic, event } as TestRunEvent));
  logic.handleFrame(frame, 0, frame.length, LinkType.ETHERNET, 1, 0, 'test0', 'ingress');
  return out;
}

/** Decoder corner cases, frame by frame: the observer must emit what the user-space logic emits. */
describe.skipIf(!kernel)('tcx observer on built frames vs the user-space logic', () => {
  let observer: TcxObserver;
  let run: ObserverTestRun;
  beforeAll(() => {
    observer = TcxObserver.load({ packetTime: true });
    run = new ObserverTestRun(observer);
  });
  afterAll(() => {
    run?.close();
    observer?.close();
  });

  it('the cases cover events and rejections', () => {
    const withEvents = CASES.filter(([, f]) => userSpace(f).length > 0).length;
    expect(withEvents).toBeGreaterThan(20);
    expect(CASES.length - withEvents).toBeGreaterThan(8);
  });

  it.each(CASES)('%s', (_name, frame) => {
    observer.flows.drain();
    const r = run.run(frame, 1_000_000_000n);
    expect(r.retval).toBe(TcAction.UNSPEC);
    expect(r.events).toEqual(userSpace(frame));
  });
});
