// Test traffic between two network namespaces, bounded in count and time. Run in the server
// namespace as `node traffic.mjs serve ADDR...` (TCP servers on ports 8080, 2222, 8443, a UDP sink
// on 4433), and in the client namespace as `node traffic.mjs client ADDR DNS_SERVER NAME...`: HTTP
// requests, a server-first banner, a TLS ClientHello with SNI, DNS lookups of each NAME, UDP
// datagrams. Exits when done.
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import tls from 'node:tls';

const [mode, ...args] = process.argv.slice(2);
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

if (mode === 'serve') {
  for (const host of args) {
    createServer((s) => {
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
    }).listen(8080, host);
    createServer((s) => {
      s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
      s.once('data', () => s.end());
    }).listen(2222, host);
    // Reads the ClientHello and hangs up: enough for the capture events, no certificate needed.
    createServer((s) => s.once('data', () => s.destroy())).listen(8443, host);
    createSocket(host.includes(':') ? 'udp6' : 'udp4').bind(4433, host);
  }
  process.stdout.write('serving\n');
} else if (mode === 'client') {
  const [host, dnsServer, ...names] = args;
  const tcp = (port, send, waitFirst = false) =>
    new Promise((resolve) => {
      const s = connect({ host, port });
      const done = () => {
        s.destroy();
        resolve();
      };
      s.setTimeout(3000, done);
      s.on('error', done);
      s.on('close', resolve);
      if (waitFirst) s.once('data', () => s.end(send));
      else s.once('connect', () => s.write(send));
      s.on('data', () => undefined);
    });
  for (let i = 0; i < 3; i++) {
    await tcp(8080, `GET /item/${i} HTTP/1.1\r\nhost: svc.example.test\r\n\r\n`);
    await pause(50);
  }
  await tcp(2222, 'SSH-2.0-glia-test\r\n', true);
  await pause(50);
  await new Promise((resolve) => {
    const s = tls.connect({ host, port: 8443, servername: 'secure.example.test', rejectUnauthorized: false });
    s.on('error', resolve);
    s.on('close', resolve);
    s.setTimeout(3000, () => s.destroy());
  });
  await pause(50);
  if (dnsServer !== '-') {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([dnsServer]);
    for (const name of names) {
      await resolver.resolve4(name).catch(() => undefined);
      await pause(20);
    }
  }
  const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => udp.send(Buffer.from(`datagram ${i}`), 4433, host, r));
    await pause(10);
  }
  udp.close();
  process.stdout.write('done\n');
} else {
  process.stderr.write('usage: traffic.mjs serve ADDR... | client ADDR DNS_SERVER NAME...\n');
  process.exit(2);
}
