import { describe, expect, it } from 'vitest';
import { ResponseMatcher } from '../match/response-matcher.js';
import { ServiceDatabase } from '../match/service-database.js';
import { ACTIVE_DEFAULTS, ActiveProber } from './active-prober.js';
import { probePlan } from './probe-plan.js';

const db = ServiceDatabase.fromText(
  [
    'Exclude T:9100',
    'Probe TCP NULL q||',
    'match ssh m|^SSH-|',
    'Probe TCP Rare q|rare|',
    'rarity 9',
    'ports 7000',
    'match rare m|^R|',
    'Probe TCP Common q|common|',
    'rarity 1',
    'sslports 443',
    'match http m|^HTTP|',
    'softmatch ftp m|^220|',
    'Probe TCP Later q|later|',
    'rarity 5',
    'match ftp m|^220 x|',
    '',
  ].join('\n'),
);

describe('probePlan (nmap ServiceNFO::nextProbe)', () => {
  it.each([
    {
      name: 'NULL, then by rarity',
      port: 22,
      tls: false,
      soft: undefined,
      want: ['NULL', 'Common', 'Later'],
    },
    {
      name: 'a probe listing the port comes first, whatever its rarity',
      port: 7000,
      tls: false,
      soft: undefined,
      want: ['NULL', 'Rare', 'Common', 'Later'],
    },
    {
      name: 'through TLS sslports decide',
      port: 443,
      tls: true,
      soft: undefined,
      want: ['NULL', 'Common', 'Later'],
    },
    {
      name: 'after a softmatch only probes that can name the service',
      port: 22,
      tls: false,
      soft: 'ftp',
      want: ['Common', 'Later'],
    },
    { name: 'excluded port', port: 9100, tls: false, soft: undefined, want: [] },
  ])('$name', ({ port, tls, soft, want }) => {
    expect(probePlan(db, port, { intensity: 7, tls }, soft).map((p) => p.probe.name)).toEqual(want);
  });
});

describe('ActiveProber.consider', () => {
  const make = (tls = false) =>
    new ActiveProber(
      db,
      new ResponseMatcher(),
      // Loopback only: nothing listens on these ports, so each probe is refused at once.
      {
        ...ACTIVE_DEFAULTS,
        enabled: true,
        cidrs: ['127.0.0.0/8'],
        ports: '1-1000',
        after_seconds: 60,
        retry_seconds: 600,
        tls,
        connect_timeout_ms: 200,
        max_wait_ms: 200,
      },
      () => undefined,
    );

  it('queues a port seen for after_seconds, once per retry_seconds, and only allowed ones', async () => {
    const prober = make();
    prober.consider('127.0.0.1', 9, 0);
    prober.consider('127.0.0.1', 9, 59_000);
    expect(prober.counters.queued).toBe(0);
    prober.consider('127.0.0.1', 9, 60_000);
    expect(prober.counters.queued).toBe(1);
    prober.consider('127.0.0.1', 9, 61_000);
    expect(prober.counters.queued).toBe(1);
    prober.consider('127.0.0.1', 9, 661_000);
    expect(prober.counters.queued).toBe(2);
    // Outside the allowed addresses or ports, or a TLS port without tls: never.
    for (const [ip, port] of [
      ['192.0.2.1', 9],
      ['127.0.0.1', 2000],
      ['127.0.0.1', 443],
    ] as const) {
      prober.consider(ip, port, 0);
      prober.consider(ip, port, 1_000_000);
    }
    expect(prober.counters.queued).toBe(2);
    expect(prober.enqueue({ ip: '192.0.2.1', port: 9 })).toBe(false);
    expect(make(true).allowed('127.0.0.1', 443)).toBe(true);
    await prober.idle();
    prober.stop();
  });

  it('forgets a port once its banner is seen', () => {
    const prober = make();
    prober.consider('127.0.0.1', 9, 0);
    prober.bannerSeen('127.0.0.1', 9);
    prober.consider('127.0.0.1', 9, 60_000);
    expect(prober.counters.queued).toBe(0);
    prober.stop();
  });
});
