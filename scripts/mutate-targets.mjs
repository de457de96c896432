// What `npm run mutate` mutates, one target per package: the pure-logic sources (never tests, test
// builders or I/O shells) and the test files that run against each mutant. Tests that call external
// tools (tshark, namespaces, the CLI) are left out: they are slow per mutant and the unit, fixture and
// property tests listed here are the ones meant to catch logic bugs. docs/testing.md records the
// scores of one full run over these lists.

const src = (pkg, files) => [
  ...files.map((f) =>
    f.startsWith('!') ? `!packages/${pkg}/src/${f.slice(1)}` : `packages/${pkg}/src/${f}`,
  ),
  // A glob such as decode/*.ts also matches the tests beside the code: those are never mutated.
  `!packages/${pkg}/src/**/*.test.ts`,
];

export const TARGETS = {
  'core-net': {
    tsconfig: 'packages/core/tsconfig.json',
    mutate: src('core', ['net/cidr-set.ts', 'net/ip.ts']),
    tests: ['packages/core/src/net/**/*.test.ts'],
  },
  packet: {
    tsconfig: 'packages/packet/tsconfig.json',
    mutate: src('packet', [
      'decode/*.ts',
      'events/*.ts',
      'capture/capture-parser.ts',
      'capture/pcapng-interface.ts',
      'capture/record.ts',
    ]),
    tests: [
      'packages/packet/src/**/*.test.ts',
      'test/packet/golden.test.ts',
      'test/packet/robustness.test.ts',
      'test/packet/suricata-*.test.ts',
      'test/packet/zeek-*.test.ts',
    ],
  },
  'enricher-flow': {
    tsconfig: 'packages/enricher-flow/tsconfig.json',
    mutate: src('enricher-flow', [
      'direction.ts',
      'entropy.ts',
      'flow-windows.ts',
      'recency-list.ts',
      'recency-map.ts',
      'source-window.ts',
    ]),
    tests: ['packages/enricher-flow/src/**/*.test.ts'],
  },
  'enricher-fqdn': {
    tsconfig: 'packages/enricher-fqdn/tsconfig.json',
    mutate: src('enricher-fqdn', ['cname-chain.ts', 'fqdn-store.ts', 'name-walk.ts', 'response-parser.ts']),
    tests: ['packages/enricher-fqdn/src/**/*.test.ts'],
  },
  'enricher-ja4t': {
    tsconfig: 'packages/enricher-ja4t/tsconfig.json',
    mutate: src('enricher-ja4t', [
      'ja4t.ts',
      'ja4ts-delays.ts',
      'node-fingerprints.ts',
      'synack-history.ts',
      'tcp-options.ts',
    ]),
    tests: ['packages/enricher-ja4t/src/**/*.test.ts'],
  },
  'enricher-tls': {
    tsconfig: 'packages/enricher-tls/tsconfig.json',
    mutate: src('enricher-tls', [
      'client-hello.ts',
      'hello-assembler.ts',
      'stream-buffer.ts',
      'tls-edge-store.ts',
      'tls-records.ts',
    ]),
    tests: ['packages/enricher-tls/src/**/*.test.ts'],
  },
  rules: {
    tsconfig: 'packages/rules/tsconfig.json',
    mutate: src('rules', [
      'lang/*.ts',
      'policy/*.ts',
      '!lang/test-*.ts',
      '!lang/random-choices.ts',
      '!policy/rules-file-watcher.ts',
    ]),
    tests: ['packages/rules/src/**/*.test.ts'],
  },
};

/** The order of a full run: rules last, as it changes most. */
export const ORDER = Object.keys(TARGETS);
