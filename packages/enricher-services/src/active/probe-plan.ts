import { portListHas } from '../probes/port-list.js';
import type { CompiledProbe, ServiceDatabase } from '../match/service-database.js';

/** nmap's default --version-intensity. */
export const DEFAULT_INTENSITY = 7;

export interface PlanOptions {
  intensity: number;
  /** Probe through TLS: the `sslports` lists decide which probes list the port. */
  tls: boolean;
}

/**
 * The TCP probes nmap's ServiceNFO::nextProbe sends to a port, in its order: NULL; then, in file
 * order, the probes whose ports (sslports through TLS) list the port, whatever their rarity; then
 * the other probes whose rarity is at most the intensity. `softService`: after a softmatch nmap
 * only sends probes with a line for that service (and no rarity limit for the second group).
 * Empty for a port in the file's Exclude list.
 */
export function probePlan(
  db: ServiceDatabase,
  port: number,
  options: PlanOptions,
  softService?: string,
): CompiledProbe[] {
  if (db.exclude !== undefined && portListHas(db.exclude, port, 'tcp')) return [];
  const tcp = db.probes.filter((p) => p.probe.proto === 'TCP' && p !== db.nullProbe);
  const listed = (p: CompiledProbe): boolean =>
    portListHas(options.tls ? p.probe.sslports : p.probe.ports, port);
  const possible = (p: CompiledProbe): boolean =>
    softService === undefined || p.lines.some((l) => l.match.service === softService);
  const plan: CompiledProbe[] = [];
  if (db.nullProbe !== undefined && softService === undefined) plan.push(db.nullProbe);
  for (const p of tcp) if (listed(p) && possible(p)) plan.push(p);
  for (const p of tcp) {
    if (listed(p)) continue;
    if (softService === undefined ? p.probe.rarity <= options.intensity : possible(p)) plan.push(p);
  }
  return plan;
}

/** Whether any probe lists the port in `sslports`: nmap expects TLS there. */
export function isTlsPort(db: ServiceDatabase, port: number): boolean {
  return db.probes.some((p) => p.probe.proto === 'TCP' && portListHas(p.probe.sslports, port));
}
