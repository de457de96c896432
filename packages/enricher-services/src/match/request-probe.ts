import type { CompiledProbe, ServiceDatabase } from './service-database.js';

/** Shortest common prefix with a probe's payload that counts as resembling it. */
export const MIN_COMMON_PREFIX = 6;

/** Request lines of text protocols nmap probes with one representative request each. */
const REQUEST_LINES: ReadonlyArray<{ pattern: RegExp; probe: string }> = [
  { pattern: /^OPTIONS [^ \r\n]+ HTTP\/\d/, probe: 'HTTPOptions' },
  { pattern: /^[A-Z][A-Z-]{1,15} [^ \r\n]+ RTSP\/\d/, probe: 'RTSPRequest' },
  { pattern: /^[A-Z]{3,10} sips?:[^ \r\n]+ SIP\/2\.0/, probe: 'SIPOptions' },
  { pattern: /^[A-Z][A-Z-]{1,15} [^ \r\n]+ HTTP\/\d/, probe: 'GetRequest' },
  { pattern: /^(\r?\n)+$/, probe: 'GenericLines' },
];

/**
 * The TCP probe a client's first bytes resemble, whose lines (then its fallbacks, then NULL) the
 * server's reply is matched with; undefined when it resembles none (the reply then goes to NULL
 * alone). In order: a probe whose payload the request begins with (nmap's own probes, replayed),
 * the request line of HTTP/RTSP/SIP or bare line ends, then the probe sharing the longest prefix
 * of at least MIN_COMMON_PREFIX bytes.
 */
export function requestProbe(db: ServiceDatabase, request: string): CompiledProbe | undefined {
  let best: CompiledProbe | undefined;
  let bestPrefix = 0;
  for (const p of db.probes) {
    if (p.probe.proto !== 'TCP' || p.probe.payload.length === 0) continue;
    const payload = p.probe.payload;
    if (request.startsWith(payload)) {
      if (payload.length > bestPrefix || best === undefined || !request.startsWith(best.probe.payload)) {
        best = p;
        bestPrefix = payload.length;
      }
    }
  }
  if (best !== undefined) return best;
  for (const { pattern, probe } of REQUEST_LINES) {
    if (pattern.test(request)) {
      const found = db.probe('TCP', probe);
      if (found !== undefined) return found;
    }
  }
  for (const p of db.probes) {
    if (p.probe.proto !== 'TCP' || p.probe.payload.length === 0) continue;
    const n = commonPrefix(request, p.probe.payload);
    if (n >= MIN_COMMON_PREFIX && n > bestPrefix) {
      best = p;
      bestPrefix = n;
    }
  }
  return best;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
