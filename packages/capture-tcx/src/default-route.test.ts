import { describe, expect, it } from 'vitest';
import { defaultRouteDevice, resolveInterfaces } from './default-route.js';

const ROUTE_HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
const files = (route: string, ipv6 = ''): ((p: string) => string) => {
  return (p) => {
    if (p === '/proc/net/route') return route;
    if (p === '/proc/net/ipv6_route') return ipv6;
    throw new Error(`unexpected ${p}`);
  };
};

describe('defaultRouteDevice', () => {
  const cases: Array<[string, string, string, string | null]> = [
    [
      'IPv4 default route',
      `${ROUTE_HEADER}\neth1\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\neth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`,
      '',
      'eth0',
    ],
    [
      'a default route that is down is not used',
      `${ROUTE_HEADER}\neth0\t00000000\t0100A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n`,
      '',
      null,
    ],
    [
      'IPv6 default route when IPv4 has none',
      `${ROUTE_HEADER}\n`,
      '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     ens3\n',
      'ens3',
    ],
    ['no route at all', `${ROUTE_HEADER}\n`, '', null],
  ];
  it.each(cases)('%s', (_name, route, ipv6, want) => {
    expect(defaultRouteDevice(files(route, ipv6))).toBe(want);
  });
});

describe('resolveInterfaces', () => {
  it('replaces auto by the default-route device and drops repeats', () => {
    expect(resolveInterfaces(['auto', 'eth0', 'vxlan0'], 'egress_interfaces', () => 'eth0')).toEqual([
      'eth0',
      'vxlan0',
    ]);
  });
  it('names the key when auto finds no route', () => {
    expect(() => resolveInterfaces(['auto'], 'egress_interfaces', () => null)).toThrow(
      'egress_interfaces: "auto" found no default route in this network namespace',
    );
  });
});
