import { createAjv, formatPath, InputError, type JsonSchema } from '@glia/core';
import { SLICE_VERSION, type ObservedSlice } from './slice.js';

const count = { type: 'integer', minimum: 0 } as const;
const time = { type: 'number', minimum: 0 } as const;
const name = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const names = { type: 'array', items: name, maxItems: 1024 } as const;
const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const proto = { enum: ['tcp', 'udp'] } as const;

const service: JsonSchema = {
  type: 'object',
  required: ['port', 'proto'],
  properties: {
    port,
    proto,
    service: name,
    product: name,
    version: name,
    info: name,
    cpe: names,
  },
};

/** JSON Schema of an observed slice, as the collector checks uploads against it. */
export const sliceSchema: JsonSchema = {
  type: 'object',
  required: ['version', 'agent', 'epoch', 'seq', 'full', 'generated_at', 'edges', 'nodes'],
  properties: {
    version: { const: SLICE_VERSION },
    agent: { type: 'string', minLength: 1, maxLength: 253 },
    epoch: time,
    seq: count,
    full: { type: 'boolean' },
    generated_at: time,
    edges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['client', 'server', 'port', 'proto', 'flows', 'first_seen', 'last_seen', 'verdicts'],
        properties: {
          client: { type: 'string', format: 'ip' },
          server: { type: 'string', format: 'ip' },
          port,
          proto,
          flows: count,
          first_seen: time,
          last_seen: time,
          verdicts: {
            type: 'object',
            required: ['drop', 'would_drop', 'log', 'allow'],
            properties: { drop: count, would_drop: count, log: count, allow: count },
          },
        },
      },
    },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['ip', 'last_seen', 'ja4t', 'ja4ts', 'services', 'dns_names', 'tls_names'],
        properties: {
          ip: { type: 'string', format: 'ip' },
          last_seen: time,
          ja4t: names,
          ja4ts: {
            type: 'array',
            maxItems: 1024,
            items: { type: 'object', required: ['port', 'ja4ts'], properties: { port, ja4ts: name } },
          },
          services: { type: 'array', maxItems: 1024, items: service },
          dns_names: names,
          tls_names: names,
        },
      },
    },
  },
};

const validate = createAjv().compile(sliceSchema);

/**
 * Checks an uploaded document against the slice format. Throws an InputError naming the first
 * few problems by path (`edges[3].port: must be <= 65535`).
 */
export function parseSlice(value: unknown): ObservedSlice {
  if (validate(value)) return value as unknown as ObservedSlice;
  const problems = (validate.errors ?? []).slice(0, 5).map((e) => {
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    return `${formatPath(path)}: ${e.message ?? 'is invalid'}`;
  });
  throw new InputError(`not an observed slice: ${problems.join('; ')}`, problems);
}
