import type { FieldSpec } from '@glia/core';

/** The rule fields the fqdn enricher provides (declared on its factory). */
export const FQDN_FIELDS: readonly FieldSpec[] = [
  {
    name: 'dns.fqdn',
    type: 'Bytes',
    description: 'The name most recently resolved to the destination IP (lower case, no trailing dot)',
  },
  {
    name: 'dns.fqdns',
    type: { kind: 'array', value: 'Bytes' },
    description: 'Every unexpired name resolved to the destination IP, most recent first',
  },
];
