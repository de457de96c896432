#!/usr/bin/env node
// Decode + capture-event logic over a capture file, without the agent: the reader and
// CaptureEventLogic of @glia/packet (built: npx tsc -b packages/packet). Prints one JSON line
// with packets, seconds (wall and CPU, without Node start-up), packets/s, events and peak RSS.
import { readCaptureFile, CaptureEventLogic } from '../../packages/packet/dist/index.js';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: replay-direct.mjs CAPTURE');
  process.exit(2);
}
let events = 0;
const logic = new CaptureEventLogic(() => {
  events++;
});
let packets = 0;
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
await readCaptureFile(file, (r) => {
  packets++;
  logic.handleFrame(r.data, r.offset, r.caplen, r.linkType, r.sec, r.nsec, 'pcap0', 'ingress');
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuStart);
console.log(
  JSON.stringify({
    packets,
    seconds: Number(seconds.toFixed(3)),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
    pps: Math.round(packets / seconds),
    events,
    undecodable: logic.decoder.counters.undecodableByReason(),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
