// A test sink plugin (loaded by path from a config): writes every capture event the agent's
// captures publish as one JSON line (@glia/packet's eventToJson) to `file`, so kernel tests can
// compare what a live backend emitted with a replay of the same traffic.
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
    properties: { file: { type: 'string' } },
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
    };
  },
};
