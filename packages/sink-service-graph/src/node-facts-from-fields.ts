import type { FieldValue, Observation } from '@glia/core';
import type { GraphAccumulator, ServiceFact } from '@glia/service-graph';

/** Reads one field of an observation (undefined: absent, or no enabled enricher provides it). */
export type FieldGetter = (observation: Observation, name: string) => FieldValue | undefined;

/**
 * The rule fields node facts come from (DESIGN §5). The services fields beyond name, product and
 * version (`service.info`, `service.cpe`) are read when an enricher provides them.
 */
export const FACT_FIELDS = {
  ja4t: 'ja4t',
  ja4ts: 'ja4ts',
  fqdns: 'dns.fqdns',
  fqdn: 'dns.fqdn',
  sni: 'tls.sni',
  service: 'service.name',
  product: 'service.product',
  version: 'service.version',
  info: 'service.info',
  cpe: 'service.cpe',
} as const;

/**
 * Adds what an observation's fields say about its two ends to the accumulator: the client's JA4T;
 * the server's JA4TS on its port, its service on that port, the DNS names it was resolved from and
 * the TLS name clients asked it for. `all` looks at every fact (an edge's first sighting since the
 * last drain); otherwise only the facts this phase brings (SYN: ja4t, SYN-ACK: ja4ts, tls, service).
 */
export function recordNodeFacts(
  acc: GraphAccumulator,
  o: Observation,
  get: FieldGetter,
  ts: number,
  all: boolean,
): void {
  const phase: string = o.phase;
  if (all || phase === 'syn') {
    const ja4t = get(o, FACT_FIELDS.ja4t);
    if (typeof ja4t === 'string' && ja4t !== '') add(acc, o.client, ts, (n) => n.addJa4t(ja4t));
  }
  if (all || phase === 'synack') {
    const ja4ts = get(o, FACT_FIELDS.ja4ts);
    if (typeof ja4ts === 'string' && ja4ts !== '')
      add(acc, o.server, ts, (n) => n.addJa4ts(o.serverPort, ja4ts));
  }
  if (all || phase === 'tls') {
    const sni = get(o, FACT_FIELDS.sni);
    if (typeof sni === 'string' && sni !== '') add(acc, o.server, ts, (n) => n.addTlsName(sni.toLowerCase()));
  }
  if (all || phase === 'service') {
    const fact = serviceFact(o, get);
    if (fact !== null) add(acc, o.server, ts, (n) => n.addService(fact));
  }
  if (all) {
    const names = get(o, FACT_FIELDS.fqdns);
    const list = Array.isArray(names) ? (names as readonly string[]) : [];
    const one = get(o, FACT_FIELDS.fqdn);
    if (typeof one === 'string' && one !== '' && !list.includes(one))
      add(acc, o.server, ts, (n) => n.addDnsName(one));
    for (const name of list) if (name !== '') add(acc, o.server, ts, (n) => n.addDnsName(name));
  }
}

function serviceFact(o: Observation, get: FieldGetter): ServiceFact | null {
  const fact: ServiceFact = { port: o.serverPort, proto: o.proto };
  let any = false;
  for (const key of ['service', 'product', 'version', 'info'] as const) {
    const value = get(o, FACT_FIELDS[key]);
    if (typeof value === 'string' && value !== '') {
      fact[key] = value;
      any = true;
    }
  }
  const cpe = get(o, FACT_FIELDS.cpe);
  if (typeof cpe === 'string' && cpe !== '') fact.cpe = [cpe];
  else if (Array.isArray(cpe) && cpe.length > 0) fact.cpe = [...(cpe as readonly string[])];
  return any || fact.cpe !== undefined ? fact : null;
}

type NodeSet = NonNullable<ReturnType<GraphAccumulator['node']>>;

function add(acc: GraphAccumulator, ip: string, ts: number, change: (node: NodeSet) => boolean): void {
  const node = acc.node(ip, ts);
  if (node !== null && change(node)) acc.changed(ip);
}
