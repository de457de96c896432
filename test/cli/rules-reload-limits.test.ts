import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputWatcher, runGlia, startGlia } from '../support/glia.js';

/**
 * Issue 15, item 1: a rules file that used to compile to a stack overflow (thousands of `and`
 * terms, thousands of nested parentheses) crashed a running agent on SIGHUP and was swallowed
 * silently by the file watcher. Now the parser rejects it with a located message, `rules check`
 * and `config check` exit 2, and a running agent keeps its old rules, logs why and counts it.
 */
const DEEP = `(${'('.repeat(2000)}tcp.dstport eq 1${')'.repeat(2000)})`;
const WIDE = Array.from({ length: 3000 }, (_, i) => `net.vni ne ${i}`).join(' and ');
const rulesFile = (id: string, expression: string): string =>
  `rules:\n  - id: ${id}\n    expression: '${expression}'\n    action: log\n`;

/** A capture plugin that sends a SYN to a new server port every 50 ms, so verdicts keep coming. */
const TICKER = `export default {
  type: 'ticker', kind: 'capture', description: 'a SYN every 50 ms',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  create(ctx) {
    let timer = null;
    let n = 0;
    return {
      start() {
        timer = setInterval(() => {
          n++;
          ctx.bus.publish('conn', {
            ts: BigInt(Date.now()) * 1000000n, iface: 'lo', dir: 'ingress',
            src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 1000 + (n % 60000), proto: 'tcp',
            phase: 'syn', flags: 2, ttl: 64, window: 64240, options: new Uint8Array(0),
          });
        }, 50);
      },
      stop() { if (timer) clearInterval(timer); timer = null; },
      health() { return { state: timer ? 'ok' : 'stopped' }; },
    };
  },
};`;

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glia-deep-rules-'));
  writeFileSync(join(dir, 'ticker.mjs'), TICKER);
  return dir;
}

describe('over-deep and over-long rules', () => {
  it.each([
    [
      '2 000 nested parentheses',
      DEEP,
      /deep\.yaml:3:\d+: rule "r": the expression nests more than 128 levels deep here/,
    ],
    [
      '3 000 and-terms',
      WIDE,
      /deep\.yaml:3:\d+: rule "r": the expression has more than 1024 comparisons; split it into several rules/,
    ],
  ])('glia rules check rejects %s with a located message and exit 2', (_name, expression, message) => {
    const dir = workdir();
    writeFileSync(join(dir, 'deep.yaml'), rulesFile('r', expression));
    const r = runGlia(['rules', 'check', join(dir, 'deep.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/Maximum call stack|RangeError/);
  });

  it('glia config check rejects inline rules of 2 000 nested parentheses with exit 2', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'glia.yaml'), `rules:\n  - id: r\n    expression: '${DEEP}'\n    action: log\n`);
    const r = runGlia(['config', 'check', join(dir, 'glia.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /glia\.yaml:3:\d+: rule "r": the expression nests more than 128 levels deep here/,
    );
  });

  it('a running agent given the deep file and SIGHUP (and the file watcher) keeps running with the old rules', async () => {
    const dir = workdir();
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, rulesFile('old', 'tcp.dstport ge 1'));
    writeFileSync(
      join(dir, 'glia.yaml'),
      [
        'rules: rules.yaml',
        'admin: { listen: "127.0.0.1:0" }',
        `capture: [{ plugin: ${join(dir, 'ticker.mjs')} }]`,
        'sinks: [{ plugin: blocklog, file: stdout }]',
      ].join('\n'),
    );
    const child = startGlia(['run', '-c', join(dir, 'glia.yaml')]);
    const logs = new OutputWatcher(child.stderr);
    const audit = new OutputWatcher(child.stdout);
    let exitCode: number | null | undefined;
    child.on('exit', (code) => (exitCode = code));
    const refused = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${admin.port}/metrics`)).text();
      const m = /glia_policy_reloads_total\{[^}]*result="refused"[^}]*\} (\d+)/.exec(text);
      return m === null ? 0 : Number(m[1]);
    };
    const admin = JSON.parse(await logs.waitFor(/admin endpoint/)) as { port: number };
    try {
      await logs.waitFor(/glia running/);
      await audit.waitFor(/"rule_ids":\["old"\]/);

      // The file watcher sees the deep file first; SIGHUP then reloads it again.
      writeFileSync(rules, rulesFile('deep', DEEP));
      await logs.waitFor(
        /kept the rules in force; .*rules\.yaml:3:\d+: rule \\"deep\\": the expression nests more than 128 levels deep here/,
      );
      child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 1000));
      expect(exitCode).toBeUndefined();
      expect(await refused()).toBeGreaterThanOrEqual(2);
      expect(logs.text).not.toMatch(/Maximum call stack|RangeError/);

      // The old rule still decides: new verdicts after the refusals still name it.
      const before = audit.text.length;
      await new Promise((r) => setTimeout(r, 500));
      expect(audit.text.slice(before)).toMatch(/"rule_ids":\["old"\]/);

      // The wide file too, then a good file swaps in.
      writeFileSync(rules, rulesFile('wide', WIDE));
      child.kill('SIGHUP');
      await logs.waitFor(/rule \\"wide\\": the expression has more than 1024 comparisons/);
      writeFileSync(rules, rulesFile('new', 'tcp.dstport ge 1'));
      child.kill('SIGHUP');
      await audit.waitFor(/"rule_ids":\["new"\]/);
      expect(exitCode).toBeUndefined();
    } finally {
      const exited = new Promise((r) => (exitCode === undefined ? child.on('exit', r) : r(undefined)));
      child.kill('SIGTERM');
      await exited;
    }
    expect(exitCode).toBe(0);
  }, 60_000);
});
