import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRouteDevices, defaultRoutesV4, defaultRoutesV6 } from './default-route.js';

const ROUTE_V4 = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
  'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
  'wg0\t00000000\t00000000\t0001\t0\t0\t100\t00000000\t0\t0\t0',
  'down0\t00000000\t010200C0\t0002\t0\t0\t0\t00000000\t0\t0\t0',
  'half0\t00000000\t010200C0\t0003\t0\t0\t0\t00FFFFFF\t0\t0\t0',
].join('\n');

const Z = '0'.repeat(32);
const ROUTE_V6 = [
  `fd000000000000000000000000000000 40 ${Z} 00 ${Z} 00000100 00000001 00000000 00000001     eth0`,
  `${Z} 00 ${Z} 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth1`,
  `${Z} 00 ${Z} 00 ${Z} ffffffff 00000001 00000000 00200200       lo`,
  `${Z} 00 ${Z} 00 ${Z} 00000400 00000001 00000000 00000002     down6`,
].join('\n');

describe('default routes', () => {
  it('IPv4: up routes to 0.0.0.0/0 only', () => {
    expect(defaultRoutesV4(ROUTE_V4)).toEqual(['eth0', 'wg0']);
    expect(defaultRoutesV4('')).toEqual([]);
  });

  it('IPv6: up ::/0 routes, not the reject route on lo', () => {
    expect(defaultRoutesV6(ROUTE_V6)).toEqual(['eth1']);
  });

  it('both files, sorted and without duplicates; missing files give none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-proc-net-'));
    writeFileSync(join(dir, 'route'), ROUTE_V4);
    writeFileSync(join(dir, 'ipv6_route'), ROUTE_V6);
    expect(defaultRouteDevices(dir)).toEqual(['eth0', 'eth1', 'wg0']);
    expect(defaultRouteDevices(join(dir, 'nope'))).toEqual([]);
  });
});
