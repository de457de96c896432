import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row of a Zeek TSV log, by column name. */
export type ZeekRow = Record<string, string>;

/**
 * The rows of the Zeek logs in one baseline folder whose names end with `suffix` (e.g.
 * "tunnel.log"), with the columns of their "#fields" header, or of a plain first line for logs that
 * went through zeek-cut. Null when the folder has no such log.
 */
export function zeekLogRows(dir: string, suffix: string): { columns: string[]; rows: ZeekRow[] } | null {
  const logs = readdirSync(dir).filter((n) => n.endsWith(suffix));
  if (logs.length === 0) return null;
  const rows: ZeekRow[] = [];
  let columns: string[] = [];
  for (const log of logs) {
    let fields: string[] | null = null;
    for (const line of readFileSync(join(dir, log), 'utf8').split('\n')) {
      if (line.startsWith('#fields')) fields = line.split('\t').slice(1);
      if (line.startsWith('#') || line.trim() === '') continue;
      if (fields === null) {
        fields = line.split('\t');
        continue;
      }
      const names = fields;
      rows.push(Object.fromEntries(line.split('\t').map((v, i) => [names[i], v])));
    }
    columns = fields ?? [];
  }
  return { columns, rows };
}

/**
 * Each capture of the shared Zeek baselines (../shared/fixtures/expected/zeek) whose folder yields
 * a value for `read`, in folder order; empty when the fixtures are absent.
 */
export function zeekBaselineCases<T>(
  fixtures: string | null,
  read: (dir: string) => T | null,
): Array<{ capture: string; zeek: T }> {
  const baselines = fixtures === null ? null : join(fixtures, 'expected', 'zeek');
  if (baselines === null || !existsSync(baselines)) return [];
  return readdirSync(baselines)
    .map((capture) => ({ capture, zeek: read(join(baselines, capture)) }))
    .filter((c): c is { capture: string; zeek: T } => c.zeek !== null);
}
