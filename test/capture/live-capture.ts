import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { observationOf, type ConnEvent, type FlowEvent } from '@glia/core';
import { repoRoot } from '@glia/core/testing';
import { OutputWatcher } from '../support/glia.js';
import type { VethPair } from '../support/netns.js';

/** The support scripts the namespaces run (built code: `npm run build` first). */
export const LIVE_EVENTS = join(repoRoot(), 'test/support/live-events.mjs');
export const TRAFFIC = join(repoRoot(), 'test/support/traffic.mjs');

export interface EventLine {
  topic: string;
  [key: string]: unknown;
}

/** A running af_packet plugin in a namespace: its events (stdout) and its health lines (stderr). */
export class LiveCapture {
  readonly child: ChildProcess;
  readonly stderr: OutputWatcher;
  private stdout = '';

  constructor(pair: VethPair, ns: string, config: Record<string, unknown>) {
    this.child = pair.spawn(ns, process.execPath, [LIVE_EVENTS, JSON.stringify(config)]);
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.stderr = new OutputWatcher(this.child.stderr as NodeJS.ReadableStream);
  }

  /** Resolves when health is ok (every device captured). */
  async ready(timeoutMs = 15_000): Promise<void> {
    await this.stderr.waitFor(/"health":\{"state":"ok"/, timeoutMs);
  }

  events(): EventLine[] {
    return this.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as EventLine);
  }

  /** Stops the plugin (SIGTERM) and returns its final stats line. */
  async stop(): Promise<{ final: Record<string, unknown>; metrics: string }> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
    const line = this.stderr.text.split('\n').find((l) => l.startsWith('{"final"'));
    if (line === undefined) throw new Error(`no final stats; stderr:\n${this.stderr.text}`);
    return JSON.parse(line) as { final: Record<string, unknown>; metrics: string };
  }
}

/** An event as text without what differs by nature between a live capture and a replay (time, direction). */
export function comparable(e: EventLine): string {
  const { ts: _ts, dir: _dir, ...rest } = e;
  return JSON.stringify(rest);
}

export function sorted(events: EventLine[], keep: (e: EventLine) => boolean = () => true): string[] {
  return events.filter(keep).map(comparable).sort();
}

/** The edges the events make (client → server:port/proto), as core's enrichment stage derives them. */
export function edges(events: EventLine[]): string[] {
  const out = new Set<string>();
  for (const e of events) {
    if (e.topic !== 'conn' && e.topic !== 'flow') continue;
    const phase = e.topic === 'conn' ? (e.phase as 'syn' | 'synack') : 'flow';
    const o = observationOf(e as unknown as ConnEvent | FlowEvent, phase);
    out.add(`${o.client} > ${o.server}:${o.serverPort}/${o.proto}`);
  }
  return [...out].sort();
}
