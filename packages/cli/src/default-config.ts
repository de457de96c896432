import { fileURLToPath } from 'node:url';

/** The bundled demo capture: real traffic recorded between two network namespaces. */
export const DEMO_CAPTURE = fileURLToPath(new URL('../assets/demo.pcap', import.meta.url));

/**
 * The embedded default `glia run` uses when no config is given: no cluster and nothing to write.
 * It replays the bundled demo capture (DNS, HTTP, Redis and a port scan between two namespaces)
 * through the enrichers and a few example rules, and writes the block log to stdout. Nothing is
 * enforced: drops are would-drop notices until enforcement is configured.
 */
export const DEFAULT_CONFIG = `
agent:
  id: \${HOSTNAME:-glia-demo}
network:
  home_net: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7]
capture:
  - plugin: pcap
    file: ${JSON.stringify(DEMO_CAPTURE)}
enrichers:
  - plugin: fqdn
  - plugin: ja4t
  - plugin: tls
  - plugin: flow
rules:
  - id: no-evil-egress
    source: microseg
    description: nothing talks to names under evil.com
    expression: 'dns.fqdn matches "(^|\\.)evil\\.com$"'
    action: drop
  - id: east-west-port-scan
    source: behavioral
    description: one source touching many ports of home-net hosts within a minute
    expression: ids.src_home_net == 1 and ids.dst_home_net == 1 and flow.unique_dst_ports ge 25
    action: log
  - id: redis-from-app-tier
    source: microseg
    description: the app host may use Redis (an audited exception)
    expression: ip.src eq 10.99.0.1 and tcp.dstport eq 6379 and conn.phase eq "syn"
    action: allow
enforce: false
sinks:
  - plugin: blocklog
    file: stdout
`;
