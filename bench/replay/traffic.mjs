#!/usr/bin/env node
// Real client traffic against the bench services at 10.99.0.1 (run inside the client namespace):
// HTTP GETs (nginx), SSH banner exchanges (openssh), DNS queries (dnsmasq). Redis load comes from
// redis-benchmark in run.sh.
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';

const SERVER = '10.99.0.1';
const [httpN, sshN, dnsN] = process.argv.slice(2).map(Number);

async function pool(n, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const get = (i) =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: SERVER, port: 80, path: `/?i=${i}`, agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
  });

const ssh = () =>
  new Promise((resolve) => {
    const s = net.connect(22, SERVER);
    s.setTimeout(3000, () => s.destroy());
    s.once('data', () => {
      s.write('SSH-2.0-glia_bench\r\n');
      setTimeout(() => s.end(), 20);
    });
    s.on('close', resolve);
    s.on('error', resolve);
  });

function dnsQuery(id, name) {
  const labels = name.split('.').flatMap((l) => [l.length, ...Buffer.from(l)]);
  return Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]);
}

async function dns(n) {
  const sock = dgram.createSocket('udp4');
  let answered = 0;
  sock.on('message', () => answered++);
  for (let i = 0; i < n; i++) {
    sock.send(dnsQuery(i & 0xffff, `host${i % 500}.bench.test`), 53, SERVER);
    if (i % 200 === 199) await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 500));
  sock.close();
  return answered;
}

await pool(httpN, 32, get);
await pool(sshN, 8, ssh);
const answered = await dns(dnsN);
console.error(
  `traffic: ${httpN} HTTP GETs, ${sshN} SSH exchanges, ${dnsN} DNS queries (${answered} answered)`,
);
