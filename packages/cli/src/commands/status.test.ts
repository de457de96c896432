import { describe, expect, it } from 'vitest';
import { formatStatus } from './status.js';

describe('formatStatus', () => {
  it('puts the observe backend first, then one aligned row per plugin with counters and reason', () => {
    const text = formatStatus({
      observe: {
        mode: 'auto',
        chosen: 'af_packet',
        instance: 'observe-af_packet',
        rungs: [
          { rung: 'tcx', plugin: 'tcx', outcome: 'refused', reason: 'host lacks: bpf' },
          { rung: 'tc', plugin: 'tcx', outcome: 'refused', reason: 'host lacks: bpf' },
          { rung: 'af_packet', plugin: 'af_packet', outcome: 'chosen' },
        ],
      },
      plugins: [
        {
          name: 'observe-af_packet',
          kind: 'capture',
          type: 'af_packet',
          health: {
            state: 'degraded',
            reason: 'capturing on 1 of 2 devices; eth1: the device does not exist (yet)',
          },
          details: { events: { conn: 4, banner: 2, dns: 0 }, drops: { kernel_ring: 0, interface: 3 } },
        },
        { name: 'blocklog', kind: 'sink', type: 'blocklog', health: { state: 'ok' } },
      ],
    });
    expect(text).toBe(
      [
        'observe backend af_packet (mode auto); refused: tcx: host lacks: bpf; tc: host lacks: bpf',
        '',
        'KIND     NAME               STATE     EVENTS           DROPS        REASON',
        'capture  observe-af_packet  degraded  conn=4 banner=2  interface=3  capturing on 1 of 2 devices; eth1: the device does not exist (yet)',
        'sink     blocklog           ok        -                -',
        '',
      ].join('\n'),
    );
  });

  it('without an observe section, only the plugin table; all-zero counters read 0', () => {
    const text = formatStatus({
      plugins: [
        {
          name: 'pcap',
          kind: 'capture',
          type: 'pcap',
          health: { state: 'ok' },
          details: { events: { conn: 0 } },
        },
      ],
    });
    expect(text.split('\n')[0]).toMatch(/^KIND/);
    expect(text).toMatch(/^capture\s+pcap\s+ok\s+0\s+-$/m);
  });
});
