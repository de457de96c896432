// The capture side of the af_packet benchmark: runs the af_packet plugin on one device (in this
// network namespace) with subscribers that only count events. Prints "ready" once capturing;
// SIGUSR2 marks the start of a measurement, SIGTERM ends it and prints one JSON line: packets
// handed to the event logic, pcap_stats deltas, events, and this process's CPU time in between.
//   node bench/afpacket/capture.mjs DEVICE '{"filter":"events"}'
import 'reflect-metadata';
import { container } from 'tsyringe';
import { Bus, MemoryBudget, MetricsRegistry, WallClock, silentLogger } from '@glia/core';
import { CAPTURE_TOPICS } from '@glia/packet';
import factory from '@glia/capture-afpacket';

const [device, configText = '{}'] = process.argv.slice(2);
const bus = new Bus();
let events = 0;
for (const topic of CAPTURE_TOPICS) bus.subscribe(topic, () => events++);
const capture = factory.create(
  {
    name: 'bench',
    bus,
    clock: new WallClock(),
    logger: silentLogger(),
    metrics: new MetricsRegistry(),
    network: { home_net: [], pod_nets: [], never_ban: [] },
    agentId: 'bench',
    container: container.createChildContainer(),
    baseDir: process.cwd(),
    memory: new MemoryBudget(),
  },
  { interfaces: [device], ...JSON.parse(configText) },
);
const counters = () => capture.stats().devices[device]?.counters ?? { packets: 0, received: 0, dropped: 0 };
capture.start();
const waitReady = setInterval(() => {
  if (capture.health().state === 'ok') {
    clearInterval(waitReady);
    process.stdout.write('ready\n');
  }
}, 20);
let mark = null;
process.on('SIGUSR2', () => {
  mark = { cpu: process.cpuUsage(), at: process.hrtime.bigint(), c: counters(), events };
});
process.on('SIGTERM', () => {
  const c = counters();
  const cpu = process.cpuUsage(mark?.cpu);
  const m = mark ?? { at: process.hrtime.bigint(), c: { packets: 0, received: 0, dropped: 0 }, events: 0 };
  process.stdout.write(
    JSON.stringify({
      packets: c.packets - m.c.packets,
      received: c.received - m.c.received,
      dropped: c.dropped - m.c.dropped,
      events: events - m.events,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: Number(process.hrtime.bigint() - m.at) / 1e6,
    }) + '\n',
  );
  capture.stop();
  process.exit(0);
});
