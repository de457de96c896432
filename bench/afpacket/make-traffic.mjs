// Writes the af_packet benchmark's traffic. "web": TCP flows shaped like request/response exchanges
// (SYN, SYN-ACK, ACK, a request with PSH, a 10-segment response of 1448-byte segments whose last
// has PSH, the client's ACKs, FIN both ways), 22 packets per flow. "scan": SYN, SYN-ACK, RST per
// flow, 60-byte frames: the most packets per second and every one of them an event. Random
// sequence numbers. Usage:
//   node bench/afpacket/make-traffic.mjs OUT.pcap web|scan [FLOWS]
import { writeFileSync } from 'node:fs';
import { frames, pcapFile } from '@glia/packet';
import { seededRandom } from '@glia/core/testing';

const [out, shape = 'web', flowsArg] = process.argv.slice(2);
const FLOWS = Number(flowsArg ?? 4000);
const { ethernet, ipv4, tcp } = frames;
const random = seededRandom(7);
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;
const records = [];
let ts = 1_700_000_000_000_000_000n;
const request = new Uint8Array(200).fill(0x41);
const segment = new Uint8Array(1448).fill(0x42);
for (let f = 0; f < FLOWS; f++) {
  const client = `10.90.${(f >> 8) & 255}.${f & 255 || 1}`;
  const server = '10.91.0.1';
  const sport = 20000 + (f % 40000);
  let cseq = Math.floor(random() * 0xffffffff);
  let sseq = Math.floor(random() * 0xffffffff);
  const c = (flags, payload) => {
    const frame = ethernet(
      0x0800,
      ipv4(
        { src: client, dst: server, proto: 6 },
        tcp({ sport, dport: 80, flags, seq: cseq >>> 0, ack: sseq >>> 0 }, payload),
      ),
    );
    cseq += payload?.length ?? ((flags & (SYN | FIN)) !== 0 ? 1 : 0);
    records.push({ frame, ts: (ts += 1000n) });
  };
  const s = (flags, payload) => {
    const frame = ethernet(
      0x0800,
      ipv4(
        { src: server, dst: client, proto: 6 },
        tcp({ sport: 80, dport: sport, flags, seq: sseq >>> 0, ack: cseq >>> 0 }, payload),
      ),
    );
    sseq += payload?.length ?? ((flags & (SYN | FIN)) !== 0 ? 1 : 0);
    records.push({ frame, ts: (ts += 1000n) });
  };
  c(SYN);
  s(SYN | ACK);
  if (shape === 'scan') {
    c(0x04);
    continue;
  }
  c(ACK);
  c(PSH | ACK, request);
  for (let i = 0; i < 10; i++) {
    s(i === 9 ? PSH | ACK : ACK, segment);
    if (i % 2 === 1) c(ACK);
  }
  c(FIN | ACK);
  s(FIN | ACK);
  c(ACK);
}
writeFileSync(out, pcapFile(records, { linkType: 1 }));
process.stdout.write(`${records.length} packets, ${FLOWS} flows\n`);
