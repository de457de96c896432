import type { FieldSpec } from '@glia/core';

/** The rule fields the tls enricher provides (declared on its factory). */
export const TLS_FIELDS: readonly FieldSpec[] = [
  {
    name: 'tls.sni',
    type: 'Bytes',
    description: 'server name the client asked for in its ClientHello (lower case; ECH: the outer name)',
  },
  {
    name: 'tls.alpn',
    type: { kind: 'array', value: 'Bytes' },
    description: 'ALPN protocols the client offered in its ClientHello, in its order',
  },
];
