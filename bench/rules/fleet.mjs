// A generated rule set like a large fleet's microsegmentation policy, and its population: 2 000
// workloads in 100 namespaces, external hosts with DNS names. The rules mix exact ports, CIDRs,
// namespaces and labels, and FQDN patterns; deterministic (seeded), the same on every run.
//   fleetRules(1000) -> RuleEntry[];  fleetPopulation() -> { fields, observations }
import { seededRandom } from '@glia/core/testing';
import { observationOf } from './harness.mjs';

const PORTS = [80, 443, 5432, 6379, 8080, 9090, 3306, 22, 53, 8443];

const ns = (i) => `ns-${String(i).padStart(2, '0')}`;
const app = (i) => `app-${String(i).padStart(2, '0')}`;

export function fleetRules(n) {
  const rand = seededRandom(1000);
  const int = (k) => Math.floor(rand() * k);
  const port = () => PORTS[int(PORTS.length)];
  const rules = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 20;
    let rule;
    if (kind < 8) {
      rule = {
        expression: `identity.k8s.src_namespace eq "${ns(int(100))}" and identity.k8s.dst_namespace eq "${ns(int(100))}" and tcp.dstport eq ${port()} and edge.declared == 0`,
        action: 'drop',
        source: 'microseg',
      };
    } else if (kind < 11) {
      rule = {
        expression: `ip.dst in {10.244.${int(8)}.${16 * int(16)}/28} and tcp.dstport in {${port()} ${port()}}`,
        action: 'log',
        source: 'microseg',
      };
    } else if (kind < 14) {
      rule = {
        expression: `identity.k8s.src_label["app"] eq "${app(int(50))}" and identity.k8s.dst_label["app"] eq "${app(int(50))}" and tcp.dstport eq ${port()}`,
        action: 'drop',
        source: 'microseg',
      };
    } else if (kind < 17) {
      const k = int(200);
      const patterns = [
        `dns.fqdn wildcard "*.bad-${k}.example"`,
        `ends_with(dns.fqdn, ".tracker-${k}.net")`,
        `dns.fqdn in {"c2-${k}.example.org" "k${k}.evil.com"}`,
      ];
      rule = {
        expression: `${patterns[i % 3]} and not identity.k8s.src_namespace eq "kube-system"`,
        action: 'drop',
        source: 'ids',
      };
    } else if (kind < 19) {
      const k = int(256);
      rule = {
        expression: `ip.dst in {198.51.${k}.0/24 203.0.113.${k}/32} and ids.dst_external_net == 1`,
        action: 'drop',
        source: 'ids',
      };
    } else {
      rule = {
        expression: `identity.k8s.src_namespace eq "${ns(int(100))}" and identity.k8s.dst_label["app"] eq "${app(int(50))}" and tcp.dstport in {8080 9090}`,
        action: 'allow',
      };
    }
    rules.push({ id: `fleet-${i}`, ...rule });
  }
  return rules;
}

export function fleetPopulation() {
  const rand = seededRandom(42);
  const int = (k) => Math.floor(rand() * k);
  const identities = new Map();
  for (let i = 0; i < 2000; i++) {
    const a = app(int(50));
    identities.set(`10.244.${i >> 8}.${(i & 255) + 1}`, {
      namespace: i < 40 ? 'kube-system' : ns(int(100)),
      app: a,
      workload: `${a}-${i % 13}`,
      labels: new Map([
        ['app', a],
        ['env', ['prod', 'prod', 'staging'][int(3)]],
        ['team', ['web', 'data', 'ops'][int(3)]],
      ]),
    });
  }
  const pods = [...identities.keys()];
  const externals = [];
  const fqdns = new Map();
  for (let i = 0; i < 400; i++) {
    const ip = i % 4 === 0 ? `198.51.${int(256)}.${int(256)}` : `93.184.${int(256)}.${int(256)}`;
    const roll = int(10);
    const name =
      roll === 0
        ? `cdn.bad-${int(200)}.example`
        : roll === 1
          ? `pixel.tracker-${int(200)}.net`
          : roll === 2
            ? `k${int(200)}.evil.com`
            : `www.site-${i}.com`;
    externals.push(ip);
    fqdns.set(ip, name);
  }
  const homeNet = (ip) => ip.startsWith('10.');
  const hash = (s) => {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return h >>> 0;
  };
  const side = (o, s) => identities.get(s === 'src' ? o.client : o.server);
  const fields = [
    ...['src', 'dst'].flatMap((s) => [
      {
        name: `identity.k8s.${s}_namespace`,
        type: 'Bytes',
        description: '',
        resolve: (o) => side(o, s)?.namespace,
      },
      {
        name: `identity.k8s.${s}_workload`,
        type: 'Bytes',
        description: '',
        resolve: (o) => side(o, s)?.workload,
      },
      { name: `identity.k8s.${s}_app`, type: 'Bytes', description: '', resolve: (o) => side(o, s)?.app },
      {
        name: `identity.k8s.${s}_label`,
        type: { kind: 'map', value: 'Bytes' },
        description: '',
        resolve: (o) => side(o, s)?.labels,
      },
    ]),
    {
      name: 'edge.declared',
      type: 'Int',
      description: '',
      resolve: (o) => (hash(`${o.client}>${o.server}:${o.serverPort}`) % 5 === 0 ? 0 : 1),
    },
    { name: 'ids.src_home_net', type: 'Int', description: '', resolve: (o) => (homeNet(o.client) ? 1 : 0) },
    { name: 'ids.dst_home_net', type: 'Int', description: '', resolve: (o) => (homeNet(o.server) ? 1 : 0) },
    {
      name: 'ids.dst_external_net',
      type: 'Int',
      description: '',
      resolve: (o) => (homeNet(o.server) ? 0 : 1),
    },
    { name: 'dns.fqdn', type: 'Bytes', description: '', resolve: (o) => fqdns.get(o.server) },
  ];
  // Workloads talk over a fixed set of edges (each service to its dependencies), seen again and again.
  const edges = [];
  for (let i = 0; i < 6000; i++) {
    const external = rand() < 0.15;
    edges.push({
      client: pods[int(pods.length)],
      server: external ? externals[int(externals.length)] : pods[int(pods.length)],
      serverPort: external ? [443, 443, 80][int(3)] : PORTS[int(PORTS.length)],
    });
  }
  const N = 65536;
  const observations = [];
  for (let i = 0; i < N; i++) {
    const { client, server, serverPort } = edges[int(edges.length)];
    observations.push(observationOf(i, client, server, serverPort, ['syn', 'synack', 'flow'][int(3)]));
  }
  return { fields, observations };
}
