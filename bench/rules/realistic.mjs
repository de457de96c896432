// The realistic 20-rule set of bench/rules (microsegmentation, behavioural and IDS rules using every
// operator family) and its population: 200 workloads in pods, a few external hosts, enricher-like
// field definitions backed by lookup tables, 65 536 observations (80 % pod to pod).
import { observationOf } from './harness.mjs';

export const RULES = [
  { id: 'policy-violation', expression: 'edge.policy_violation == 1', action: 'drop', source: 'microseg' },
  {
    id: 'apiserver-undeclared',
    expression:
      'identity.k8s.dst_workload eq "kube-apiserver" and edge.declared == 0 and ids.src_home_net == 1',
    action: 'drop',
    source: 'microseg',
  },
  {
    id: 'port-scan',
    expression: 'ids.src_home_net == 1 and ids.dst_home_net == 1 and flow.unique_dst_ports ge 25',
    action: 'drop',
    source: 'behavioral',
    ttl: 300,
  },
  {
    id: 'host-sweep',
    expression:
      'ids.src_home_net == 1 and ids.dst_home_net == 1 and flow.flows_per_min ge 30 and flow.dst_port_entropy le 100',
    action: 'log',
    source: 'behavioral',
  },
  {
    id: 'frontend-evil',
    expression: 'identity.k8s.src_label["app"] eq "frontend" and dns.fqdn matches "(^|\\.)evil\\.com$"',
    action: 'drop',
    source: 'ids',
  },
  {
    id: 'mgmt-ports',
    expression: 'ip.dst in {10.0.0.0/8 2001:db8::/32} and tcp.dstport in {22 3389 5900 8000..8999}',
    action: 'log',
  },
  {
    id: 'db-from-non-backend',
    expression:
      'identity.k8s.dst_app eq "postgres" and not identity.k8s.src_app in {"api" "worker" "migrations"}',
    action: 'drop',
    source: 'microseg',
  },
  {
    id: 'redis-exposed',
    expression: 'service.name eq "redis" and identity.internet_exposed == 1',
    action: 'log',
    source: 'behavioral',
  },
  {
    id: 'crypto-pool',
    expression: 'dns.fqdn wildcard "*.pool.*" or tcp.dstport in {3333 4444 14444}',
    action: 'drop',
    source: 'ids',
  },
  {
    id: 'tor-exit',
    expression: 'ids.dst_external_net == 1 and tcp.dstport in {9001 9030 9050}',
    action: 'drop',
    source: 'ids',
  },
  {
    id: 'smb-egress',
    expression: 'ids.dst_external_net == 1 and tcp.dstport in {139 445}',
    action: 'drop',
    source: 'ids',
  },
  {
    id: 'dns-over-tcp-odd',
    expression: 'tcp.dstport eq 53 and not identity.k8s.src_app eq "coredns"',
    action: 'log',
  },
  {
    id: 'control-plane-from-pods',
    expression:
      'identity.control_plane == 1 and ids.src_pod_net == 1 and not identity.k8s.src_namespace in {"kube-system" "monitoring"}',
    action: 'log',
    source: 'microseg',
  },
  {
    id: 'old-openssh',
    expression: 'lower(service.product) eq "openssh" and service.version lt "7.4"',
    action: 'log',
    source: 'behavioral',
  },
  {
    id: 'scanner-ja4t',
    expression: 'ja4t in {"1024_2_1460_00" "65535_2_1460_00"}',
    action: 'log',
    source: 'ids',
  },
  { id: 'sni-onion', expression: 'len(tls.sni) gt 0 and ends_with(lower(tls.sni), ".onion")', action: 'log' },
  {
    id: 'payments-egress',
    expression:
      'identity.k8s.src_namespace eq "payments" and ids.dst_external_net == 1 and not dns.fqdn in {"api.stripe.com" "api.adyen.com"}',
    action: 'drop',
    source: 'microseg',
  },
  {
    id: 'staging-to-prod',
    expression: 'identity.k8s.src_label["env"] eq "staging" and identity.k8s.dst_label["env"] eq "prod"',
    action: 'drop',
    source: 'microseg',
  },
  {
    id: 'metadata-service',
    expression: 'ip.dst eq 169.254.169.254 and not identity.k8s.src_namespace eq "kube-system"',
    action: 'drop',
    source: 'microseg',
  },
  {
    id: 'allow-monitoring',
    expression: 'identity.k8s.src_namespace eq "monitoring" and tcp.dstport in {9090 9100 10250}',
    action: 'allow',
  },
];

/** Field definitions and observations: deterministic (seeded), the same on every run. */
export function population() {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const apps = ['frontend', 'api', 'worker', 'postgres', 'redis', 'coredns', 'prometheus', 'payments-api'];
  const namespaces = ['default', 'shop', 'payments', 'kube-system', 'monitoring'];
  const identities = new Map();
  for (let i = 0; i < 200; i++) {
    const app = pick(apps);
    identities.set(`10.244.${i >> 6}.${(i & 63) + 2}`, {
      app,
      namespace: pick(namespaces),
      workload: `${app}-${i % 7}`,
      labels: new Map([
        ['app', app],
        ['env', pick(['prod', 'prod', 'staging'])],
        ['team', pick(['web', 'data', 'ops'])],
      ]),
    });
  }
  const podIps = [...identities.keys()];
  const externals = ['93.184.216.34', '140.82.112.3', '1.2.3.4', '104.16.0.1'];
  const fqdns = new Map([
    ['93.184.216.34', 'example.com'],
    ['140.82.112.3', 'github.com'],
    ['1.2.3.4', 'x.evil.com'],
    ['104.16.0.1', 'api.stripe.com'],
  ]);
  const homeNet = (ip) => ip.startsWith('10.') || ip.startsWith('192.168.');
  // Most sources are quiet; about 2% behave like scanners.
  const perSource = new Map(
    podIps.map((ip) => {
      const scanner = rand() < 0.02;
      return [
        ip,
        {
          ports: scanner ? 200 : 1 + Math.floor(rand() * 5),
          flows: scanner ? 600 : Math.floor(rand() * 20),
          entropy: scanner ? 700 : Math.floor(rand() * 150),
        },
      ];
    }),
  );

  const srcId = (o) => identities.get(o.client);
  const dstId = (o) => identities.get(o.server);
  const id = (side) => (side === 'src' ? srcId : dstId);
  const enricherFields = [
    ...['src', 'dst'].flatMap((side) => [
      {
        name: `identity.k8s.${side}_namespace`,
        type: 'Bytes',
        description: '',
        resolve: (o) => id(side)(o)?.namespace,
      },
      {
        name: `identity.k8s.${side}_workload`,
        type: 'Bytes',
        description: '',
        resolve: (o) => id(side)(o)?.workload,
      },
      { name: `identity.k8s.${side}_app`, type: 'Bytes', description: '', resolve: (o) => id(side)(o)?.app },
      {
        name: `identity.k8s.${side}_label`,
        type: { kind: 'map', value: 'Bytes' },
        description: '',
        resolve: (o) => id(side)(o)?.labels,
      },
    ]),
    {
      name: 'identity.internet_exposed',
      type: 'Int',
      description: '',
      resolve: (o) => (id('dst')(o)?.app === 'frontend' ? 1 : 0),
    },
    {
      name: 'identity.control_plane',
      type: 'Int',
      description: '',
      resolve: (o) => (o.server.startsWith('10.0.0.') ? 1 : 0),
    },
    { name: 'edge.declared', type: 'Int', description: '', resolve: (o) => (o.serverPort === 5432 ? 1 : 0) },
    {
      name: 'edge.policy_violation',
      type: 'Int',
      description: '',
      resolve: (o) => (o.serverPort === 6666 ? 1 : 0),
    },
    { name: 'ids.src_home_net', type: 'Int', description: '', resolve: (o) => (homeNet(o.client) ? 1 : 0) },
    { name: 'ids.dst_home_net', type: 'Int', description: '', resolve: (o) => (homeNet(o.server) ? 1 : 0) },
    {
      name: 'ids.dst_external_net',
      type: 'Int',
      description: '',
      resolve: (o) => (homeNet(o.server) ? 0 : 1),
    },
    {
      name: 'ids.src_pod_net',
      type: 'Int',
      description: '',
      resolve: (o) => (o.client.startsWith('10.244.') ? 1 : 0),
    },
    {
      name: 'ids.dst_pod_net',
      type: 'Int',
      description: '',
      resolve: (o) => (o.server.startsWith('10.244.') ? 1 : 0),
    },
    {
      name: 'flow.unique_dst_ports',
      type: 'Int',
      description: '',
      resolve: (o) => perSource.get(o.client)?.ports,
    },
    {
      name: 'flow.unique_dsts',
      type: 'Int',
      description: '',
      resolve: (o) => perSource.get(o.client)?.ports,
    },
    {
      name: 'flow.flows_per_min',
      type: 'Int',
      description: '',
      resolve: (o) => perSource.get(o.client)?.flows,
    },
    {
      name: 'flow.dst_port_entropy',
      type: 'Int',
      description: '',
      resolve: (o) => perSource.get(o.client)?.entropy,
    },
    { name: 'dns.fqdn', type: 'Bytes', description: '', resolve: (o) => fqdns.get(o.server) },
    {
      name: 'tls.sni',
      type: 'Bytes',
      description: '',
      resolve: (o) => (o.serverPort === 443 ? fqdns.get(o.server) : undefined),
    },
    {
      name: 'ja4t',
      type: 'Bytes',
      description: '',
      resolve: (o) => (o.phase === 'syn' ? '64240_2-4-8-1-3_1460_7' : undefined),
    },
    { name: 'ja4ts', type: 'Bytes', description: '', resolve: () => undefined },
    {
      name: 'service.name',
      type: 'Bytes',
      description: '',
      resolve: (o) => (o.serverPort === 6379 ? 'redis' : o.serverPort === 22 ? 'ssh' : undefined),
    },
    {
      name: 'service.product',
      type: 'Bytes',
      description: '',
      resolve: (o) => (o.serverPort === 22 ? 'OpenSSH' : undefined),
    },
    {
      name: 'service.version',
      type: 'Bytes',
      description: '',
      resolve: (o) => (o.serverPort === 22 ? '8.9p1' : undefined),
    },
  ];

  const ports = [80, 443, 5432, 6379, 8080, 22, 53, 9090, 3000, 8443];
  const N = 65536;
  const observations = [];
  for (let i = 0; i < N; i++) {
    const client = pick(podIps);
    const external = rand() < 0.2;
    const server = external ? pick(externals) : pick(podIps);
    const serverPort = external ? pick([443, 443, 80]) : pick(ports);
    observations.push(observationOf(i, client, server, serverPort, pick(['syn', 'synack', 'flow'])));
  }
  return { fields: enricherFields, observations };
}
