import { readFileSync } from 'node:fs';
import type { VethPair } from './netns.js';

/** What `nmap -sV` said about one TCP port. */
export interface NmapService {
  port: number;
  name?: string;
  product?: string;
  version?: string;
  /** "probed" when a probe reply matched, "table" when nmap only guessed from the port number. */
  method?: string;
}

/** Runs `nmap -sV` from a namespace against some ports and returns each port's service. */
export function nmapServiceScan(
  pair: VethPair,
  ns: string,
  target: string,
  ports: readonly number[],
  xmlPath: string,
): NmapService[] {
  pair.exec(ns, 'nmap', ['-sV', '-Pn', '-n', '-p', ports.join(','), '-oX', xmlPath, target], 240_000);
  return parseNmapXml(readFileSync(xmlPath, 'utf8'));
}

/** The <service> of each TCP port in nmap's XML output. */
export function parseNmapXml(xml: string): NmapService[] {
  const out: NmapService[] = [];
  for (const m of xml.matchAll(/<port protocol="tcp" portid="(\d+)">([\s\S]*?)<\/port>/g)) {
    const service = /<service ([^>]*?)\/?>/.exec(m[2]);
    const attr = (name: string): string | undefined => {
      const a = service === null ? null : new RegExp(` ${name}="([^"]*)"`).exec(` ${service[1]}`);
      return a === null ? undefined : unescapeXml(a[1]);
    };
    out.push({
      port: Number(m[1]),
      name: attr('name'),
      product: attr('product'),
      version: attr('version'),
      method: attr('method'),
    });
  }
  return out;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');
}
