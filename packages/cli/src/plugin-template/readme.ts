import type { PluginNames } from './package-files.js';

const WHAT: Record<string, string> = {
  enricher:
    'an enricher: it counts the observations of each server and provides the rule field `{type}.server_observations`',
  sink: 'a sink: it appends every verdict to a file as a JSON line, behind a bounded queue',
  capture: 'a capture: it publishes flow records read from a JSON-lines file as flow events',
};

const CONFIG: Record<string, string> = {
  enricher: `enrichers:
  - plugin: {dir}
rules:
  - { id: busy, expression: '{type}.server_observations ge 100', action: log }`,
  sink: `sinks:
  - { plugin: {dir}, file: verdicts.jsonl }`,
  capture: `capture:
  - { plugin: {dir}, file: flows.jsonl }`,
};

/** The README of a generated package: what it is, how to build, test and load it. */
export function readme(n: PluginNames, kind: string, dir: string): string {
  const fill = (s: string): string => s.replaceAll('{type}', n.type).replaceAll('{dir}', dir);
  return `# ${n.pkg}

A third-party glia plugin, ${fill(WHAT[kind])}. Made by \`glia plugin new ${n.type} --kind ${kind}\`:
change it into the plugin you need.

## Build and test

\`\`\`sh
npm install      # @glia/core comes from vendor/ (a packed copy, until it is on the registry)
npm test         # the plugin contract every glia plugin passes, and this plugin's own tests
npm run build    # dist/, what glia loads
\`\`\`

## Use it

Name the package directory (or, once published, its npm name) in a glia config:

\`\`\`yaml
${fill(CONFIG[kind])}
\`\`\`

\`glia config check\`, \`glia rules check -c\` and \`glia test -c\` load the plugin exactly as
\`glia run\` does${kind === 'enricher' ? ', so rules on its fields are checked before anything runs' : ''}.

## Depending on @glia/core

The only dependency is \`@glia/core\`'s public API. Until it is published, depend on a packed
copy: \`npm pack\` in glia's \`packages/core\` (or \`npm pack -w @glia/core\` at the top of a glia
checkout) makes \`glia-core-<version>.tgz\`; \`npm install /path/to/glia-core-<version>.tgz\` records
it as a \`file:\` dependency. \`glia plugin new\` did that for you into \`vendor/\`.

The contract (DESIGN §2): \`create()\` has no side effects; \`start()\` opens what the plugin uses;
\`stop()\` is idempotent, safe without start and quick; \`health()\` says why when it is not ok. An
enricher declares its fields on the factory and supplies a resolver for exactly those names. Use
the injected \`ctx.clock\` for every time (packet time in a replay), bound every store and queue,
and count what you drop.
`;
}
