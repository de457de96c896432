import type { FieldType } from '@glia/core';

/**
 * Test data for this package's own tests: rule fields named and typed as the agent's are, so
 * expressions in tests read like real rules. Not exported: the agent's fields are declared on the
 * plugin factories (core's CORE_FIELDS and each enricher's `fields`), and a cross-package test
 * checks those against DESIGN §5.
 */
interface FieldSpec {
  name: string;
  type: FieldType;
  provider: string;
  description: string;
}

const k8s = (side: 'src' | 'dst'): FieldSpec[] => [
  {
    name: `identity.k8s.${side}_namespace`,
    type: 'Bytes',
    provider: 'identity',
    description: `${side} namespace`,
  },
  {
    name: `identity.k8s.${side}_workload`,
    type: 'Bytes',
    provider: 'identity',
    description: `${side} workload`,
  },
  { name: `identity.k8s.${side}_app`, type: 'Bytes', provider: 'identity', description: `${side} app` },
  {
    name: `identity.k8s.${side}_label`,
    type: { kind: 'map', value: 'Bytes' },
    provider: 'identity',
    description: `${side} workload labels`,
  },
];

const flag = (name: string, provider: string, description: string): FieldSpec => ({
  name,
  type: 'Int',
  provider,
  description: `${description} (0/1)`,
});

export const TEST_FIELDS: readonly FieldSpec[] = [
  { name: 'ip.src', type: 'Ip', provider: 'core', description: 'client address' },
  { name: 'ip.dst', type: 'Ip', provider: 'core', description: 'server address' },
  { name: 'ip.proto', type: 'Bytes', provider: 'core', description: '"tcp" or "udp"' },
  { name: 'tcp.srcport', type: 'Int', provider: 'core', description: 'client port of a TCP edge' },
  { name: 'tcp.dstport', type: 'Int', provider: 'core', description: 'server port of a TCP edge' },
  { name: 'udp.srcport', type: 'Int', provider: 'core', description: 'client port of a UDP edge' },
  { name: 'udp.dstport', type: 'Int', provider: 'core', description: 'server port of a UDP edge' },
  { name: 'net.vni', type: 'Int', provider: 'core', description: 'VNI of the overlay' },
  { name: 'conn.phase', type: 'Bytes', provider: 'core', description: '"syn", "synack" or "flow"' },
  flag('ids.src_home_net', 'flow', 'source is in network.home_net'),
  flag('ids.dst_home_net', 'flow', 'destination is in network.home_net'),
  flag('ids.dst_external_net', 'flow', 'destination is outside network.home_net'),
  flag('ids.src_pod_net', 'flow', 'source is in network.pod_nets'),
  flag('ids.dst_pod_net', 'flow', 'destination is in network.pod_nets'),
  {
    name: 'flow.unique_dst_ports',
    type: 'Int',
    provider: 'flow',
    description: 'distinct destination ports of the source IP, sliding 60 s',
  },
  {
    name: 'flow.unique_dsts',
    type: 'Int',
    provider: 'flow',
    description: 'distinct destinations of the source IP, sliding 60 s',
  },
  {
    name: 'flow.flows_per_min',
    type: 'Int',
    provider: 'flow',
    description: 'flows of the source IP, sliding 60 s',
  },
  {
    name: 'flow.dst_port_entropy',
    type: 'Int',
    provider: 'flow',
    description: 'Shannon entropy of destination ports × 100',
  },
  ...k8s('src'),
  ...k8s('dst'),
  flag('identity.internet_exposed', 'identity', 'destination is exposed to the internet'),
  flag('identity.control_plane', 'identity', 'destination is a control-plane workload'),
  flag('edge.declared', 'identity', 'an E line of the declared edges matches'),
  flag('edge.policy_violation', 'identity', 'not declared and the destination or source is governed'),
  {
    name: 'dns.fqdn',
    type: 'Bytes',
    provider: 'fqdn',
    description: 'name the destination IP was resolved from',
  },
  { name: 'tls.sni', type: 'Bytes', provider: 'tls', description: 'TLS server name indication' },
  { name: 'ja4t', type: 'Bytes', provider: 'ja4t', description: 'client JA4T TCP fingerprint' },
  { name: 'ja4ts', type: 'Bytes', provider: 'ja4t', description: 'server JA4TS TCP fingerprint' },
  {
    name: 'service.name',
    type: 'Bytes',
    provider: 'services',
    description: 'service on the destination port',
  },
  {
    name: 'service.product',
    type: 'Bytes',
    provider: 'services',
    description: 'product on the destination port',
  },
  {
    name: 'service.version',
    type: 'Bytes',
    provider: 'services',
    description: 'version on the destination port',
  },
];
