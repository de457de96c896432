// A fuzz worker: runs cases [from, to) of a seed in process through glia's command-line entry point
// and reports each to the parent (scripts/fuzz.mjs) before and after it runs, so the parent can
// tell a crash or a hang and which case caused it.
import { main } from '@glia/cli';
import { cleanup, makeCase, prepare } from './harness.mjs';

const [seed, from, to, dir] = [
  Number(process.argv[2]),
  Number(process.argv[3]),
  Number(process.argv[4]),
  process.argv[5],
];
const send = (message) => process.send?.(message);

// What glia prints is not what the harness checks; stderr's tail is kept for a finding's report.
let tail = '';
process.stdout.write = (_chunk, encoding, done) => {
  (typeof encoding === 'function' ? encoding : done)?.();
  return true;
};
process.stderr.write = (chunk, encoding, done) => {
  tail = (tail + String(chunk)).slice(-2000);
  (typeof encoding === 'function' ? encoding : done)?.();
  return true;
};
let current = -1;
process.on('uncaughtException', (error) => {
  send({ type: 'crash', i: current, reason: `uncaught ${error?.stack ?? error}`, stderr: tail });
  process.exit(70);
});
process.on('unhandledRejection', (error) => {
  send({ type: 'crash', i: current, reason: `unhandled rejection ${error?.stack ?? error}`, stderr: tail });
  process.exit(70);
});

const captures = prepare(dir);
for (let i = from; i < to; i++) {
  current = i;
  const c = makeCase(seed, i, dir, captures);
  send({ type: 'start', i, kind: c.kind, name: c.name, file: c.file });
  tail = '';
  const started = Date.now();
  let code;
  try {
    code = await main(c.argv);
  } catch (error) {
    send({ type: 'crash', i, reason: `main threw ${error?.stack ?? error}`, stderr: tail });
    process.exit(70);
  }
  send({
    type: 'done',
    i,
    kind: c.kind,
    name: c.name,
    code,
    ms: Date.now() - started,
    stderr: code === 0 || code === 2 ? '' : tail,
  });
  cleanup(c);
}
send({ type: 'end' });
process.exit(0);
