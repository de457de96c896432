import type { FieldSpec } from '@glia/core';

/** The rule fields the ja4t enricher provides (declared on its factory). */
export const JA4T_FIELDS: readonly FieldSpec[] = [
  {
    name: 'ja4t',
    type: 'Bytes',
    description: "client's JA4T: from the SYN itself, else the last one seen from the client IP",
  },
  {
    name: 'ja4ts',
    type: 'Bytes',
    description: "server's JA4TS: from the SYN-ACK itself, else the last one seen from server IP:port",
  },
];
