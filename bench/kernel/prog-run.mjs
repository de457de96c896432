// Nanoseconds per packet of each glia eBPF program, from BPF_PROG_TEST_RUN with repeat (the
// kernel's own timing of the program, JIT on), for a handshake packet (a SYN: a conn event each
// run), a mid-flow packet of an established, already reported flow (no event: parse, flow lookup,
// banned-edge lookups), the same inside VXLAN, and a non-IP frame (ARP). Empty programs give the
// floor. Usage: node bench/kernel/prog-run.mjs   (root; after npm run build)
import { fileURLToPath } from 'node:url';
import { TcxObserver } from '../../packages/capture-tcx/dist/index.js';
import { SynackRecorder } from '../../packages/capture-xdp/dist/index.js';
import { BpfObject, compileBpf, RingBufferReader } from '../../packages/libbpf/dist/index.js';
import { frames } from '../../packages/packet/dist/index.js';

const REPEAT = Number(process.env.REPEAT ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const { ethernet, ipv4, tcp, udp, vxlan } = frames;

const bytes = (n) => new Uint8Array(n).fill(0x61);
const client = (flags, payload) =>
  ethernet(
    0x0800,
    ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp({ sport: 40000, dport: 80, flags }, payload)),
  );
const server = (flags, payload) =>
  ethernet(
    0x0800,
    ipv4({ src: '10.0.0.2', dst: '10.0.0.1', proto: 6 }, tcp({ sport: 80, dport: 40000, flags }, payload)),
  );
const inVxlan = (frame) =>
  ethernet(
    0x0800,
    ipv4({ src: '192.168.0.1', dst: '192.168.0.2', proto: 17 }, udp(5555, 4789, vxlan(42, frame))),
  );
const arp = ethernet(0x0806, bytes(28));

const SYN = 0x02;
const ACK = 0x10;
const options = new Uint8Array([2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);
const syn = ethernet(
  0x0800,
  ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp({ sport: 40000, dport: 80, flags: SYN, options })),
);
const synack = ethernet(
  0x0800,
  ipv4(
    { src: '10.0.0.2', dst: '10.0.0.1', proto: 6 },
    tcp({ sport: 80, dport: 40000, flags: SYN | ACK, options }),
  ),
);
const midFlow = client(ACK, bytes(1400));

/** Best mean ns per run over ROUNDS runs of REPEAT repetitions. */
function measure(program, frame, repeat = REPEAT, drain) {
  let best = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    best = Math.min(best, program.testRun(Buffer.from(frame), { repeat }).durationNs);
    drain?.();
  }
  return best;
}

const rows = [];
const empty = BpfObject.open(compileBpf(fileURLToPath(new URL('./empty.bpf.c', import.meta.url)))).load();
rows.push(['empty sched_cls', 'any frame', measure(empty.program('empty_tc'), midFlow)]);
rows.push(['empty XDP', 'any frame', measure(empty.program('empty_xdp'), midFlow)]);

const observer = TcxObserver.load({ ringBytes: 64 << 20 });
const ring = new RingBufferReader(observer.events);
const drain = () => ring.consume();
// Establish both flows and report them once (banners, the first flow event) before timing.
for (const f of [syn, synack, client(ACK), client(ACK, bytes(100)), server(ACK, bytes(100)), midFlow]) {
  observer.ingress.testRun(Buffer.from(f));
  observer.ingress.testRun(Buffer.from(inVxlan(f)));
}
drain();
rows.push([
  'tcx observer',
  'handshake (SYN, conn event each run)',
  measure(observer.ingress, syn, 100_000, drain),
]);
rows.push(['tcx observer', 'mid-flow (1400 B payload, no event)', measure(observer.ingress, midFlow)]);
rows.push(['tcx observer', 'mid-flow inside VXLAN', measure(observer.ingress, inVxlan(midFlow))]);
rows.push(['tcx observer', 'non-IP (ARP)', measure(observer.ingress, arp)]);
const counters = observer.counters().ingress;
ring.close();
observer.close();

const recorder = SynackRecorder.load();
rows.push(['XDP SYN-ACK recorder', 'handshake (SYN-ACK, map update)', measure(recorder.program, synack)]);
rows.push(['XDP SYN-ACK recorder', 'mid-flow (1400 B payload)', measure(recorder.program, midFlow)]);
rows.push(['XDP SYN-ACK recorder', 'non-IP (ARP)', measure(recorder.program, arp)]);
recorder.close();
empty.close();

console.log(`| program | packet | ns per packet (best of ${ROUNDS} × ${REPEAT.toLocaleString('en')} runs) |`);
console.log('|---|---|---:|');
for (const [program, packet, ns] of rows) console.log(`| ${program} | ${packet} | ${ns} |`);
console.log(`\nobserver counters after the runs: ${JSON.stringify(counters)}`);
