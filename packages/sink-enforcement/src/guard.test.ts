import { describe, expect, it } from 'vitest';
import { NeverBanGuard } from './guard.js';

const guard = new NeverBanGuard(
  { home_net: ['10.0.0.0/8'], pod_nets: ['10.244.0.0/16'], never_ban: ['10.96.0.10/32', 'fd00:53::/64'] },
  ['192.168.1.5', 'fe80::1'],
);
const edge = (client: string, server: string) => ({ client, server, port: 53, proto: 'udp' as const });

describe('NeverBanGuard', () => {
  const cases: Array<[string, string, string, string | null]> = [
    ['two pods: a per-edge ban is allowed', '10.244.1.2', '10.244.2.3', null],
    ['server in never_ban', '10.244.1.2', '10.96.0.10', 'server 10.96.0.10 is in network.never_ban'],
    [
      'client in an IPv6 never_ban range',
      'fd00:53::9',
      'fd00::1',
      'client fd00:53::9 is in network.never_ban',
    ],
    [
      'the node itself as client',
      '192.168.1.5',
      '10.244.2.3',
      'client 192.168.1.5 is an address of this node',
    ],
    [
      'a node address written differently',
      '10.244.1.2',
      'fe80:0:0::1',
      'server fe80:0:0::1 is an address of this node',
    ],
    ['an external server', '10.244.1.2', '203.0.113.9', null],
  ];
  it.each(cases)('%s', (_name, client, server, want) => {
    expect(guard.refusal(edge(client, server))).toBe(want);
  });
});
