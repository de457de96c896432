// Probe-file load time and banners matched per second of the services enricher, on the built package:
//   npx tsc -b packages/enricher-services && node bench/enrichers/services.mjs [path-to-nmap-service-probes]
// Prints the best of several rounds and the machine.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import {
  ResponseMatcher,
  ServiceDatabase,
  execPattern,
  requestProbe,
} from '../../packages/enricher-services/dist/index.js';

const path = process.argv[2] ?? '/usr/share/nmap/nmap-service-probes';
const ROUNDS = 5;
const text = readFileSync(path, 'latin1');

let loadBest = Infinity;
let db;
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  db = ServiceDatabase.fromText(readFileSync(path, 'latin1'), path);
  loadBest = Math.min(loadBest, performance.now() - t);
}
console.log(
  `${path}: ${db.stats.probes} probes, ${db.stats.matchLines} match lines, ${db.stats.compiled} compiled, ${db.stats.errors.length} errors, ${db.stats.unsupported.length} unsupported (${text.length} bytes)`,
);
console.log(`load (read + parse + translate + compile): ${loadBest.toFixed(0)} ms, best of 3`);

// Real replies of the namespace test's servers, and two that no line identifies.
const banners = {
  'ssh (NULL)': [null, 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'],
  'ftp vsftpd (NULL)': [null, '220 (vsFTPd 3.0.3)\r\n'],
  'smtp postfix (NULL)': [null, '220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n'],
  'http nginx (GetRequest)': [
    'GET / HTTP/1.0\r\n\r\n',
    'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 30 Nov 2026 10:00:00 GMT\r\nContent-Type: text/html\r\nContent-Length: 15\r\nConnection: close\r\n\r\nglia test page\n',
  ],
  'redis (redis-server probe)': [
    '*1\r\n$4\r\ninfo\r\n',
    '$3905\r\n# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:1234\r\nredis_mode:standalone\r\nos:Linux 6.1.0 x86_64\r\n',
  ],
  'unidentified text (NULL)': [null, 'hello there, nothing to see\r\n'],
  'unidentified binary (NULL)': [null, '\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09binary'],
};

function measure(name, probe, reply) {
  const matcher = new ResponseMatcher();
  let best = 0;
  let found = null;
  for (let r = 0; r < ROUNDS; r++) {
    const n = 200;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) found = matcher.match(probe, reply, false);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, n / seconds);
  }
  // nmap's loop for comparison: every line of the chain in file order until one matches, no index.
  let sequential = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const n = 50;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) nmapLoop(probe, reply);
    sequential = Math.max(sequential, n / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  const label =
    found === null ? 'no match' : `${found.service} ${found.product ?? ''} ${found.version ?? ''}`.trim();
  const perBanner = matcher.counters.executions / matcher.counters.subjects;
  const guarded = matcher.counters.guarded > 0 ? ' guarded' : '';
  console.log(
    `${name.padEnd(28)} ${fmt(best)} banners/s (${perBanner.toFixed(0).padStart(4)} patterns${guarded}) | every line in order: ${fmt(sequential)} banners/s | ${label}`,
  );
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US').padStart(7);
}

function nmapLoop(probe, reply) {
  for (const p of probe.chain)
    for (const l of p.lines) if (l.pattern !== null && execPattern(l.pattern, reply) !== null) return l;
  return null;
}

for (const [name, [request, reply]] of Object.entries(banners)) {
  const probe = request === null ? db.nullProbe : requestProbe(db, request);
  measure(name, probe, reply);
}
console.log(
  `node ${process.version}, ${cpus()[0].model} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
