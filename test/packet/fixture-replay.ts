import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  replayCaptureEvents,
  type CaptureEventMap,
  type CaptureTopic,
  type ReplaySummary,
} from '@glia/packet';

export interface TopicEvent<K extends CaptureTopic = CaptureTopic> {
  topic: K;
  event: CaptureEventMap[K];
}

/** The capture files of the shared fixtures, sorted. */
export function fixtureCaptures(fixtures: string): string[] {
  return readdirSync(join(fixtures, 'pcaps'))
    .filter((n) => /\.(pcap|pcapng)$/.test(n))
    .sort();
}

/** Replays a capture at full speed and collects every event in order. */
export async function replayAll(path: string): Promise<{ events: TopicEvent[]; summary: ReplaySummary }> {
  const events: TopicEvent[] = [];
  const summary = await replayCaptureEvents(path, (topic, event) =>
    events.push({ topic, event } as TopicEvent),
  );
  return { events, summary };
}

export function ofTopic<K extends CaptureTopic>(events: TopicEvent[], topic: K): Array<CaptureEventMap[K]> {
  return events.filter((e) => e.topic === topic).map((e) => e.event as CaptureEventMap[K]);
}
