import type { FieldSpec } from '@glia/core';

const flag = (name: string, what: string): FieldSpec => ({
  name,
  type: 'Int',
  description: `1 when the ${what}, else 0`,
});

const PER_SOURCE =
  'of the client (ip.src) over the sliding window of packet time (window_seconds, 60 s by default), this observation included';

const count = (name: string, what: string): FieldSpec => ({
  name,
  type: 'Int',
  description: `${what} ${PER_SOURCE}`,
});

/** The rule fields the flow enricher provides (declared on its factory). */
export const FLOW_FIELDS: readonly FieldSpec[] = [
  flag('ids.src_home_net', 'client (ip.src) is inside network.home_net'),
  flag('ids.dst_home_net', 'server (ip.dst) is inside network.home_net'),
  flag('ids.dst_external_net', 'server (ip.dst) is outside network.home_net'),
  flag('ids.src_pod_net', 'client (ip.src) is inside network.pod_nets'),
  flag('ids.dst_pod_net', 'server (ip.dst) is inside network.pod_nets'),
  count('flow.unique_dst_ports', 'distinct destination ports (port/proto)'),
  count('flow.unique_dsts', 'distinct destination addresses'),
  count(
    'flow.flows_per_min',
    'distinct connections (client port, server, server port, proto; a SYN and its SYN-ACK count once)',
  ),
  count(
    'flow.dst_port_entropy',
    'Shannon entropy (bits × 100, rounded half up) of the destination ports of the connections',
  ),
];
