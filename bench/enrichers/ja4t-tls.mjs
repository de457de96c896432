// Throughput of the ja4t and tls enrichers' pure logic, on the built packages:
//   npx tsc -b packages/enricher-ja4t packages/enricher-tls && node bench/enrichers/ja4t-tls.mjs
// Prints fingerprints/s and ClientHellos parsed/s (best of several rounds) and the machine.
import { cpus, release, totalmem } from 'node:os';
import { ja4t } from '../../packages/enricher-ja4t/dist/index.js';
import { HelloAssembler, readClientHello } from '../../packages/enricher-tls/dist/index.js';

const ROUNDS = 5;

function measure(name, unit, iterations, fn) {
  let best = 0;
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    sink += fn(iterations);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, iterations / seconds);
  }
  if (sink === 0) throw new Error(`${name}: nothing was computed`);
  console.log(`${name.padEnd(48)} ${Math.round(best).toLocaleString('en-US').padStart(12)} ${unit}/s`);
  return best;
}

// SYN/SYN-ACK option areas seen in the fixtures: Linux, Windows, macOS (EOL padding), none, FreeBSD-ish.
const options = [
  [2, 4, 5, 180, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7],
  [2, 4, 5, 180, 1, 3, 3, 8, 1, 1, 4, 2],
  [2, 4, 5, 180, 1, 3, 3, 4, 1, 1, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 4, 2, 0, 0],
  [],
  [2, 4, 5, 180, 1, 3, 3, 6, 1, 1, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 4, 2, 1, 1],
].map((o) => Uint8Array.from(o));

measure('ja4t(window, options)', 'fingerprints', 2_000_000, (n) => {
  let total = 0;
  for (let i = 0; i < n; i++) total += ja4t(64240, options[i % options.length]).length;
  return total;
});

// A Chrome-like ClientHello: SNI, ALPN, supported_versions, GREASE, key share, padding to `size`.
function clientHello(name, size) {
  const u16 = (n) => [(n >> 8) & 0xff, n & 0xff];
  const ext = (type, data) => [...u16(type), ...u16(data.length), ...data];
  const text = (s) => [...Buffer.from(s)];
  const suites = [
    0x1a1a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x9c,
    0x9d, 0x2f, 0x35,
  ];
  const sni = [0, ...u16(name.length), ...text(name)];
  const alpn = [2, ...text('h2'), 8, ...text('http/1.1')];
  let exts = [
    ...ext(0x2a2a, []),
    ...ext(0, [...u16(sni.length), ...sni]),
    ...ext(0x17, []),
    ...ext(0xff01, [0]),
    ...ext(10, [0, 8, 0x2a, 0x2a, 0, 29, 0, 23, 0, 24]),
    ...ext(16, [...u16(alpn.length), ...alpn]),
    ...ext(43, [6, 0x3a, 0x3a, 3, 4, 3, 3]),
    ...ext(51, [0, 41, 0x2a, 0x2a, 0, 1, 0, 0, 29, 0, 32, ...Array(32).fill(7)]),
  ];
  const head = [
    3,
    3,
    ...Array(32).fill(1),
    32,
    ...Array(32).fill(2),
    ...u16(suites.length * 2),
    ...suites.flatMap(u16),
    1,
    0,
  ];
  const fixed = 5 + 4 + head.length + 2 + exts.length + 4;
  if (size > fixed) exts = [...exts, ...ext(21, Array(size - fixed).fill(0))];
  const body = [...head, ...u16(exts.length), ...exts];
  const hs = [1, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff, ...body];
  return Uint8Array.from([22, 3, 1, ...u16(hs.length), ...hs]);
}

const small = clientHello('www.example.com', 517);
const large = clientHello('lh3.google.com', 1752);
for (const [label, hello] of [
  [`readClientHello, ${small.length}-byte hello`, small],
  [`readClientHello, ${large.length}-byte hello`, large],
]) {
  measure(label, 'ClientHellos', 500_000, (n) => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const r = readClientHello(hello, 16384);
      if (r.status === 'ok') total += r.hello.serverNames.length;
    }
    return total;
  });
}

// The enricher's path for a hello past the banner: 256-byte banner, then the rest as one segment.
measure(`banner + segment reassembly, ${small.length}-byte hello`, 'ClientHellos', 300_000, (n) => {
  const assembler = new HelloAssembler(8192);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const flow = `10.0.${(i >> 8) & 0xff}.${i & 0xff}:${40000 + (i % 20000)}>10.1.0.1:443`;
    assembler.banner(flow, small.subarray(0, 256));
    const r = assembler.segment(flow, 256, small.subarray(256));
    if (r.status === 'hello') total++;
  }
  return total;
});

const cpu = cpus()[0];
console.log(
  `\nnode ${process.version}, ${cpus().length} × ${cpu?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}`,
);
