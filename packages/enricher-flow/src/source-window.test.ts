import { describe, expect, it } from 'vitest';
import { FlowWindows } from './flow-windows.js';

const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S;

/** One observation of a connection from client 10.0.0.1, at `at` seconds after T0. */
interface Seen {
  at: number;
  server?: string;
  port?: number;
  clientPort?: number;
  proto?: 'tcp' | 'udp';
}

interface Expect {
  unique_dst_ports: number;
  unique_dsts: number;
  flows_per_min: number;
  dst_port_entropy: number;
}

/** Records every sighting, then reads the window as of the last one. */
function run(seen: Seen[], cap = 4096): Expect & { evictions: number } {
  const windows = new FlowWindows({ windowNs: 60n * S, maxSources: 100, maxEntriesPerSource: cap });
  let w = null;
  for (const s of seen) {
    w = windows.record({
      ts: T0 + BigInt(Math.round(s.at * 1e6)) * 1000n,
      client: '10.0.0.1',
      clientPort: s.clientPort ?? 40000,
      server: s.server ?? '10.0.0.2',
      serverPort: s.port ?? 80,
      proto: s.proto ?? 'tcp',
    });
  }
  if (w === null) throw new Error('no sightings');
  return {
    unique_dst_ports: w.uniqueDstPorts,
    unique_dsts: w.uniqueDsts,
    flows_per_min: w.flows,
    dst_port_entropy: w.dstPortEntropyX100,
    evictions: windows.entryEvictions,
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('source window (packet time)', () => {
  const cases: Array<{
    name: string;
    seen: Seen[];
    cap?: number;
    want: Partial<Expect> & { evictions?: number };
  }> = [
    {
      name: 'a single connection',
      seen: [{ at: 0 }],
      want: { unique_dst_ports: 1, unique_dsts: 1, flows_per_min: 1, dst_port_entropy: 0 },
    },
    {
      name: 'SYN and SYN-ACK of one connection count once (same client port, server, port, proto)',
      seen: [{ at: 0 }, { at: 0.001 }],
      want: { flows_per_min: 1, unique_dst_ports: 1 },
    },
    {
      name: 'a retransmitted SYN and a later flow report of the same connection still count once',
      seen: [{ at: 0 }, { at: 1 }, { at: 3 }, { at: 45 }],
      want: { flows_per_min: 1 },
    },
    {
      name: 'new connections to the same server:port count each (connection rate, e.g. brute force)',
      seen: range(20).map((i) => ({ at: i, clientPort: 40000 + i, port: 22 })),
      want: { flows_per_min: 20, unique_dst_ports: 1, unique_dsts: 1, dst_port_entropy: 0 },
    },
    {
      name: 'a vertical scan of 100 ports: unique_dst_ports 100, entropy log2(100) = 6.6439 → 664',
      seen: range(100).map((i) => ({ at: i * 0.01, port: 1 + i })),
      want: { unique_dst_ports: 100, unique_dsts: 1, flows_per_min: 100, dst_port_entropy: 664 },
    },
    {
      name: 'a horizontal scan of 50 hosts on one port: unique_dsts 50, entropy 0',
      seen: range(50).map((i) => ({ at: i * 0.01, server: `10.0.1.${i}`, port: 445 })),
      want: { unique_dst_ports: 1, unique_dsts: 50, flows_per_min: 50, dst_port_entropy: 0 },
    },
    {
      name: 'uniform over 2 ports → 1 bit → 100; over 4 ports → 200',
      seen: range(8).map((i) => ({ at: i, clientPort: 1000 + i, port: i % 2 === 0 ? 80 : 443 })),
      want: { dst_port_entropy: 100 },
    },
    {
      name: 'uniform over 4 ports → 200',
      seen: range(8).map((i) => ({ at: i, clientPort: 1000 + i, port: 80 + (i % 4) })),
      want: { dst_port_entropy: 200 },
    },
    {
      name: 'skewed 3:1 over two ports → 0.8113 bits → 81',
      seen: range(4).map((i) => ({ at: i, clientPort: 1000 + i, port: i === 0 ? 443 : 80 })),
      want: { dst_port_entropy: 81 },
    },
    {
      name: 'the same port number over TCP and UDP is two ports (as Zeek counts port/proto)',
      seen: [
        { at: 0, port: 53 },
        { at: 1, port: 53, proto: 'udp' },
      ],
      want: { unique_dst_ports: 2, flows_per_min: 2, dst_port_entropy: 100 },
    },
    {
      name: 'sliding expiry: a sighting exactly 60 s old has left the window',
      seen: [
        { at: 0, port: 1 },
        { at: 30, port: 2 },
        { at: 60, port: 3 },
      ],
      want: { unique_dst_ports: 2, flows_per_min: 2 },
    },
    {
      name: 'sliding expiry: 59.999 s old is still inside',
      seen: [
        { at: 0, port: 1 },
        { at: 59.999, port: 2 },
      ],
      want: { unique_dst_ports: 2, flows_per_min: 2 },
    },
    {
      name: 'a connection seen again stays in the window from its last sighting',
      seen: [
        { at: 0, port: 1 },
        { at: 10, port: 2, clientPort: 2 },
        { at: 50, port: 1 },
        { at: 100, port: 3, clientPort: 3 },
      ],
      want: { unique_dst_ports: 2, flows_per_min: 2, unique_dsts: 1 },
    },
    {
      name: 'everything expires after a quiet minute; only the newest sighting is left',
      seen: [...range(30).map((i) => ({ at: i * 0.1, port: 100 + i })), { at: 200, port: 9 }],
      want: { unique_dst_ports: 1, unique_dsts: 1, flows_per_min: 1, dst_port_entropy: 0 },
    },
    {
      name: 'entropy follows expiry: the scan ages out, the single-port traffic remains',
      seen: [
        ...range(64).map((i) => ({ at: i * 0.01, port: 1000 + i })),
        ...range(4).map((i) => ({ at: 61 + i, clientPort: 5000 + i, port: 443 })),
      ],
      want: { unique_dst_ports: 1, flows_per_min: 4, dst_port_entropy: 0 },
    },
    {
      name: 'cap: 5000 ports with a cap of 4096 reads exactly 4096 (saturated), evictions counted',
      seen: range(5000).map((i) => ({ at: i * 0.001, port: 1 + i })),
      want: { unique_dst_ports: 4096, flows_per_min: 4096, unique_dsts: 1, evictions: 2 * (5000 - 4096) },
    },
    {
      name: 'cap: counts stay exact below the cap',
      seen: range(10).map((i) => ({ at: i, port: 1 + i, server: `10.9.0.${i}` })),
      cap: 10,
      want: { unique_dst_ports: 10, unique_dsts: 10, flows_per_min: 10, evictions: 0 },
    },
    {
      name: 'cap: ports stay exact up to the cap even when connections saturate first',
      seen: range(30).map((i) => ({ at: i * 0.1, clientPort: 1000 + i, port: 1 + (i % 8) })),
      cap: 16,
      want: { unique_dst_ports: 8, flows_per_min: 16, dst_port_entropy: 300 },
    },
    {
      name: 'an out-of-order sighting inside the window counts (the window ends at the newest)',
      seen: [
        { at: 10, port: 1 },
        { at: 9.5, port: 2, clientPort: 2 },
        { at: 65, port: 3, clientPort: 3 },
      ],
      want: { unique_dst_ports: 3, flows_per_min: 3 },
    },
    {
      name: 'an out-of-order sighting lingers until the key in front of it expires (documented bound)',
      seen: [
        { at: 10, port: 1 },
        { at: 9.5, port: 2, clientPort: 2 },
        { at: 69.7, port: 3, clientPort: 3 },
      ],
      want: { unique_dst_ports: 3, flows_per_min: 3 },
    },
    {
      name: '… and goes with it',
      seen: [
        { at: 10, port: 1 },
        { at: 9.5, port: 2, clientPort: 2 },
        { at: 69.7, port: 3, clientPort: 3 },
        { at: 70.1, port: 3, clientPort: 3 },
      ],
      want: { unique_dst_ports: 1, flows_per_min: 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = run(c.seen, c.cap);
      expect(got).toMatchObject(c.want);
    });
  }
});
