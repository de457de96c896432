import type { NamespaceRunner } from './servers.js';
import { resolveIn } from './servers.js';

export interface ClientMixOptions {
  /** The server's address (web on 80 and 443, DNS on 53, sshd on 22: see servers.ts). */
  server: string;
  /** The name the TLS request sends as SNI (resolved to the server with curl --resolve). */
  tlsName: string;
  /** A name the server's DNS answers. */
  dnsName: string;
  /** Ports 1..scanPorts are SYN-scanned (nmap). */
  scanPorts: number;
}

/**
 * The kernel and capture tests' traffic, from the client namespace and bounded in count and time:
 * an HTTP request, an HTTPS request with SNI, a DNS lookup (checked), an SSH key exchange (no login
 * is possible: the banners and key exchange are what count) and a SYN scan. Returns the DNS answer.
 */
export function clientMix(pair: NamespaceRunner, client: string, o: ClientMixOptions): string {
  pair.exec(client, 'curl', ['-s', '-m', '5', `http://${o.server}/`]);
  pair.exec(client, 'curl', [
    '-sk',
    '-m',
    '5',
    '--resolve',
    `${o.tlsName}:443:${o.server}`,
    `https://${o.tlsName}/`,
  ]);
  const answer = resolveIn(pair, client, o.server, o.dnsName);
  try {
    pair.exec(client, 'ssh', [
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'ConnectTimeout=5',
      `glia@${o.server}`,
      'true',
    ]);
  } catch {
    // No login (no key, BatchMode).
  }
  pair.exec(client, 'nmap', ['-n', '-Pn', '-sS', '-p', `1-${o.scanPorts}`, '--max-retries', '0', o.server]);
  return answer;
}
