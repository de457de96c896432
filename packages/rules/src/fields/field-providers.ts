/**
 * Which plugin provides a field, by name prefix (DESIGN §5), so a rule naming a field of an
 * enricher that is not enabled is rejected with the enricher to enable rather than "unknown field".
 */
const PROVIDERS: ReadonlyArray<{ prefix: string; exact: boolean; provider: string }> = [
  { prefix: 'ip.', exact: false, provider: 'core' },
  { prefix: 'tcp.', exact: false, provider: 'core' },
  { prefix: 'udp.', exact: false, provider: 'core' },
  { prefix: 'net.', exact: false, provider: 'core' },
  { prefix: 'conn.', exact: false, provider: 'core' },
  { prefix: 'identity.', exact: false, provider: 'identity' },
  { prefix: 'edge.', exact: false, provider: 'identity' },
  { prefix: 'dns.', exact: false, provider: 'fqdn' },
  { prefix: 'tls.', exact: false, provider: 'tls' },
  { prefix: 'ja4t', exact: true, provider: 'ja4t' },
  { prefix: 'ja4ts', exact: true, provider: 'ja4t' },
  { prefix: 'service.', exact: false, provider: 'services' },
  { prefix: 'flow.', exact: false, provider: 'flow' },
  { prefix: 'ids.', exact: false, provider: 'flow' },
];

/** "core", an enricher type, or undefined when no known plugin provides fields named like this. */
export function providerOf(field: string): string | undefined {
  for (const p of PROVIDERS) {
    if (p.exact ? field === p.prefix : field.startsWith(p.prefix)) return p.provider;
  }
  return undefined;
}
