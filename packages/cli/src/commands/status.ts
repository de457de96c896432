import { ExitCode, describeChoice, errorMessage, type ObserveChoice, type PluginStatus } from '@glia/core';

interface StatusBody {
  observe?: ObserveChoice;
  plugins: PluginStatus[];
}

/** "conn=10 banner=9": a counter map on one line, zeros left out (all zero: "0"). */
function counters(map: Record<string, number> | undefined): string {
  if (map === undefined) return '-';
  const nonzero = Object.entries(map).filter(([, v]) => v !== 0);
  return nonzero.length === 0 ? '0' : nonzero.map(([k, v]) => `${k}=${v}`).join(' ');
}

/** The status as a table: the observe backend first, then one row per plugin. */
export function formatStatus(body: StatusBody): string {
  const out: string[] = [];
  if (body.observe !== undefined) out.push(describeChoice(body.observe), '');
  const rows = body.plugins.map((p) => [
    p.kind,
    p.name,
    p.health.state,
    counters(p.details?.events),
    counters(p.details?.drops),
    p.health.reason ?? '',
  ]);
  const head = ['KIND', 'NAME', 'STATE', 'EVENTS', 'DROPS', 'REASON'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c))
      .join('  ')
      .trimEnd();
  out.push(line(head), ...rows.map(line));
  return out.join('\n') + '\n';
}

/** `glia status`: asks a running agent's admin endpoint for plugin health, counters and the observe backend. */
export async function statusCommand(options: { url: string; json?: boolean }): Promise<number> {
  let body: StatusBody;
  try {
    const response = await fetch(new URL('/status', options.url));
    body = (await response.json()) as StatusBody;
  } catch (error) {
    process.stderr.write(
      `glia status: cannot reach ${options.url}: ${errorMessage(error)} (is admin.listen set?)\n`,
    );
    return ExitCode.runtimeFailure;
  }
  process.stdout.write(options.json === true ? `${JSON.stringify(body, null, 2)}\n` : formatStatus(body));
  return body.plugins.some((p) => p.health.state === 'failed') ? ExitCode.runtimeFailure : ExitCode.ok;
}
