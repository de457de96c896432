import type { IncomingMessage, ServerResponse } from 'node:http';

/** A client is dropped once this much of its stream is waiting unread. */
const MAX_BUFFERED = 1 << 20;
const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events to the live web pages. Slow readers are disconnected rather than buffered
 * without bound (the page reconnects and reloads the graph); a comment line every 15 s keeps
 * proxies from closing idle streams.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | null = null;
  private nextId = 0;
  dropped = 0;

  get size(): number {
    return this.clients.size;
  }

  add(req: IncomingMessage, res: ServerResponse, hello: { event: string; data: unknown }): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    this.send(res, hello.event, hello.data);
    req.on('close', () => this.clients.delete(res));
    this.heartbeat ??= setInterval(() => {
      for (const c of this.clients) c.write(': ping\n\n');
    }, HEARTBEAT_MS).unref();
  }

  publish(event: string, data: unknown): void {
    for (const c of this.clients) this.send(c, event, data);
  }

  close(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private send(res: ServerResponse, event: string, data: unknown): void {
    if (res.writableLength > MAX_BUFFERED) {
      this.dropped++;
      this.clients.delete(res);
      res.destroy();
      return;
    }
    res.write(`id: ${++this.nextId}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
