import type { KernelProbe } from '@glia/libbpf';
import { describe, expect, it } from 'vitest';
import { probeTcx } from './probe.js';

const ok = { ok: true };
const all: KernelProbe = { addon: ok, bpf: ok, btf: ok, tcx: ok, xdp: ok, ringbuf: ok };
const no = (reason: string) => ({ ok: false, reason });

describe('probeTcx', () => {
  const cases: Array<[string, Partial<KernelProbe>, boolean | undefined, ReturnType<typeof probeTcx>]> = [
    ['everything there', {}, undefined, { ok: true, legacy: false }],
    ['no privileges', { bpf: no('EPERM') }, undefined, { ok: false, legacy: false, reason: 'bpf: EPERM' }],
    [
      'no addon',
      { addon: no('not built') },
      undefined,
      { ok: false, legacy: false, reason: 'addon: not built' },
    ],
    [
      'no ring buffers',
      { ringbuf: no('old') },
      undefined,
      { ok: false, legacy: false, reason: 'ringbuf: old' },
    ],
    [
      'no tcx: legacy tc',
      { tcx: no('6.1') },
      undefined,
      { ok: true, legacy: true, reason: 'tcx: 6.1; legacy tc will be used' },
    ],
    ['no tcx, legacy off', { tcx: no('6.1') }, false, { ok: false, legacy: false, reason: 'tcx: 6.1' }],
  ];
  it.each(cases)('%s', (_name, override, legacyTc, want) => {
    expect(probeTcx({ legacyTc }, { ...all, ...override })).toEqual(want);
  });
});
