import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpStatusError, isTransient } from './http-request.js';
import { SseClient, type SseEvent } from './sse-client.js';

/** A small SSE server on loopback whose behaviour each test scripts per connection. */
async function server(onConnection: (res: ServerResponse, headers: IncomingHttpHeaders, n: number) => void) {
  let n = 0;
  const open = new Set<ServerResponse>();
  const s = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    onConnection(res, req.headers, n++);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}/v1/stream`);
  return {
    url,
    close: async () => {
      for (const res of open) res.destroy();
      await new Promise((r) => s.close(r));
    },
  };
}

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

describe('SseClient', () => {
  it('reads events, reconnects with Last-Event-ID and the bearer token', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const s = await server((res, headers, n) => {
      seen.push(headers);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (n === 0) {
        // Two events, one split across writes, then the server drops the connection.
        res.write('retry: 20\n\nid: e:1\nevent: identity-delta\ndata: {"a":\n');
        res.write('data: 1}\n\n: a comment\n\nid: e:2\nevent: rules\ndata: x\n\n');
        setTimeout(() => res.destroy(), 20);
      } else {
        res.write('id: e:3\nevent: policy-edges-delta\ndata: y\n\n');
      }
    });
    cleanup.push(s.close);
    const events: SseEvent[] = [];
    const client = new SseClient({ url: s.url, token: 's3cret', onEvent: (e) => events.push(e) });
    cleanup.push(() => client.stop());
    client.start();
    await until(() => events.length === 3);
    expect(events).toEqual([
      { event: 'identity-delta', data: '{"a":\n1}', id: 'e:1' },
      { event: 'rules', data: 'x', id: 'e:2' },
      { event: 'policy-edges-delta', data: 'y', id: 'e:3' },
    ]);
    expect(seen[0].authorization).toBe('Bearer s3cret');
    expect(seen[0]['last-event-id']).toBeUndefined();
    expect(seen[1]['last-event-id']).toBe('e:2');
    expect(client.counters).toMatchObject({ connects: 2, disconnects: 1, events: 3 });
  });

  it('backs off on refused tokens and counts them', async () => {
    let refusals = 0;
    const s = await server((res) => {
      refusals++;
      res.writeHead(401).end();
    });
    cleanup.push(s.close);
    const errors: string[] = [];
    const delays: number[] = [];
    const client = new SseClient({
      url: s.url,
      token: 'wrong',
      initialBackoffMs: 20,
      maxBackoffMs: 80,
      onEvent: () => undefined,
      onDisconnect: (e, retryInMs) => {
        errors.push(e.message);
        delays.push(retryInMs);
      },
    });
    cleanup.push(() => client.stop());
    client.start();
    // The client's own count: the server counts a refusal before the client has read it.
    await until(() => client.counters.authFailures >= 5);
    client.stop();
    expect(refusals).toBeGreaterThanOrEqual(5);
    expect(errors[0]).toMatch(/HTTP 401 \(the bearer token was refused\)/);
    // 20, 40, 80, 80 ms (capped), each ±20 % of jitter.
    const within = (d: number, exact: number): boolean => d >= exact * 0.8 && d <= exact * 1.2;
    expect(delays.slice(0, 4).map((d, i) => within(d, [20, 40, 80, 80][i]))).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('comes back after the server was down', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('id: 1\nevent: rules\ndata: z\n\n');
    });
    const port = Number(s.url.port);
    await s.close();
    const events: SseEvent[] = [];
    const client = new SseClient({
      url: s.url,
      initialBackoffMs: 10,
      maxBackoffMs: 40,
      onEvent: (e) => events.push(e),
    });
    cleanup.push(() => client.stop());
    client.start();
    await until(() => client.counters.disconnects >= 2);
    // Up again on the same port.
    const again = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('id: 1\nevent: rules\ndata: z\n\n');
    });
    await new Promise<void>((r) => again.listen(port, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise((r) => {
          again.closeAllConnections();
          again.close(r);
        }),
    );
    await until(() => events.length === 1);
    expect(client.connected).toBe(true);
  });

  it('takes a silent connection as dead', async () => {
    let connections = 0;
    const s = await server((res) => {
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\n');
    });
    cleanup.push(s.close);
    const client = new SseClient({
      url: s.url,
      idleTimeoutMs: 50,
      initialBackoffMs: 10,
      onEvent: () => undefined,
    });
    cleanup.push(() => client.stop());
    client.start();
    await until(() => connections >= 2);
    expect(client.counters.disconnects).toBeGreaterThanOrEqual(1);
  });
});

describe('SseClient bounds', () => {
  it('drops a connection whose event passes maxEventChars, and reconnects', async () => {
    let connections = 0;
    const s = await server((res, _headers, n) => {
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (n === 0) res.write(`event: rules\ndata: ${'x'.repeat(500)}`);
      else res.write('event: rules\ndata: small\n\n');
    });
    cleanup.push(s.close);
    const events: SseEvent[] = [];
    const errors: string[] = [];
    const client = new SseClient({
      url: s.url,
      maxEventChars: 100,
      initialBackoffMs: 10,
      onEvent: (e) => events.push(e),
      onDisconnect: (e) => errors.push(e.message),
    });
    cleanup.push(() => client.stop());
    client.start();
    await until(() => events.length === 1);
    expect(connections).toBe(2);
    expect(errors[0]).toMatch(/an event longer than 100 characters/);
    expect(events[0].data).toBe('small');
  });
});

describe('isTransient', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const untrusted = Object.assign(new Error('unable to verify the first certificate'), {
    code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  });
  const cases: Array<[string, unknown, boolean]> = [
    ['a refused connection, wrapped with the URL', new Error('http://x/: refused', { cause: refused }), true],
    ['a timeout', Object.assign(new Error('no response'), { code: 'ETIMEDOUT' }), true],
    ['a 503', new HttpStatusError('http://x/', 503), true],
    ['a refused token', new HttpStatusError('http://x/', 401), false],
    ['a wrong path', new HttpStatusError('http://x/', 404), false],
    ['an untrusted certificate', new Error('https://x/: untrusted', { cause: untrusted }), false],
    ['a document that does not parse', new Error('not a MaxMind DB file'), false],
  ];
  it.each(cases)('%s', (_name, error, transient) => expect(isTransient(error)).toBe(transient));
});
