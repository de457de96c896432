import { fileURLToPath } from 'node:url';

/** The bundled demo capture: real traffic recorded between two network namespaces. */
export const DEMO_CAPTURE = fileURLToPath(new URL('../assets/demo.pcap', import.meta.url));

/**
 * The embedded default `glia run` uses when no config is given: no cluster and nothing to write.
 * It replays the bundled demo capture through the enrichers and a few example rules and writes
 * the block log to stdout.
 */
export const DEFAULT_CONFIG = `
agent:
  id: \${HOSTNAME:-glia-demo}
network:
  home_net: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7]
capture:
  - plugin: pcap
    file: ${JSON.stringify(DEMO_CAPTURE)}
sinks:
  - plugin: blocklog
    file: stdout
`;
