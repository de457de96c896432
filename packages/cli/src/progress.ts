import { statSync } from 'node:fs';
import type { PcapReplayStats } from '@glia/capture-pcap';
import type { Agent, MetricsRegistry } from '@glia/core';

/** The running replay's counters (the pcap capture plugin's stats()), if there is one. */
export function replayStats(agent: Agent): PcapReplayStats | null {
  for (const { plugin, instance } of agent.plugins()) {
    if (plugin.factory.type !== 'pcap') continue;
    const stats = (instance as { stats?: () => PcapReplayStats }).stats?.();
    if (stats !== undefined) return stats;
  }
  return null;
}

/** One line for stderr at the end of a replay: what was read, what it made, what was not decodable. */
export function replaySummary(s: PcapReplayStats): string {
  const pairs = (r: Record<string, number | undefined>): string =>
    Object.entries(r)
      .filter(([, n]) => (n ?? 0) > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const files = s.files === 1 ? '1 file' : `${s.files} files`;
  const truncated = s.truncatedRecords > 0 ? `; ${s.truncatedRecords} truncated records` : '';
  const oversize = s.oversizeRecords > 0 ? `; ${s.oversizeRecords} records over 256 KiB skipped` : '';
  const damaged = s.damagedFiles > 0 ? `; ${s.damagedFiles} damaged (read up to the damage)` : '';
  return `replayed ${files}: ${s.packets} packets, ${s.bytes} bytes; events: ${pairs(s.events)}; undecodable: ${pairs(s.undecodable)}; not TCP/UDP: ${pairs(s.ignored)}${truncated}${oversize}${damaged}`;
}

/**
 * What the bounded stores forgot at their caps (every `*_evictions_total` metric, summed over
 * plugins, by table where a metric has one): "evictions: pcap_flow 120, flow_source 3" or
 * "evictions: none". The caps come from `limits.memory_mb` unless the config sets them.
 */
export function evictionSummary(metrics: MetricsRegistry): string {
  const totals = new Map<string, number>();
  for (const s of metrics.samples()) {
    const m = /^glia_(.+)_evictions_total$/.exec(s.name);
    if (m === null) continue;
    const qualifier = s.labels.table ?? s.labels.reason;
    const key = qualifier === undefined ? m[1] : `${m[1]}_${qualifier}`;
    totals.set(key, (totals.get(key) ?? 0) + s.value);
  }
  const parts = [...totals].filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return `evictions: ${parts.length > 0 ? parts.join(', ') : 'none'}`;
}

const RECORD_HEADER_BYTES = 16;

/**
 * A one-line progress bar on stderr for long replays, shown only on a terminal. The fraction is
 * estimated from frame bytes plus record headers over the files' sizes (exact for pcap, close for
 * pcapng); for gzip files only the counts are shown.
 */
export class ReplayProgress {
  private timer: NodeJS.Timeout | null = null;
  private readonly started = Date.now();
  private readonly totalBytes: number | null;

  constructor(
    private readonly agent: Agent,
    files: readonly string[],
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    let total = 0;
    let measurable = true;
    for (const f of files) {
      try {
        const st = statSync(f);
        if (!st.isFile() || /\.gz$/i.test(f)) measurable = false;
        else total += st.size;
      } catch {
        measurable = false;
      }
    }
    this.totalBytes = measurable && total > 0 ? total : null;
  }

  start(): void {
    if (!this.out.isTTY) return;
    this.timer = setInterval(() => this.render(), 250);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.render();
    this.out.write('\n');
  }

  private render(): void {
    const s = replayStats(this.agent);
    if (s === null) return;
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const rate = `${formatCount(s.packets / seconds)} pkt/s`;
    let bar = '';
    if (this.totalBytes !== null) {
      const fraction = Math.min(1, (s.bytes + s.packets * RECORD_HEADER_BYTES) / this.totalBytes);
      const width = 30;
      const filled = Math.round(fraction * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
    }
    this.out.write(`\r${bar}${formatCount(s.packets)} packets  ${rate}  `);
  }
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}
