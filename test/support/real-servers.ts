import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VethPair } from './netns.js';

/**
 * Real servers (Debian's own daemons) started as children inside a test namespace, each with its
 * own config in a temp dir and listening only on the namespace's address. close() on the pair
 * ends them.
 */
export interface RealServer {
  name: string;
  port: number;
}

export const REAL_SERVER_PACKAGES = [
  'openssh-server',
  'nginx-light',
  'redis-server',
  'dnsmasq',
  'vsftpd',
  'postgresql',
];

export function startOpenSsh(pair: VethPair, ns: string, addr: string, dir: string): RealServer {
  const key = join(dir, 'ssh_host_ed25519_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  mkdirSync('/run/sshd', { recursive: true });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port 22`,
      `ListenAddress ${addr}`,
      `HostKey ${key}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      '',
    ].join('\n'),
  );
  pair.spawn(ns, '/usr/sbin/sshd', ['-D', '-e', '-f', config]);
  return { name: 'openssh', port: 22 };
}

export function startNginx(pair: VethPair, ns: string, addr: string, dir: string): RealServer {
  const conf = join(dir, 'nginx.conf');
  const tmp = join(dir, 'nginx-tmp');
  mkdirSync(tmp, { recursive: true });
  writeFileSync(
    conf,
    `daemon off; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'nginx-error.log')};
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${tmp}; proxy_temp_path ${tmp}; fastcgi_temp_path ${tmp}; uwsgi_temp_path ${tmp}; scgi_temp_path ${tmp};
  server { listen ${addr}:80; location / { return 200 "glia test page\\n"; } }
}
`,
  );
  pair.spawn(ns, '/usr/sbin/nginx', ['-c', conf, '-p', dir]);
  return { name: 'nginx', port: 80 };
}

export function startRedis(pair: VethPair, ns: string, addr: string, dir: string): RealServer {
  pair.spawn(ns, 'redis-server', [
    '--port',
    '6379',
    '--bind',
    addr,
    '--protected-mode',
    'no',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ]);
  return { name: 'redis', port: 6379 };
}

export function startDnsmasq(pair: VethPair, ns: string, addr: string, dir: string): RealServer {
  pair.spawn(ns, '/usr/sbin/dnsmasq', [
    '-k',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--bind-interfaces',
    `--listen-address=${addr}`,
    '--port=53',
    '--address=/glia.test/192.0.2.7',
    `--pid-file=${join(dir, 'dnsmasq.pid')}`,
  ]);
  return { name: 'dnsmasq', port: 53 };
}

export function startVsftpd(pair: VethPair, ns: string, addr: string, dir: string): RealServer {
  const empty = join(dir, 'vsftpd-empty');
  mkdirSync(empty, { recursive: true });
  chmodSync(empty, 0o555);
  const conf = join(dir, 'vsftpd.conf');
  writeFileSync(
    conf,
    [
      'listen=YES',
      'listen_ipv6=NO',
      `listen_address=${addr}`,
      'listen_port=21',
      'background=NO',
      'anonymous_enable=YES',
      'local_enable=NO',
      'write_enable=NO',
      `anon_root=${empty}`,
      `secure_chroot_dir=${empty}`,
      'seccomp_sandbox=NO',
      '',
    ].join('\n'),
  );
  pair.spawn(ns, '/usr/sbin/vsftpd', [conf]);
  return { name: 'vsftpd', port: 21 };
}

/** PostgreSQL refuses to run as root: initdb and the server run as the `postgres` user. */
export function startPostgres(pair: VethPair, ns: string, addr: string, dir: string): RealServer {
  const bin = postgresBin();
  const data = join(dir, 'pg');
  const sockets = join(dir, 'pg-sock');
  mkdirSync(data, { recursive: true });
  mkdirSync(sockets, { recursive: true });
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chmodSync(dir, 0o755);
  chownSync(data, uid, gid);
  chownSync(sockets, uid, gid);
  execFileSync(
    'runuser',
    ['-u', 'postgres', '--', join(bin, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres'],
    {
      stdio: 'ignore',
    },
  );
  pair.spawn(ns, 'runuser', [
    '-u',
    'postgres',
    '--',
    join(bin, 'postgres'),
    '-D',
    data,
    '-c',
    `listen_addresses=${addr}`,
    '-c',
    `unix_socket_directories=${sockets}`,
    '-p',
    '5432',
  ]);
  return { name: 'postgresql', port: 5432 };
}

function postgresBin(): string {
  const out = spawnSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], {
    encoding: 'utf8',
  });
  return out.stdout.trim();
}

/** Waits until every port listens on TCP inside the namespace. */
export async function waitListening(
  pair: VethPair,
  ns: string,
  ports: readonly number[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = pair.exec(ns, 'ss', ['-Hltn']);
    const missing = ports.filter((p) => !new RegExp(`:${p}\\s`).test(out));
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`servers not listening on ${missing.join(', ')} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
