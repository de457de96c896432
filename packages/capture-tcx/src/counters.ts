import type { BpfMap } from '@glia/libbpf';

/** enum glia_counter of bpf/include/glia_abi.h, in order. */
export const COUNTER_NAMES = [
  'packets',
  'events',
  'ringbuf_drops',
  'undecodable',
  'ignored',
  'shot',
  'filtered',
  'flow_table_full',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];
export type ProgramCounters = Record<CounterName, number>;

/** Indexes of the counters array (GLIA_PROG_*). */
export const ProgramIndex = { tcx_ingress: 0, tcx_egress: 1, xdp: 2 } as const;
export type ProgramName = keyof typeof ProgramIndex;

/** One program's counters, summed over the CPUs of the per-CPU array. */
export function readCounters(map: BpfMap, program: ProgramName): ProgramCounters {
  const key = Buffer.alloc(4);
  key.writeUInt32LE(ProgramIndex[program]);
  const out = Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as ProgramCounters;
  const value = map.lookup(key);
  if (value === undefined) return out;
  for (const slot of map.perCpuValues(value)) {
    COUNTER_NAMES.forEach((name, i) => {
      out[name] += Number(slot.readBigUInt64LE(i * 8));
    });
  }
  return out;
}
