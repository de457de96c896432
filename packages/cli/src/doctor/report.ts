import type { DoctorReport } from './host-checks.js';

/** The report as the table an operator reads first on a host of a mixed fleet. */
export function formatDoctor(report: DoctorReport): string {
  const rows: string[][] = report.checks.map((c) => [c.check, c.ok ? 'yes' : 'NO', c.detail]);
  const width = (i: number): number => Math.max(...rows.map((r) => r[i].length), i === 0 ? 5 : 6);
  const line = (r: string[]): string => `${r[0].padEnd(width(0))}  ${r[1].padEnd(width(1))}  ${r[2]}`;
  const out = [line(['CHECK', 'RESULT', 'DETAIL']), ...rows.map(line), ''];
  out.push('observe.mode auto:');
  for (const r of report.ladder) {
    const why =
      r.outcome === 'refused'
        ? `: ${r.reason ?? ''}`
        : r.outcome === 'untried'
          ? ' (a better rung was chosen)'
          : '';
    out.push(`  ${r.rung.padEnd(9)} ${r.outcome}${why}`);
  }
  out.push(
    report.backend === null
      ? 'auto would find no live capture backend on this host'
      : `auto would choose: ${report.backend}`,
  );
  return out.join('\n') + '\n';
}
