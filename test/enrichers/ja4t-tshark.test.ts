/**
 * Oracle test: glia's JA4T/JA4TS of every SYN and SYN-ACK in the shared captures, through the
 * capture reader, the capture-event logic and the ja4t enricher, against the values derived by
 * ../shared/specs/JA4T.md from the fields tshark decodes (innermost TCP for VXLAN/Geneve).
 */
import { join } from 'node:path';
import { normalizeIp, observationOf, type ConnEvent } from '@glia/core';
import { enricherFields, fixtureCaptures, testContext, tsharkFields } from '@glia/core/testing';
import { plugin as ja4tPlugin } from '@glia/enricher-ja4t';
import { replayCaptureEvents } from '@glia/packet';
import { beforeAll, describe, expect, it } from 'vitest';

const { pcaps, captures, withTshark: run } = fixtureCaptures();

interface Handshake {
  phase: 'syn' | 'synack';
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** The fingerprint, or null where the spec gives none (ECN flags). */
  value: string | null;
}

const last = (field: string) => field.split(',').pop() ?? '';
const tuple = (h: Handshake) => `${h.phase} ${h.src}:${h.sport} > ${h.dst}:${h.dport}`;

/** The spec's rules, written out here independently of the enricher's code. */
function fromTshark(capture: string): Handshake[] {
  const rows = tsharkFields(
    capture,
    [
      '_ws.col.Source',
      'tcp.srcport',
      '_ws.col.Destination',
      'tcp.dstport',
      'tcp.flags',
      'tcp.window_size_value',
      'tcp.option_kind',
      'tcp.options.mss_val',
      'tcp.options.wscale.shift',
      'frame.time_epoch',
    ],
    'tcp.flags.syn == 1',
  );
  const synAckTimes = new Map<string, number[]>();
  return rows.map(([src, sport, dst, dport, flags, window, kinds, mss, wscale, time]) => {
    if (sport.includes(','))
      throw new Error(`${capture}: a packet with nested TCP layers; the oracle cannot split them`);
    const f = Number(flags);
    const phase = (f & 0x10) === 0 ? 'syn' : 'synack';
    const pure = f === (phase === 'syn' ? 0x002 : 0x012);
    let value: string | null = null;
    if (pure) {
      const optionText = kinds === '' ? '00' : kinds.split(',').join('-');
      const mssText = mss === '' ? '00' : last(mss).padStart(2, '0');
      const wscaleText = wscale === '' || last(wscale) === '0' ? '00' : last(wscale);
      value = `${last(window)}_${optionText}_${mssText}_${wscaleText}`;
      if (phase === 'synack') {
        // Retransmitted SYN-ACKs of one connection: delays between them in rounded seconds.
        const key = `${src}:${sport}>${dst}:${dport}`;
        const times = synAckTimes.get(key) ?? [];
        times.push(Number(time));
        synAckTimes.set(key, times);
        if (times.length > 1) {
          const delays = times.slice(1, 10).map((t, i) => Math.round(t - times[i]));
          value += `_${delays.join('-')}`;
        }
      }
    }
    return {
      phase,
      src: normalizeIp(src) ?? src,
      sport: Number(sport),
      dst: normalizeIp(dst) ?? dst,
      dport: Number(dport),
      value,
    };
  });
}

/** glia's side: @glia/packet's reader and capture-event logic feeding the ja4t enricher. */
async function fromGlia(capture: string): Promise<Handshake[]> {
  const ctx = testContext('ja4t');
  const enricher = ja4tPlugin.create(ctx, {});
  if (enricher === null) throw new Error('ja4t create returned null');
  enricher.start();
  const field = (name: string) => enricherFields(ja4tPlugin, enricher).find((f) => f.name === name);
  const out: Handshake[] = [];
  await replayCaptureEvents(capture, (topic, event) => {
    if (topic !== 'conn') return;
    const e = event as ConnEvent;
    // Resolve the field the way the policy stage does: on the observation the conn event makes.
    const o = observationOf(e, e.phase);
    ctx.bus.publish('conn', e);
    const value = e.phase === 'syn' ? field('ja4t')?.resolve(o) : field('ja4ts')?.resolve(o);
    out.push({
      phase: e.phase,
      src: e.src,
      sport: e.sport,
      dst: e.dst,
      dport: e.dport,
      value: (value as string | undefined) ?? null,
    });
  });
  enricher.stop();
  return out;
}

describe.skipIf(!run)('JA4T/JA4TS against tshark', () => {
  const results = new Map<string, { glia: Handshake[]; tshark: Handshake[] }>();

  beforeAll(async () => {
    for (const file of captures) {
      const path = join(pcaps, file);
      results.set(file, { glia: await fromGlia(path), tshark: fromTshark(path) });
    }
  });

  it.each(captures)('%s: every pure SYN and SYN-ACK matches the spec applied to tshark fields', (file) => {
    const { glia, tshark } = results.get(file) ?? { glia: [], tshark: [] };
    // The same SYN-bearing packets, in capture order, with the same inner 5-tuples.
    expect(glia.map(tuple)).toEqual(tshark.map(tuple));
    const pure = (list: Handshake[]) => list.filter((_, i) => tshark[i].value !== null);
    expect(pure(glia)).toEqual(pure(tshark));
  });

  it('compared a meaningful number of handshakes', () => {
    const all = [...results.values()].flatMap((r) => r.tshark.filter((h) => h.value !== null));
    const syns = all.filter((h) => h.phase === 'syn').length;
    const synAcks = all.filter((h) => h.phase === 'synack').length;
    console.info(
      `ja4t oracle: ${syns} pure SYNs and ${synAcks} pure SYN-ACKs compared over ${captures.length} captures`,
    );
    expect(syns).toBeGreaterThanOrEqual(30);
    expect(synAcks).toBeGreaterThanOrEqual(30);
  });

  // Values stated in ../shared/fixtures/pcaps/MANIFEST.md.
  it.each([
    { file: 'zeek_tunnels_vxlan-encapsulated-http.pcap', phase: 'syn', value: '64240_2-4-8-1-3_1460_7' },
    { file: 'zeek_tunnels_vxlan-encapsulated-http.pcap', phase: 'synack', value: '26847_2-4-8-1-3_1452_8' },
    { file: 'sv_vxlan-decoder-03_vxlan.pcap', phase: 'syn', value: '64240_2-4-8-1-3_1460_7' },
    { file: 'zeek_tunnels_geneve-many-options.pcap', phase: 'syn', value: '64860_2-4-8-1-3_1410_7' },
    { file: 'zeek_tls_chrome-34-google.pcap', phase: 'syn', value: '65535_2-1-3-1-1-8-4-0-0_1460_4' },
    { file: 'zeek_tls_chrome-1250-tls-x25519-kyber.pcap', phase: 'syn', value: '65535_00_00_00' },
    { file: 'zeek_ssh_single-conn.pcap', phase: 'syn', value: '65535_2-1-3-1-1-8_1460_00' },
    { file: 'zeek_smtp.pcap', phase: 'syn', value: '65535_2-1-1-4_1460_00' },
    { file: 'zeek_ftp_ipv4.pcap', phase: 'synack', value: '4096_2-1-3-1-1-8-4-1-1_1460_6' },
  ])('manifest: $file has $phase $value', ({ file, phase, value }) => {
    const glia = results.get(file)?.glia ?? [];
    expect(glia.filter((h) => h.phase === phase).map((h) => h.value)).toContain(value);
  });

  // The spec gives no fingerprint to a SYN with ECN bits (0xC2) or a SYN-ACK with ECE (0x52);
  // zeek_ssh_server-pre-banner-data.pcap has both.
  it('gives no fingerprint where the spec gives none (ECN SYN and SYN-ACK)', () => {
    const { glia, tshark } = results.get('zeek_ssh_server-pre-banner-data.pcap') ?? { glia: [], tshark: [] };
    const impure = glia.filter((_, i) => tshark[i].value === null);
    expect(impure.map((h) => h.phase).sort()).toEqual(['syn', 'synack']);
    expect(impure.map((h) => h.value)).toEqual([null, null]);
    for (const [file, r] of results) {
      const unexpected = r.glia.filter((h, i) => r.tshark[i].value === null && h.value !== null);
      expect(unexpected, file).toEqual([]);
    }
  });
});
