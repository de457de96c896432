// npm run fuzz -- [--cases N] [--seed S] [--workers K] [--timeout-ms T] [--keep DIR]
// Runs N deterministic fuzz cases (mutated and hostile captures, configs, rule files and rule test
// files) through glia's command line, in worker processes watched for crashes and hangs. Prints a
// summary; exits 1 on any finding (an exit other than 0 or 2, a crash, a hang), keeping each
// finding's input in the --keep directory to reproduce it.
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};
const cases = Number(option('cases', 300));
const seed = Number(option('seed', 20261130));
const workers = Math.max(1, Number(option('workers', 2)));
const timeoutMs = Number(option('timeout-ms', 30000));
const keep = option('keep', join(process.cwd(), 'fuzz-findings'));
const worker = fileURLToPath(new URL('../test/fuzz/worker.mjs', import.meta.url));

const started = Date.now();
const byKind = {};
const exits = {};
const findings = [];
let slowest = { ms: 0 };

function record(kind, name, code) {
  byKind[kind] = (byKind[kind] ?? 0) + 1;
  exits[code] = (exits[code] ?? 0) + 1;
  void name;
}

function finding(entry, dir) {
  findings.push(entry);
  if (entry.file !== undefined && existsSync(entry.file)) {
    mkdirSync(keep, { recursive: true });
    copyFileSync(
      entry.file,
      join(keep, `seed-${seed}-case-${entry.i}${entry.file.slice(entry.file.lastIndexOf('.'))}`),
    );
  }
  void dir;
}

/** Runs cases [from, to) in workers, restarting after a crash or a hang at the next case. */
function runRange(from, to) {
  return new Promise((done) => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-fuzz-'));
    let next = from;
    const launch = () => {
      if (next >= to) {
        rmSync(dir, { recursive: true, force: true });
        done();
        return;
      }
      const child = fork(worker, [String(seed), String(next), String(to), dir], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let current = null;
      let ended = false;
      let timer = null;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (current !== null)
            finding({ ...current, reason: `hang: no answer within ${timeoutMs} ms` }, dir);
          next = (current?.i ?? next) + 1;
          ended = true;
          child.kill('SIGKILL');
        }, timeoutMs);
      };
      arm();
      child.on('message', (m) => {
        arm();
        if (m.type === 'start') current = m;
        else if (m.type === 'done') {
          record(m.kind, m.name, m.code);
          if (m.ms > slowest.ms) slowest = { ms: m.ms, i: m.i, kind: m.kind, name: m.name };
          if (m.code !== 0 && m.code !== 2)
            finding({ ...current, reason: `exit ${m.code}`, stderr: m.stderr }, dir);
          next = m.i + 1;
          current = null;
        } else if (m.type === 'crash') {
          finding({ ...current, i: m.i, reason: m.reason, stderr: m.stderr }, dir);
          next = m.i + 1;
          current = null;
        } else if (m.type === 'end') ended = true;
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ended && current !== null) {
          finding({ ...current, reason: `worker died (${signal ?? code})` }, dir);
          next = current.i + 1;
        }
        launch();
      });
    };
    launch();
  });
}

const per = Math.ceil(cases / workers);
await Promise.all(
  Array.from({ length: workers }, (_, w) =>
    runRange(Math.min(cases, w * per), Math.min(cases, (w + 1) * per)),
  ),
);
const summary = {
  cases,
  seed,
  seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
  by_kind: byKind,
  exits,
  findings: findings.length,
  crashes: findings.filter((f) => !/^exit |^hang/.test(f.reason)).length,
  hangs: findings.filter((f) => f.reason.startsWith('hang')).length,
  bad_exits: findings.filter((f) => f.reason.startsWith('exit ')).length,
  slowest,
};
for (const f of findings) {
  console.error(
    `finding: case ${f.i} (${f.kind} ${f.name}): ${f.reason}${f.stderr ? `\n  stderr: ${f.stderr.trim().split('\n').slice(-3).join('\n  ')}` : ''}`,
  );
}
console.log(JSON.stringify(summary));
process.exit(findings.length === 0 ? 0 : 1);
