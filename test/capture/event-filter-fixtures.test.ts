import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureFilter } from '@glia/capture-afpacket';
import { fixtureCaptures, hasTool } from '@glia/core/testing';
import { eventToJson, replayCaptureEvents } from '@glia/packet';
import { describe, expect, it } from 'vitest';
import { edges, sorted, type EventLine } from './live-capture.js';

const { pcaps, captures } = fixtureCaptures();
const withTcpdump = captures.length > 0 && hasTool('tcpdump');
const dir = mkdtempSync(join(tmpdir(), 'glia-filter-fixtures-'));
const FILTER = captureFilter('events', { sampleBits: 6 });

async function replay(file: string): Promise<EventLine[]> {
  const lines: EventLine[] = [];
  await replayCaptureEvents(file, (topic, event) =>
    lines.push(JSON.parse(eventToJson(event, topic)) as EventLine),
  );
  return lines;
}

/** Packets in a capture (tcpdump counts), optionally those the filter passes. */
function count(file: string, expression?: string): number {
  const args = ['-n', '-r', file];
  if (expression !== undefined) args.push(expression);
  return execFileSync('tcpdump', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 28,
  })
    .split('\n')
    .filter(Boolean).length;
}

/**
 * The events filter applied (by tcpdump, i.e. libpcap's compiler) to the shared real captures: what
 * the capture events are made of must survive it. Captures whose link type the filter is not built
 * for (not Ethernet) are left out.
 */
describe.skipIf(!withTcpdump)('the events filter over the shared real captures', () => {
  // Ethernet captures tcpdump reads to the end (a pcapng with interfaces of other link types stops it).
  const ethernet = captures.filter((c) => {
    const read = spawnSync('tcpdump', ['-n', '-r', join(pcaps, c)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return read.status === 0 && read.stderr.includes('EN10MB') && !read.stderr.includes('pcap_loop');
  });
  let total = 0;
  let passed = 0;
  const bannerDiffs: string[] = [];
  const missedEdges: string[] = [];

  it.each(ethernet)(
    '%s keeps its handshake edges, conn events (fingerprints) and DNS answers',
    async (name) => {
      const file = join(pcaps, name);
      const filtered = join(dir, name.replace(/\.pcapng$/, '.pcap'));
      execFileSync('tcpdump', ['-r', file, '-w', filtered, FILTER], { stdio: 'ignore' });
      // tcpdump writes one-interface pcap: interface names are not the filter's business.
      const [full, cut] = [await replay(file), await replay(filtered)].map((list) =>
        list.map(({ iface: _iface, ...rest }) => rest as EventLine),
      );
      expect(sorted(cut, (e) => e.topic === 'conn')).toEqual(sorted(full, (e) => e.topic === 'conn'));
      expect(sorted(cut, (e) => e.topic === 'dns')).toEqual(sorted(full, (e) => e.topic === 'dns'));
      // Every edge a handshake shows survives; an edge seen only in flow events (UDP other than DNS,
      // TCP without a handshake) survives when one of its packets passes, else it is the documented
      // cost of the sample. No edge is made up.
      const fullEdges = edges(full);
      const cutEdges = edges(cut);
      for (const e of edges(full.filter((x) => x.topic === 'conn'))) expect(cutEdges).toContain(e);
      for (const e of cutEdges) expect(fullEdges).toContain(e);
      for (const e of fullEdges) if (!cutEdges.includes(e)) missedEdges.push(`${name}: ${e}`);
      const payload = (e: EventLine): boolean => e.topic === 'banner';
      if (sorted(cut, payload).join() !== sorted(full, payload).join()) bannerDiffs.push(name);
      total += count(file);
      passed += count(file, FILTER);
    },
  );

  it('lets through a fraction of the packets; says which flow-only edges the sample missed', () => {
    console.info(
      `events filter over ${ethernet.length} shared captures: ${passed} of ${total} packets pass (${((100 * passed) / total).toFixed(1)} %); banners differ in: ${bannerDiffs.join(', ') || 'none'}; edges seen only in flow events and missed by the sample: ${missedEdges.join('; ') || 'none'}`,
    );
    expect(passed).toBeLessThan(total);
    expect(ethernet.length).toBeGreaterThan(20);
  });
});
