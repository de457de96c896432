import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Observation, PluginContext, Verdict } from '@glia/core';
import { describePluginContract, hostHas, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import blocklog from './index.js';
import { BlocklogSink } from './blocklog-sink.js';
import { StreamOutput } from './output.js';

describePluginContract(blocklog, { config: { file: 'blocklog.jsonl' } });

function verdictNo(i: number): Verdict {
  const observation = {
    ts: 1_700_000_000_000_000_000n + BigInt(i),
    iface: 'eth0',
    dir: 'egress',
    phase: 'syn',
    client: '10.0.0.1',
    server: '10.0.0.2',
    clientPort: 30000 + (i % 30000),
    serverPort: 443,
    proto: 'tcp',
    fields: new Map(),
  } as Observation;
  return { ts: observation.ts, action: 'drop', enforce: false, ruleIds: [`rule-${i}`], observation };
}

function start(ctx: PluginContext, config: Record<string, unknown>): Promise<BlocklogSink> {
  const sink = blocklog.create(ctx, config);
  if (sink === null) throw new Error('blocklog create returned null');
  return Promise.resolve(sink.start()).then(() => sink);
}

function publish(ctx: PluginContext, from: number, to: number): void {
  for (let i = from; i < to; i++) ctx.bus.publish('verdict', verdictNo(i));
}

/** The rule number of every record in the given files, in file order. */
function recordNumbers(files: string[]): number[] {
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => Number((JSON.parse(l) as { rule_ids: string[] }).rule_ids[0].slice('rule-'.length))),
  );
}

describe('blocklog sink', () => {
  it('flushes every accepted record on stop, in order, and closes cleanly', async () => {
    const ctx = testContext('blocklog');
    const sink = await start(ctx, { file: 'audit.jsonl' });
    expect(sink.health().state).toBe('ok');
    publish(ctx, 0, 5000);
    await sink.stop();
    expect(sink.health().state).toBe('stopped');
    const numbers = recordNumbers([join(ctx.baseDir, 'audit.jsonl')]);
    expect(numbers).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(ctx.metrics.value('blocklog_records_written_total', { plugin: 'blocklog' })).toBe(5000);
    // Unsubscribed: later verdicts go nowhere and are not counted as drops.
    publish(ctx, 5000, 5010);
    expect(ctx.metrics.value('blocklog_records_dropped_total', { plugin: 'blocklog' })).toBe(0);
  });

  it('rotates by size: no line split or lost, max_files respected, newest in file.1', async () => {
    const ctx = testContext('blocklog');
    const sink = await start(ctx, { file: 'logs/audit.jsonl', max_bytes: 4096, max_files: 3 });
    // The directory does not exist yet: the open fails and health says so …
    expect(sink.health()).toMatchObject({ state: 'failed', reason: expect.stringContaining('ENOENT') });
    await sink.stop();
    // … and once the directory exists a fresh sink writes and rotates.
    const dir = join(ctx.baseDir, 'logs');
    mkdirSync(dir);
    const ctx2 = { ...ctx, bus: testContext().bus };
    const sink2 = await start(ctx2, { file: 'logs/audit.jsonl', max_bytes: 4096, max_files: 3 });
    for (let i = 0; i < 200; i++) {
      publish(ctx2, i * 10, i * 10 + 10);
      await new Promise((r) => setImmediate(r)); // many small batches: rotation between batches too
    }
    await sink2.stop();
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['audit.jsonl', 'audit.jsonl.1', 'audit.jsonl.2', 'audit.jsonl.3']);
    for (const n of names) {
      const text = readFileSync(join(dir, n), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(statSync(join(dir, n)).size).toBeLessThanOrEqual(4096);
      for (const line of text.split('\n').filter((l) => l.length > 0))
        expect(() => JSON.parse(line)).not.toThrow();
    }
    // Oldest to newest: .3, .2, .1, live. Together they are a contiguous, gap-free tail of what was sent.
    const kept = recordNumbers(
      ['audit.jsonl.3', 'audit.jsonl.2', 'audit.jsonl.1', 'audit.jsonl'].map((n) => join(dir, n)),
    );
    const first = kept[0];
    expect(first).toBeGreaterThan(0); // older files were rotated away
    expect(kept).toEqual(Array.from({ length: 2000 - first }, (_, i) => first + i));
  });

  it('keeps no rotated file with max_files 0 and never loses a line in the live file', async () => {
    const ctx = testContext('blocklog');
    const sink = await start(ctx, { file: 'a.jsonl', max_bytes: 1024, max_files: 0 });
    publish(ctx, 0, 100);
    await sink.stop();
    expect(readdirSync(ctx.baseDir)).toEqual(['a.jsonl']);
    const kept = recordNumbers([join(ctx.baseDir, 'a.jsonl')]);
    expect(kept.at(-1)).toBe(99);
    expect(statSync(join(ctx.baseDir, 'a.jsonl')).size).toBeLessThanOrEqual(1024);
  });

  it('appends to an existing file and counts its size toward rotation', async () => {
    const ctx = testContext('blocklog');
    const path = join(ctx.baseDir, 'b.jsonl');
    writeFileSync(path, 'x'.repeat(1000) + '\n');
    const sink = await start(ctx, { file: path, max_bytes: 1100, max_files: 2 });
    publish(ctx, 0, 1);
    await sink.stop();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('x'.repeat(1000) + '\n');
    expect(recordNumbers([path])).toEqual([0]);
  });

  it('reports an unwritable path as failed with the reason, and does not throw', async () => {
    const ctx = testContext('blocklog');
    writeFileSync(join(ctx.baseDir, 'not-a-dir'), '');
    const sink = await start(ctx, { file: 'not-a-dir/audit.jsonl' });
    const health = sink.health();
    expect(health.state).toBe('failed');
    expect(health.reason).toMatch(/cannot open .*not-a-dir\/audit\.jsonl: .*ENOTDIR/);
    publish(ctx, 0, 10);
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.health()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/write to .* failed: .*ENOTDIR/),
    });
    expect(ctx.metrics.value('blocklog_records_write_failed_total', { plugin: 'blocklog' })).toBe(10);
    await sink.stop();
    expect(sink.health().state).toBe('stopped');
  });

  it('recovers once the path becomes writable, and stays degraded about what it lost', async () => {
    const ctx = testContext('blocklog');
    const sink = await start(ctx, { file: 'later/audit.jsonl' });
    publish(ctx, 0, 4);
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.health().state).toBe('failed');
    mkdirSync(join(ctx.baseDir, 'later'));
    publish(ctx, 4, 6);
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.health()).toEqual({ state: 'degraded', reason: '4 records in failed writes' });
    await sink.stop();
    expect(recordNumbers([join(ctx.baseDir, 'later/audit.jsonl')])).toEqual([4, 5]);
  });

  const devFull = hostHas(existsSync('/dev/full'), 'the /dev/full device (a disk that is always full)');
  it.skipIf(!devFull)('reports a full disk (/dev/full) as failed with ENOSPC', async () => {
    const ctx = testContext('blocklog');
    const sink = await start(ctx, { file: '/dev/full' });
    expect(sink.health().state).toBe('ok');
    publish(ctx, 0, 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.health()).toMatchObject({ state: 'failed', reason: expect.stringContaining('ENOSPC') });
    await sink.stop();
  });

  it('drops and counts when the queue is full, and says so in health', async () => {
    const ctx = testContext('blocklog');
    const sink = await start(ctx, { file: 'c.jsonl', queue: 100 });
    publish(ctx, 0, 250); // one synchronous burst: the drain loop has not run yet
    expect(ctx.metrics.value('blocklog_records_dropped_total', { plugin: 'blocklog' })).toBe(150);
    expect(sink.health()).toEqual({ state: 'degraded', reason: '150 records dropped: write queue full' });
    await sink.stop();
    expect(recordNumbers([join(ctx.baseDir, 'c.jsonl')])).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('a stop that overtakes a start still ends stopped, unsubscribed, with the file closed', async () => {
    const ctx = testContext('blocklog');
    const sink = blocklog.create(ctx, { file: 'race.jsonl' });
    if (sink === null) throw new Error('blocklog create returned null');
    const starting = sink.start();
    await sink.stop();
    await starting;
    expect(sink.health().state).toBe('stopped');
    expect(ctx.bus.subscriberCount('verdict')).toBe(0);
  });

  it('stop is bounded when the output never completes a write', async () => {
    const ctx = testContext('blocklog');
    const stuck = new Writable({ write: () => undefined }); // never calls back
    const sink = new BlocklogSink(ctx, new StreamOutput('stdout', stuck), {
      queueCapacity: 10,
      stopTimeoutMs: 50,
    });
    await sink.start();
    publish(ctx, 0, 5);
    const started = Date.now();
    await sink.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sink.health().state).toBe('stopped');
  });

  it('reports a broken stdout pipe as failed, without an unhandled error event', async () => {
    const ctx = testContext('blocklog');
    const broken = new Writable({
      write(_chunk, _enc, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = new BlocklogSink(ctx, new StreamOutput('stdout', broken), { queueCapacity: 10 });
    await sink.start();
    publish(ctx, 0, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.health()).toEqual({ state: 'failed', reason: 'write to stdout failed: write EPIPE' });
    await sink.stop();
    expect(broken.listenerCount('error')).toBe(0);
  });

  it('writes to a stream output and asks for the identity and fqdn fields', async () => {
    const ctx = testContext('blocklog');
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const sink = new BlocklogSink(ctx, new StreamOutput('stdout', out), { queueCapacity: 10 });
    expect(sink.wantsFields()).toContain('identity.k8s.src_label');
    await sink.start();
    publish(ctx, 0, 2);
    await sink.stop();
    const lines = chunks.join('').split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1])).toMatchObject({
      action: 'WouldBlock',
      rule_ids: ['rule-1'],
      agent: 'test-agent',
    });
  });
});
