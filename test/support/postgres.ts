import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.GLIA_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  /** postgres://glia@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** A fresh empty database on this server; returns its URL. */
  createDatabase(name: string): string;
  stop(): void;
}

/**
 * Whether Debian's PostgreSQL server binaries are installed. Missing: a loud skip outside CI, an
 * error under CI (.ci/run installs the `postgresql` package).
 */
export function hasPostgres(): boolean {
  const found = existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
  if (!found && process.env.CI === 'true')
    throw new Error(`PostgreSQL is not installed at ${BIN}; .ci/run must install it`);
  if (!found)
    console.warn(`SKIPPING PostgreSQL tests: no initdb/pg_ctl in ${BIN} (apt-get install postgresql)`);
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway PostgreSQL server in a temporary directory on a free loopback port (no TCP on
 * other addresses, its socket in that directory). PostgreSQL refuses to run as root, so as root it
 * runs as the `postgres` system user. Trust authentication: it only ever listens on 127.0.0.1.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'glia-pg-'));
  const asRoot = userInfo().uid === 0;
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(BIN, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(BIN, tool), ...args] : args;
    const r = spawnSync(command, argv, { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) {
      const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
      throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}\n${log}`);
    }
  };
  if (asRoot) {
    const pg = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const group = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(pg), Number(group));
  }
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'glia', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const url = `postgres://glia@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    createDatabase(name: string): string {
      run('psql', [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'glia',
        '-d',
        'postgres',
        '-c',
        `CREATE DATABASE "${name}"`,
      ]);
      return `postgres://glia@127.0.0.1:${port}/${name}`;
    },
    stop(): void {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
