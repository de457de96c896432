import { canRunKernelTests, TcAction } from '@glia/libbpf';
import { frames } from '@glia/packet';
import { afterEach, describe, expect, it } from 'vitest';
import { BannedEdgesMap } from './banned-edges.js';
import { TcxObserver } from './observer.js';
import { ObserverTestRun } from './test-run.js';

const kernel = canRunKernelTests(['bpf', 'ringbuf']);
const { ethernet, ipv4, tcp, udp, vxlan } = frames;

const packet = (src: string, dst: string, sport: number, dport: number, flags = 0x10): Uint8Array =>
  ethernet(0x0800, ipv4({ src, dst, proto: 6 }, tcp({ sport, dport, flags })));

describe.skipIf(!kernel)('banned_edges: the observer drops an edge in both directions until expiry', () => {
  let observer: TcxObserver | null = null;
  let run: ObserverTestRun | null = null;
  afterEach(() => {
    run?.close();
    observer?.close();
  });

  it('shoots the banned edge only, both ways, and lets it through again once expired or removed', async () => {
    observer = TcxObserver.load({ packetTime: true });
    run = new ObserverTestRun(observer);
    const bans = new BannedEdgesMap('test', observer.bannedEdges, observer.bansInUse);
    const verdict = (frame: Uint8Array): number => run!.run(frame, 1n).retval;
    const edge = { client: '10.0.0.1', server: '10.0.0.2', port: 5432, proto: 'tcp' as const };
    bans.install(edge, 200);
    expect(verdict(packet('10.0.0.1', '10.0.0.2', 40000, 5432, 0x02))).toBe(TcAction.SHOT);
    expect(verdict(packet('10.0.0.2', '10.0.0.1', 5432, 40000, 0x12))).toBe(TcAction.SHOT);
    // Other edges of the same workloads: another port, the reverse roles, another client.
    expect(verdict(packet('10.0.0.1', '10.0.0.2', 40000, 80))).toBe(TcAction.UNSPEC);
    expect(verdict(packet('10.0.0.2', '10.0.0.1', 40000, 5432))).toBe(TcAction.UNSPEC);
    expect(verdict(packet('10.0.0.3', '10.0.0.2', 40000, 5432))).toBe(TcAction.UNSPEC);
    // UDP to the same port is another edge.
    expect(
      verdict(
        ethernet(
          0x0800,
          ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }, udp(1, 5432, new Uint8Array(0))),
        ),
      ),
    ).toBe(TcAction.UNSPEC);
    // Inside a VXLAN overlay the inner packet is what counts.
    const inner = packet('10.0.0.1', '10.0.0.2', 40001, 5432);
    const outer = ethernet(
      0x0800,
      ipv4({ src: '192.168.0.1', dst: '192.168.0.2', proto: 17 }, udp(5555, 4789, vxlan(7, inner))),
    );
    expect(verdict(outer)).toBe(TcAction.SHOT);
    expect(observer.counters().ingress.shot).toBe(3);
    await new Promise((r) => setTimeout(r, 250));
    expect(verdict(packet('10.0.0.1', '10.0.0.2', 40000, 5432))).toBe(TcAction.UNSPEC);
    bans.install(edge, 60_000);
    expect(verdict(packet('10.0.0.1', '10.0.0.2', 40000, 5432))).toBe(TcAction.SHOT);
    expect(bans.remove(edge)).toBe(true);
    expect(bans.remove(edge)).toBe(false);
    expect(verdict(packet('10.0.0.1', '10.0.0.2', 40000, 5432))).toBe(TcAction.UNSPEC);
    expect(bans.size()).toBe(0);
  });
});
