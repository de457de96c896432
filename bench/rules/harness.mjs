// What the rules benchmarks share: the observation an edge makes, and one timed run of a fresh
// PolicyStage over a population (bus dispatch, field resolution, the rules, dedup, verdicts).
import { Bus, CORE_FIELDS } from '@glia/core';

export const WANTED_FIELDS = ['identity.k8s.src_workload', 'identity.k8s.dst_workload', 'dns.fqdn'];

/** The observation of edge `client -> server:serverPort/tcp` at packet time i ms. */
export function observationOf(i, client, server, serverPort, phase) {
  const ts = BigInt(i) * 1_000_000n; // 1000 observations per ms of packet time
  return {
    ts,
    iface: 'cilium_vxlan',
    dir: 'ingress',
    phase,
    client,
    server,
    clientPort: 30000 + (i % 30000),
    serverPort,
    proto: 'tcp',
    event: {
      ts,
      iface: 'cilium_vxlan',
      dir: 'ingress',
      src: client,
      dst: server,
      sport: 30000,
      dport: serverPort,
      proto: 'tcp',
    },
    fields: new Map(),
  };
}

/**
 * A PolicyStage over a population, as an agent has one: `run(ms)` replays the observations for
 * about that long, a fresh Observation per event as the enrichment stage makes them, packet time
 * moving on with each pass so dedup windows roll over. Returns observations per second of wall
 * time and per CPU second (on a shared machine the wall clock also counts the time spent waiting
 * for a CPU; CPU time counts V8's compiler threads too).
 */
export class StageRun {
  constructor(PolicyStage, { rules, fields, observations }) {
    this.observations = observations;
    this.bus = new Bus();
    this.verdicts = 0;
    this.bus.subscribe('verdict', () => this.verdicts++);
    this.stage = new PolicyStage({
      bus: this.bus,
      fields: [...CORE_FIELDS, ...fields],
      wantedFields: WANTED_FIELDS,
      rules,
      enforce: true,
    });
    this.stage.start();
    this.round = 0n;
  }

  run(durationMs) {
    const { observations, bus } = this;
    const N = observations.length;
    const before = this.stage.counters();
    let n = 0;
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(durationMs) * 1_000_000n;
    let now = start;
    while (now < deadline) {
      const shift = this.round * 65_536_000_000n;
      for (let i = 0; i < N; i++) {
        const e = observations[i];
        bus.publish('observation', {
          ts: BigInt(i) * 1_000_000n + shift,
          iface: e.iface,
          dir: e.dir,
          phase: e.phase,
          client: e.client,
          server: e.server,
          clientPort: e.clientPort,
          serverPort: e.serverPort,
          proto: e.proto,
          event: e.event,
          fields: new Map(),
        });
      }
      n += N;
      this.round++;
      now = process.hrtime.bigint();
    }
    const elapsed = Number(now - start) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const after = this.stage.counters();
    const counters = {
      evaluated: after.evaluated - before.evaluated,
      verdicts: after.verdicts - before.verdicts,
      suppressed: after.suppressed - before.suppressed,
      errors: after.errors - before.errors,
      matched: Object.fromEntries(Object.entries(after.matched).map(([k, v]) => [k, v - before.matched[k]])),
    };
    return {
      rate: n / elapsed,
      cpuRate: n / ((cpu.user + cpu.system) / 1e6),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      counters,
    };
  }

  /** Runs until the stage has used `cpuMs` of CPU (V8 optimizing a new rule set's functions). */
  warmUp(cpuMs) {
    const first = this.run(500);
    let used = first.cpuSeconds * 1000;
    while (used < cpuMs) used += this.run(500).cpuSeconds * 1000;
    return first;
  }
}
