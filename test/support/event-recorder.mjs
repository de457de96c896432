// A test sink plugin (loaded by path from a config): writes every capture event the agent's
// captures publish as one JSON line (@glia/packet's eventToJson) to `file`, so kernel tests can
// compare what a live backend emitted with a replay of the same traffic. With `fields`, it also
// writes each verdict with those fields of its observation (the policy stage resolves them).
import { closeSync, openSync, writeSync } from 'node:fs';
import { eventToJson } from '@glia/packet';

const TOPICS = ['conn', 'banner', 'segment', 'flow', 'dns'];

export default {
  type: 'event_recorder',
  kind: 'sink',
  description: 'Writes every capture event as a JSON line to a file (tests)',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['file'],
    properties: { file: { type: 'string' }, fields: { type: 'array', items: { type: 'string' } } },
  },
  create(ctx, config) {
    let fd = null;
    let unsubscribe = [];
    let state = { state: 'stopped' };
    return {
      start() {
        fd = openSync(config.file, 'a');
        unsubscribe = TOPICS.map((topic) =>
          ctx.bus.subscribe(topic, (event) => writeSync(fd, `${eventToJson(event, topic)}\n`)),
        );
        if (config.fields !== undefined)
          unsubscribe.push(
            ctx.bus.subscribe('verdict', (v) => writeSync(fd, `${verdictLine(v, config.fields)}\n`)),
          );
        state = { state: 'ok' };
      },
      stop() {
        for (const u of unsubscribe) u();
        unsubscribe = [];
        if (fd !== null) closeSync(fd);
        fd = null;
        state = { state: 'stopped' };
      },
      health: () => state,
      wantsFields: () => config.fields ?? [],
    };
  },
};

function verdictLine(v, names) {
  const o = v.observation;
  const fields = {};
  for (const name of names) {
    const value = o.fields.get(name);
    if (value !== undefined) fields[name] = value;
  }
  return JSON.stringify({
    topic: 'verdict',
    action: v.action,
    rule_ids: v.ruleIds,
    phase: o.phase,
    client: o.client,
    server: o.server,
    server_port: o.serverPort,
    proto: o.proto,
    iface: o.iface,
    dir: o.dir,
    fields,
  });
}
