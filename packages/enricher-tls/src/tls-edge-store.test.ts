import { describe, expect, it } from 'vitest';
import { TlsEdgeStore, type TlsConnection } from './tls-edge-store.js';

const TTL = 100n;
const conn = (clientPort: number, serverPort = 443, client = '10.0.0.1'): TlsConnection => ({
  client,
  clientPort,
  server: '192.0.2.7',
  serverPort,
});
const facts = (sni: string) => ({ sni, alpn: ['h2'] });

describe('TlsEdgeStore', () => {
  it('finds a connection by its own hello, else by its edge (client to server ip:port)', () => {
    const store = new TlsEdgeStore(8, TTL);
    store.record(conn(40001), facts('a.example'), 0n);
    store.record(conn(40002), facts('b.example'), 1n);
    expect(store.lookup(conn(40001), 2n)).toEqual(facts('a.example'));
    expect(store.lookup(conn(40003), 2n)).toEqual(facts('b.example')); // the edge's latest hello
    expect(store.lookup(conn(40003, 8443), 2n)).toBeUndefined(); // another server port
    expect(store.lookup(conn(40001, 443, '10.0.0.2'), 2n)).toBeUndefined(); // another client
    expect(store.size).toEqual({ connections: 2, edges: 1 });
  });

  it('knows nothing before the first hello', () => {
    expect(new TlsEdgeStore(8, TTL).lookup(conn(1), 0n)).toBeUndefined();
  });

  it('an entry holds for ttl of packet time after its hello', () => {
    const store = new TlsEdgeStore(8, TTL);
    store.record(conn(40001), facts('a.example'), 1000n);
    expect(store.lookup(conn(40001), 1000n + TTL - 1n)).toEqual(facts('a.example'));
    expect(store.lookup(conn(40001), 1000n + TTL)).toBeUndefined();
    expect(store.size).toEqual({ connections: 0, edges: 0 });
  });

  it('an expired entry is deleted when looked up, whichever store still holds one', () => {
    // Only connections left: two connections of one edge, the edge entry gone with the first.
    const a = new TlsEdgeStore(8, TTL);
    a.record(conn(1), facts('a.example'), 0n);
    a.record(conn(2), facts('a.example'), 0n);
    expect(a.lookup(conn(1), TTL)).toBeUndefined();
    expect(a.size).toEqual({ connections: 1, edges: 0 });
    expect(a.lookup(conn(2), TTL)).toBeUndefined();
    expect(a.size).toEqual({ connections: 0, edges: 0 });

    // Only edges left: the connection of edge 443 evicted (2 entries at most), the others expired.
    const b = new TlsEdgeStore(2, TTL);
    b.record(conn(1, 443), facts('old.example'), 0n);
    b.record(conn(2, 444), facts('b.example'), 1n);
    b.record(conn(3, 444), facts('c.example'), 2n);
    expect(b.evictions).toBe(1);
    expect(b.lookup(conn(2, 444), 1n + TTL)).toEqual(facts('c.example'));
    expect(b.lookup(conn(3, 444), 2n + TTL)).toBeUndefined();
    expect(b.size).toEqual({ connections: 0, edges: 1 });
    expect(b.lookup(conn(1, 443), 2n + TTL)).toBeUndefined();
    expect(b.size).toEqual({ connections: 0, edges: 0 });
  });

  it('counts the evictions of both stores', () => {
    const store = new TlsEdgeStore(2, TTL);
    for (let port = 1; port <= 3; port++) store.record(conn(port, port), facts(`s${port}.example`), 0n);
    expect(store.size).toEqual({ connections: 2, edges: 2 });
    expect(store.evictions).toBe(2);
    expect(store.lookup(conn(1, 1), 1n)).toBeUndefined();
    expect(store.lookup(conn(3, 3), 1n)).toEqual(facts('s3.example'));
  });

  it('clear() forgets everything', () => {
    const store = new TlsEdgeStore(8, TTL);
    store.record(conn(1), facts('a.example'), 0n);
    store.clear();
    expect(store.size).toEqual({ connections: 0, edges: 0 });
    expect(store.lookup(conn(1), 1n)).toBeUndefined();
  });
});
