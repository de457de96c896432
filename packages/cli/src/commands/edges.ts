import { ExitCode, errorMessage } from '@glia/core';

interface EdgeRow {
  client: string;
  server: string;
  port: number;
  proto: string;
  rule_ids: string[];
  installed: boolean;
  expires: string;
  remaining_s: number;
}

async function call(
  url: string,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(path, url), init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a plain-text answer (e.g. 404 from an agent without the enforcement sink)
  }
  return { status: response.status, body };
}

function unreachable(what: string, url: string, error: unknown): number {
  process.stderr.write(
    `glia edges ${what}: cannot reach ${url}: ${errorMessage(error)} (is admin.listen set?)\n`,
  );
  return ExitCode.runtimeFailure;
}

const NO_SINK = 'the agent has no enforcement sink (add `{ plugin: enforcement }` to its sinks)';

/** `glia edges list`: the bans a running agent holds (from its admin endpoint's /edges). */
export async function edgesListCommand(options: { url: string; json?: boolean }): Promise<number> {
  let r;
  try {
    r = await call(options.url, '/edges');
  } catch (error) {
    return unreachable('list', options.url, error);
  }
  if (r.status === 404) {
    process.stderr.write(`glia edges list: ${NO_SINK}\n`);
    return ExitCode.runtimeFailure;
  }
  const body = r.body as { backends: string[]; edges: EdgeRow[] };
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(body)}\n`);
    return ExitCode.ok;
  }
  const backends = body.backends.length === 0 ? 'none (would-drops only)' : body.backends.join(', ');
  process.stdout.write(`kernel backends: ${backends}\n`);
  for (const e of body.edges) {
    const edge = `${e.client} -> ${e.server}:${e.port}/${e.proto}`;
    const state = e.installed ? 'banned' : 'would-drop';
    process.stdout.write(
      `${edge.padEnd(48)} ${state.padEnd(10)} ${String(e.remaining_s).padStart(6)}s  ${e.rule_ids.join(',')}\n`,
    );
  }
  if (body.edges.length === 0) process.stdout.write('no banned edges\n');
  return ExitCode.ok;
}

/** `glia edges unban CLIENT SERVER PORT`: lifts a ban before its expiry. */
export async function edgesUnbanCommand(
  client: string,
  server: string,
  port: string,
  options: { url: string; proto: string },
): Promise<number> {
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`glia edges unban: port ${JSON.stringify(port)} is not an integer 0..65535\n`);
    return ExitCode.badInput;
  }
  let r;
  try {
    r = await call(options.url, '/edges/unban', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client, server, port: n, proto: options.proto }),
    });
  } catch (error) {
    return unreachable('unban', options.url, error);
  }
  const edge = `${client} -> ${server}:${n}/${options.proto}`;
  if (r.status === 200) {
    process.stdout.write(`unbanned ${edge}\n`);
    return ExitCode.ok;
  }
  const reason =
    r.status === 404 && typeof r.body === 'string'
      ? NO_SINK
      : ((r.body as { error?: string }).error ?? `HTTP ${r.status}`);
  process.stderr.write(`glia edges unban ${edge}: ${reason}\n`);
  return r.status === 400 ? ExitCode.badInput : ExitCode.runtimeFailure;
}
