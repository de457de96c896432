import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage, InputError } from '@glia/core';
import { parseSlice } from '@glia/service-graph';
import { readBody, HttpError } from './request-body.js';
import type { IngestGate } from './ingest-gate.js';
import type { WebAssets } from './web-assets.js';

/** What the routes need from the collector. */
export interface RouteTarget {
  readonly token: string;
  readonly readToken: string | undefined;
  readonly maxBodyBytes: number;
  readonly maxJsonBytes: number;
  readonly assets: WebAssets;
  readonly ingest: IngestGate;
  accept(agent: string, body: unknown): Promise<void>;
  graphResponse(params: URLSearchParams): Promise<{ type: string; body: string }>;
  subscribe(req: IncomingMessage, res: ServerResponse): void;
  agentsJson(): Promise<string>;
  health(): Promise<{ ok: boolean; body: string }>;
  metricsText(): string;
  onRequestError(error: unknown, req: IncomingMessage): void;
}

const AGENT_PATH = /^\/v1\/observed\/([^/]+)$/;

/** Dispatches one request; every failure becomes a status and a one-line JSON error. */
export async function handle(t: RouteTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://collector');
  try {
    const agentMatch = AGENT_PATH.exec(url.pathname);
    if (agentMatch !== null) {
      if (req.method !== 'PUT' && req.method !== 'POST') throw new HttpError(405, 'use PUT');
      requireToken(req, url, t.token, false);
      const agent = decodeURIComponent(agentMatch[1]);
      const leave = await t.ingest.enter();
      try {
        const body = await readBody(req, t.maxBodyBytes, t.maxJsonBytes);
        let json: unknown;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch (error) {
          throw new HttpError(400, `body is not JSON: ${errorMessage(error)}`);
        }
        await t.accept(agent, json);
      } finally {
        leave();
      }
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(405, `${req.method} is not served here`);
    switch (url.pathname) {
      case '/healthz': {
        const h = await t.health();
        return send(res, h.ok ? 200 : 503, 'application/json', h.body);
      }
      case '/metrics':
        return send(res, 200, 'text/plain; version=0.0.4', t.metricsText());
      case '/v1/graph': {
        requireToken(req, url, t.readToken, true);
        const g = await t.graphResponse(url.searchParams);
        return send(res, 200, g.type, g.body);
      }
      case '/v1/agents':
        requireToken(req, url, t.readToken, true);
        return send(res, 200, 'application/json', await t.agentsJson());
      case '/v1/events':
        requireToken(req, url, t.readToken, true);
        return t.subscribe(req, res);
    }
    const asset = t.assets.get(url.pathname);
    if (asset === undefined) throw new HttpError(404, `${url.pathname}: not found`);
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' }).end(asset.body);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : error instanceof InputError ? 400 : 500;
    if (status === 500) t.onRequestError(error, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (status === 401) headers['www-authenticate'] = 'Bearer realm="glia collector"';
    res.writeHead(status, headers).end(JSON.stringify({ error: errorMessage(error) }) + '\n');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' }).end(body);
}

/**
 * Checks `Authorization: Bearer <token>` (or, where a browser cannot set headers — EventSource —
 * and `query` allows it, `?access_token=`). An undefined token means the route is open.
 */
function requireToken(req: IncomingMessage, url: URL, token: string | undefined, query: boolean): void {
  if (token === undefined) return;
  const header = req.headers.authorization;
  const given = header?.startsWith('Bearer ')
    ? header.slice(7)
    : query
      ? url.searchParams.get('access_token')
      : null;
  if (given === null || given === undefined) throw new HttpError(401, 'a bearer token is required');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new HttpError(401, 'the bearer token is not valid');
}

/** The slice in a body, checked, with its agent matching the URL's. */
export function sliceFrom(agent: string, body: unknown) {
  const slice = parseSlice(body);
  if (slice.agent !== agent)
    throw new HttpError(
      400,
      `the slice is from agent ${JSON.stringify(slice.agent)}, the URL names ${JSON.stringify(agent)}`,
    );
  return slice;
}
