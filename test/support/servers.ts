import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputWatcher } from './glia.js';

/** What runs commands in namespaces: a VethPair or an OverlayLab. */
export interface NamespaceRunner {
  spawn(ns: string, command: string, args: string[]): ChildProcess;
  exec(ns: string, command: string, args: string[]): string;
}

/** A self-signed certificate and key for a TLS server (openssl), in dir. */
export function selfSignedCert(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/**
 * Node servers in a namespace: plain HTTP on `http` ports and HTTPS on `https` ports, each
 * answering after `delayMs` (so a test can act on a connection before its reply). Resolves once
 * all listen.
 */
export async function startWebServers(
  pair: NamespaceRunner,
  ns: string,
  address: string,
  options: { http?: number[]; https?: number[]; cert?: { cert: string; key: string }; delayMs?: number },
): Promise<ChildProcess> {
  const script = `
    const fs = require('fs'), http = require('http'), https = require('https');
    const delay = ${options.delayMs ?? 0};
    const answer = (req, res) => setTimeout(() => res.end('hello from ' + req.socket.localPort + '\\n'), delay);
    let open = 0;
    const up = () => { if (++open === ${(options.http ?? []).length + (options.https ?? []).length}) console.log('listening'); };
    for (const p of ${JSON.stringify(options.http ?? [])}) http.createServer(answer).listen(p, ${JSON.stringify(address)}, up);
    const tls = ${options.cert === undefined ? 'null' : `{ cert: fs.readFileSync(${JSON.stringify(options.cert.cert)}), key: fs.readFileSync(${JSON.stringify(options.cert.key)}) }`};
    for (const p of ${JSON.stringify(options.https ?? [])}) https.createServer(tls, answer).listen(p, ${JSON.stringify(address)}, up);
  `;
  const child = pair.spawn(ns, process.execPath, ['-e', script]);
  await new OutputWatcher(child.stdout!).waitFor(/^listening/, 15_000);
  return child;
}

/** dnsmasq answering `names` (name → address) on address:53, nothing else. */
export async function startDns(
  pair: NamespaceRunner,
  ns: string,
  address: string,
  names: Record<string, string>,
): Promise<ChildProcess> {
  const args = [
    '--no-daemon',
    '--no-resolv',
    '--no-hosts',
    '--bind-interfaces',
    `--listen-address=${address}`,
    '--port=53',
    '--log-queries',
  ];
  for (const [name, ip] of Object.entries(names)) args.push(`--host-record=${name},${ip}`);
  const child = pair.spawn(ns, 'dnsmasq', args);
  await new OutputWatcher(child.stderr!).waitFor(/started, version/, 15_000);
  return child;
}

/** sshd on address:22 with a fresh host key (logins are not the point: the banner and kex are). */
export async function startSshd(
  pair: NamespaceRunner,
  ns: string,
  address: string,
  dir: string,
): Promise<ChildProcess> {
  const key = join(dir, 'ssh_host_ed25519_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'ignore' });
  mkdirSync('/run/sshd', { recursive: true });
  const config = join(dir, 'sshd_config');
  writeFileSync(config, `ListenAddress ${address}\nHostKey ${key}\nPidFile none\nUsePAM no\n`);
  const child = pair.spawn(ns, '/usr/sbin/sshd', ['-D', '-e', '-f', config]);
  await new OutputWatcher(child.stderr!).waitFor(/Server listening/, 15_000);
  return child;
}

/** Resolves a name through a given DNS server, from inside a namespace (node's resolver). */
export function resolveIn(pair: NamespaceRunner, ns: string, server: string, name: string): string {
  return pair
    .exec(ns, process.execPath, [
      '-e',
      `const r = new (require('dns').promises.Resolver)(); r.setServers([${JSON.stringify(server)}]); r.resolve4(${JSON.stringify(name)}).then((a) => console.log(a.join(',')), (e) => { console.log('error ' + e.code); });`,
    ])
    .trim();
}
