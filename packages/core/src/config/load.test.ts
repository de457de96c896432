import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { loadConfigText } from './load.js';

/** A sink plugin module on disk, loaded by path as a third-party plugin would be. */
function pluginDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glia-config-'));
  writeFileSync(
    join(dir, 'tick-sink.mjs'),
    `export default {
      type: 'tick', kind: 'sink', description: 'test sink',
      configSchema: { type: 'object', additionalProperties: false,
        properties: { interval: { type: 'integer', minimum: 1, default: 30 }, url: { type: 'string' } },
        required: ['url'] },
      create() { return { start() {}, stop() {}, health() { return { state: 'ok' }; } }; },
    };`,
  );
  return dir;
}

async function problemsOf(text: string, env: Record<string, string> = {}): Promise<string[]> {
  try {
    await loadConfigText(text, { file: 'glia.yaml', baseDir: pluginDir(), env });
  } catch (error) {
    if (error instanceof InputError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('loadConfigText', () => {
  it('applies defaults to an empty file', async () => {
    const loaded = await loadConfigText('', { env: {} });
    expect(loaded.config.network.home_net).toContain('10.0.0.0/8');
    expect(loaded.config.enforce).toBe(true);
    expect(loaded.config.sinks).toEqual([]);
    expect(loaded.config.agent.id.length).toBeGreaterThan(0);
    expect(loaded.homeNet.has('192.168.3.4')).toBe(true);
  });

  it('loads a plugin by path, validates its entry and fills its defaults', async () => {
    const loaded = await loadConfigText('sinks:\n  - plugin: ./tick-sink.mjs\n    url: http://x\n', {
      baseDir: pluginDir(),
      env: {},
    });
    expect(loaded.plugins).toHaveLength(1);
    expect(loaded.plugins[0]).toMatchObject({
      name: 'tick',
      kind: 'sink',
      config: { url: 'http://x', interval: 30 },
    });
  });

  it('substitutes the environment, re-typing a whole reference', async () => {
    const loaded = await loadConfigText(
      'agent: { id: "${NODE}-x" }\nenforce: ${ENFORCE:-false}\nsinks:\n  - plugin: ./tick-sink.mjs\n    url: ${URL}\n    interval: ${IV}\n',
      { baseDir: pluginDir(), env: { NODE: 'n1', URL: 'http://c', IV: '5' } },
    );
    expect(loaded.config.agent.id).toBe('n1-x');
    expect(loaded.config.enforce).toBe(false);
    expect(loaded.plugins[0].config).toMatchObject({ url: 'http://c', interval: 5 });
  });

  it('reports every mistake with its path and YAML line', async () => {
    const text = [
      'network:',
      '  home_net: [10.0.0.0/8, 300.1.1.1/8]', // line 2
      'enforce: yes-please', // line 3
      'sinks:',
      '  - plugin: ./tick-sink.mjs', // line 5
      '    url: http://collector',
      '    interval: "30"', // line 7
      '    colour: blue', // line 8
      '  - plugin: ./missing.mjs', // line 9
      'bogus: 1', // line 10
    ].join('\n');
    const problems = await problemsOf(text);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^glia\.yaml:2:\d+: network\.home_net\[1\]: must be an IP address or CIDR/),
        expect.stringMatching(/^glia\.yaml:3:\d+: enforce: must be boolean/),
        expect.stringMatching(/^glia\.yaml:7:\d+: sinks\[0\]\.interval: must be integer/),
        expect.stringMatching(/^glia\.yaml:8:5: sinks\[0\]\.colour: is not a known key here/),
        expect.stringMatching(/^glia\.yaml:9:\d+: sinks\[1\]\.plugin: .*does not exist/),
        expect.stringMatching(/^glia\.yaml:10:1: bogus: is not a known key here/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it.each([
    ['missing required key', 'sinks:\n  - plugin: ./tick-sink.mjs\n', /sinks\[0\]\.url: is required/],
    ['entry without plugin', 'sinks:\n  - url: x\n', /sinks\[0\]\.plugin: is required/],
    ['bad enum', 'log: { level: loud }\n', /log\.level: must be one of: "trace"/],
    [
      'memory budget too small',
      'limits: { memory_mb: 16 }\n',
      /glia\.yaml:1:22: limits\.memory_mb: must be >= 32/,
    ],
    ['unknown limit', 'limits: { cpu: 2 }\n', /limits\.cpu: is not a known key here/],
    [
      'unset variable',
      'agent: { id: "${NOT_SET_ANYWHERE}" }\n',
      /agent\.id: environment variable NOT_SET_ANYWHERE is not set/,
    ],
    ['YAML syntax', 'sinks: [\n', /^glia\.yaml:\d+:\d+: /],
    ['not a mapping', '- a\n- b\n', /the config must be a mapping/],
    ['duplicate key', 'enforce: true\nenforce: false\n', /glia\.yaml:2:1: .*[Uu]nique/],
    [
      'wrong kind',
      'capture:\n  - plugin: ./tick-sink.mjs\n    url: x\n',
      /capture\[0\]\.plugin: .*is a sink plugin, not a capture plugin/,
    ],
    [
      'duplicate instance names',
      'sinks:\n  - { plugin: ./tick-sink.mjs, url: a, name: s }\n  - { plugin: ./tick-sink.mjs, url: b, name: s }\n',
      /sinks\[1\]: instance name "s" is already used by sinks\[0\]/,
    ],
    [
      'bad rule action',
      'rules:\n  - { id: r1, expression: "ip.src eq 1.2.3.4", action: nuke }\n',
      /rules\[0\]\.action: must be one of/,
    ],
    [
      'unknown built-in',
      'sinks:\n  - plugin: no_such_sink\n',
      /sinks\[0\]\.plugin: no built-in plugin or installed package is named "no_such_sink"$/,
    ],
    [
      'mistyped built-in',
      'sinks:\n  - plugin: blocklgo\n',
      /sinks\[0\]\.plugin: no built-in plugin or installed package is named "blocklgo"; did you mean the built-in "blocklog"\?/,
    ],
    [
      'alias bomb',
      `${[
        'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
        ...[1, 2, 3, 4, 5].map(
          (i) =>
            `a${i}: &a${i} [${Array(10)
              .fill(`*a${i - 1}`)
              .join(', ')}]`,
        ),
      ].join('\n')}\n`,
      /aliases expand to more than 100 nodes \(an alias bomb\)/,
    ],
    ['unresolved alias', 'enrichers: *nope\n', /Unresolved alias.*nope/],
    [
      '1000-deep nesting',
      `x: ${'['.repeat(1000)}${']'.repeat(1000)}\n`,
      /glia\.yaml:1:67: nesting deeper than 64 levels/,
    ],
  ])('%s', async (_name, text, expected) => {
    const problems = await problemsOf(text);
    expect(problems.join('\n')).toMatch(expected);
  });
});
