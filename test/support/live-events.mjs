// Runs the af_packet capture plugin in this process (and so in this network namespace) and prints
// every capture event as one JSON line on stdout; on stderr one JSON line per health change and a
// last line {"final": stats} after SIGTERM. Usage: node live-events.mjs '<af_packet config JSON>'
// Needs the build (packages/*/dist): end-to-end tests run built code.
import 'reflect-metadata';
import { container } from 'tsyringe';
import { Bus, MemoryBudget, MetricsRegistry, WallClock, silentLogger } from '@glia/core';
import { CAPTURE_TOPICS, eventToJson } from '@glia/packet';
import factory from '@glia/capture-afpacket';

const config = JSON.parse(process.argv[2] ?? '{}');
const bus = new Bus();
const metrics = new MetricsRegistry();
const capture = factory.create(
  {
    name: 'observe',
    bus,
    clock: new WallClock(),
    logger: silentLogger(),
    metrics,
    network: { home_net: [], pod_nets: [], never_ban: [] },
    agentId: 'test',
    container: container.createChildContainer(),
    baseDir: process.cwd(),
    memory: new MemoryBudget(),
  },
  config,
);
const out = [];
for (const topic of CAPTURE_TOPICS) bus.subscribe(topic, (e) => out.push(eventToJson(e, topic)));
const flush = () => {
  if (out.length > 0) process.stdout.write(out.splice(0).join('\n') + '\n');
};
let last = '';
const report = () => {
  flush();
  const h = capture.health();
  const text = JSON.stringify({ health: h, stats: capture.stats() });
  if (h.state + (h.reason ?? '') !== last) {
    last = h.state + (h.reason ?? '');
    process.stderr.write(text + '\n');
  }
};
await capture.start();
report();
const timer = setInterval(report, 100);
process.once('SIGTERM', async () => {
  clearInterval(timer);
  flush();
  await capture.stop();
  process.stderr.write(JSON.stringify({ final: capture.stats(), metrics: metrics.render() }) + '\n');
  process.exit(0);
});
