// What the capture's 256-byte banner costs the services enricher, measured two ways:
//   npx tsc -b packages/enricher-services && node bench/enrichers/services-banner-cut.mjs <capture>...
// 1. Statically, over nmap-service-probes: lines that can never match 256 bytes (their shortest
//    match is longer), and lines anchored at the end of the reply (`$`, `\z`, `\Z`), which a cut
//    banner cannot satisfy.
// 2. On captures: each TCP connection's first server payload packet, whole (as tshark reads it)
//    against its first 256 bytes, matched the same way (NULL, or the probe the client's first
//    payload resembles): how many replies were longer than 256 bytes, and how many identifications
//    the cut lost or changed.
import { execFileSync } from 'node:child_process';
import {
  ResponseMatcher,
  ServiceDatabase,
  requestProbe,
} from '../../packages/enricher-services/dist/index.js';

const probes = process.env.PROBES ?? '/usr/share/nmap/nmap-service-probes';
const db = await ServiceDatabase.load(probes);
let endAnchored = 0;
for (const p of db.probes)
  for (const l of p.lines)
    if (l.pattern !== null && /\(\?=\\n\?\$\)|\$\)*$/.test(l.pattern.regex.source)) endAnchored++;
console.log(
  `${probes}: ${db.stats.compiled} lines; ${db.stats.longerThanBanner} need more than 256 bytes; ${endAnchored} test the end of the reply`,
);

const BANNER = 256;
const matcher = new ResponseMatcher();
const describe = (f) =>
  f === null ? 'none' : `${f.soft ? 'soft ' : ''}${f.service}/${f.product ?? ''}/${f.version ?? ''}`;
const total = { replies: 0, longer: 0, identifiedWhole: 0, identifiedCut: 0, lost: 0, changed: 0 };
for (const capture of process.argv.slice(2)) {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      capture,
      '-n',
      '-T',
      'fields',
      '-e',
      'tcp.stream',
      '-e',
      'tcp.srcport',
      '-e',
      'tcp.dstport',
      '-e',
      'tcp.payload',
      '-Y',
      'tcp.len > 0',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  const first = new Map();
  for (const line of out.split('\n')) {
    const [stream, sport, dport, hex] = line.split('\t');
    if (hex === undefined || hex === '') continue;
    // The lower port is the server's (DESIGN §3) unless a SYN says otherwise; good enough here.
    const sender = Number(sport) < Number(dport) ? 'server' : 'client';
    const key = `${stream}/${sender}`;
    if (!first.has(key))
      first.set(key, {
        order: first.size,
        text: Buffer.from(hex.replace(/:/g, ''), 'hex').toString('latin1'),
      });
  }
  for (const [key, reply] of first) {
    if (!key.endsWith('/server')) continue;
    const request = first.get(key.replace('/server', '/client'));
    const probe =
      request !== undefined && request.order < reply.order
        ? (requestProbe(db, request.text) ?? db.nullProbe)
        : db.nullProbe;
    const whole = matcher.match(probe, reply.text, false);
    const cut = reply.text.length > BANNER ? matcher.match(probe, reply.text.slice(0, BANNER), true) : whole;
    total.replies++;
    if (reply.text.length > BANNER) total.longer++;
    if (whole !== null) total.identifiedWhole++;
    if (cut !== null) total.identifiedCut++;
    if (whole !== null && cut === null) total.lost++;
    else if (describe(whole) !== describe(cut)) {
      total.changed++;
      console.log(`  ${capture} ${key}: whole ${describe(whole)}, cut ${describe(cut)}`);
    }
  }
}
console.log(JSON.stringify(total));
