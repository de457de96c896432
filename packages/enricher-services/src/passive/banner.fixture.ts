import type { BannerEvent } from '@glia/core';

export interface Endpoint {
  ip: string;
  port: number;
}

/** A banner event of the connection client → server, sent by `sender` (tests only). */
export function bannerEvent(
  sender: 'client' | 'server',
  client: Endpoint,
  server: Endpoint,
  payload: Uint8Array,
  ts = 1_000n,
): BannerEvent {
  const [src, dst] = sender === 'client' ? [client, server] : [server, client];
  return {
    ts,
    iface: 'test0',
    dir: 'ingress',
    proto: 'tcp',
    src: src.ip,
    sport: src.port,
    dst: dst.ip,
    dport: dst.port,
    sender,
    payload,
  };
}
