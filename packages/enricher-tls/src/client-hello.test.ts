import { describe, expect, it } from 'vitest';
import { parseClientHelloBody, isGrease } from './client-hello.js';
import { clientHello, extension, handshake, helloBody, records } from './hello-builder.fixture.js';
import { readClientHello } from './tls-records.js';

const read = (bytes: Uint8Array) => readClientHello(bytes, 16384);

describe('readClientHello', () => {
  it.each([
    {
      name: 'SNI, ALPN and TLS 1.3 offered',
      bytes: clientHello({
        serverNames: ['Example.COM'],
        alpn: ['h2', 'http/1.1'],
        supportedVersions: [0x0304, 0x0303],
      }),
      expected: {
        serverNames: ['Example.COM'],
        alpn: ['h2', 'http/1.1'],
        version: 0x0304,
        supportedVersions: [0x0304, 0x0303],
      },
    },
    {
      name: 'no SNI',
      bytes: clientHello({ alpn: ['http/1.1'] }),
      expected: { serverNames: [], alpn: ['http/1.1'], version: 0x0303 },
    },
    {
      name: 'multiple names, non-host_name entries skipped',
      bytes: clientHello({ serverNames: ['a.example', [7, 'opaque'], 'b.example'] }),
      expected: { serverNames: ['a.example', 'b.example'], alpn: [] },
    },
    {
      name: 'no extensions at all (TLS 1.0 style)',
      bytes: clientHello({ legacyVersion: 0x0301, noExtensions: true }),
      expected: { serverNames: [], alpn: [], version: 0x0301, legacyVersion: 0x0301 },
    },
    {
      name: 'GREASE versions ignored',
      bytes: clientHello({ serverNames: ['g.example'], supportedVersions: [0x7a7a, 0x0304, 0x0303] }),
      expected: { supportedVersions: [0x0304, 0x0303], version: 0x0304 },
    },
    {
      name: 'ECH: the outer name is reported',
      bytes: clientHello({ serverNames: ['cloudflare-ech.com'], ech: true, supportedVersions: [0x0304] }),
      expected: { serverNames: ['cloudflare-ech.com'], ech: true },
    },
    {
      name: 'empty session id and unknown extensions',
      bytes: clientHello({
        sessionId: [],
        serverNames: ['x.example'],
        extra: [
          [0x1234, [1, 2, 3]],
          [0xffff, []],
        ],
      }),
      expected: { serverNames: ['x.example'] },
    },
    {
      name: 'hello spread over several records',
      bytes: records(handshake(helloBody({ serverNames: ['multi.example'], alpn: ['h2'] })), 50),
      expected: { serverNames: ['multi.example'], alpn: ['h2'] },
    },
  ])('reads: $name', ({ bytes, expected }) => {
    const outcome = read(bytes);
    expect(outcome.status).toBe('ok');
    if (outcome.status === 'ok') expect(outcome.hello).toMatchObject(expected);
  });

  const good = clientHello({ serverNames: ['t.example'], alpn: ['h2'] });
  const body = helloBody({ serverNames: ['t.example'] });
  const patched = (at: number, value: number) => {
    const copy = Uint8Array.from(good);
    copy[at] = value;
    return copy;
  };
  it.each([
    { name: 'HTTP, not TLS', bytes: Uint8Array.from(Buffer.from('GET / HTTP/1.1\r\n')), reason: 'not_tls' },
    { name: 'one byte that cannot start a handshake record', bytes: Uint8Array.of(0x47), reason: 'not_tls' },
    { name: 'an alert record', bytes: Uint8Array.of(21, 3, 3, 0, 2, 2, 40), reason: 'not_tls' },
    { name: 'SSLv2-looking version', bytes: patched(1, 2), reason: 'not_tls' },
    { name: 'zero-length record', bytes: Uint8Array.of(22, 3, 1, 0, 0), reason: 'bad_record' },
    { name: 'record longer than 2^14', bytes: Uint8Array.of(22, 3, 1, 0x40, 0x01), reason: 'bad_record' },
    { name: 'a ServerHello', bytes: records(handshake(body, 2)), reason: 'not_client_hello' },
    { name: 'session id longer than 32', bytes: patched(5 + 4 + 34, 33), reason: 'malformed_hello' },
    { name: 'hello body too short', bytes: records(handshake([3, 3, 1, 2])), reason: 'malformed_hello' },
    {
      name: 'extensions block past the hello',
      bytes: records(handshake([...helloBody({ noExtensions: true }), 0, 20, 0, 0, 0, 0])),
      reason: 'malformed_hello',
    },
    {
      name: 'an extension past its block',
      bytes: records(handshake([...helloBody({ noExtensions: true }), 0, 6, 0, 0, 0, 9, 0, 0])),
      reason: 'malformed_extension',
    },
    {
      name: 'SNI list length inconsistent',
      bytes: records(
        handshake([...helloBody({ noExtensions: true }), 0, 9, ...extension(0, [0, 9, 0, 0, 1, 97])]),
      ),
      reason: 'malformed_extension',
    },
    {
      name: 'empty ALPN protocol',
      bytes: records(handshake([...helloBody({ noExtensions: true }), 0, 7, ...extension(16, [0, 1, 0])])),
      reason: 'malformed_extension',
    },
    {
      name: 'hello bigger than 16 KiB',
      bytes: Uint8Array.of(22, 3, 1, 0x40, 0, 1, 0, 0x40, 0x10),
      reason: 'oversize',
    },
    {
      name: 'next record is not a handshake',
      bytes: Uint8Array.from([...records(handshake(body).slice(0, 20)), 23, 3, 3, 0, 1, 0]),
      reason: 'bad_record',
    },
  ])('fails: $name', ({ bytes, reason }) => {
    expect(read(bytes)).toEqual({ status: 'failed', reason });
  });

  const helloMessage = handshake(helloBody({ serverNames: ['t.example'] }));
  it.each([
    { name: 'an empty stream: one byte', bytes: new Uint8Array(0), needed: 1 },
    {
      name: 'a whole record of one handshake byte: the next record header',
      bytes: Uint8Array.of(22, 3, 1, 0, 1, 2),
      needed: 6 + 5,
    },
    {
      name: 'a record cut two bytes into its body: the rest of the handshake header',
      bytes: Uint8Array.of(22, 3, 1, 0, 100, 1, 0),
      needed: 5 + 4,
    },
    {
      name: 'a hello cut in a record that carries more after it: the end of the hello, not of the record',
      bytes: records([...helloMessage, 11, 0, 0, 0]).subarray(0, 5 + 10),
      needed: 5 + helloMessage.length,
    },
  ])('needs: $name', ({ bytes, needed }) => {
    expect(read(bytes)).toEqual({ status: 'incomplete', needed });
  });

  it('takes the record versions 3.0 to 3.4', () => {
    for (const version of [0x0300, 0x0301, 0x0302, 0x0303, 0x0304])
      expect(read(records(helloMessage, 16384, version)).status, version.toString(16)).toBe('ok');
  });

  it('says how many bytes it needs when truncated, at every length', () => {
    for (let n = 0; n < good.length; n++) {
      const outcome = read(good.subarray(0, n));
      expect(outcome.status, `prefix of ${n} bytes`).toBe('incomplete');
      if (outcome.status === 'incomplete') {
        expect(outcome.needed).toBeGreaterThan(n);
        expect(outcome.needed).toBeLessThanOrEqual(good.length);
      }
    }
    expect(read(good).status).toBe('ok');
  });

  it('never throws on random or corrupted input', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16;
    for (let i = 0; i < 5000; i++) {
      const copy = Uint8Array.from(good);
      for (let k = 0; k < 3; k++) copy[random() % copy.length] = random() & 0xff;
      expect(() => read(copy.subarray(0, random() % (copy.length + 1)))).not.toThrow();
      const noise = Uint8Array.from({ length: random() % 300 }, () => random() & 0xff);
      if (noise.length > 0) noise[0] = 22;
      expect(() => read(noise)).not.toThrow();
    }
  });
});

describe('parseClientHelloBody', () => {
  it('is the hello without its handshake header', () => {
    const hello = parseClientHelloBody(Uint8Array.from(helloBody({ serverNames: ['direct.example'] })));
    expect(hello).toMatchObject({ serverNames: ['direct.example'] });
  });

  // legacy_version 3.3, 32 random bytes, then the session id, cipher suites and compression
  // methods given byte for byte (each with its length), then whatever follows.
  const fixed = (sessionId: number[], suites: number[], compression: number[], rest: number[] = []) => [
    3,
    3,
    ...new Array<number>(32).fill(7),
    ...sessionId,
    ...suites,
    ...compression,
    ...rest,
  ];
  const noSession = [0];
  const oneSuite = [0, 2, 0x13, 0x01];
  const nullCompression = [1, 0];
  /** A hello with the standard fields and exactly these extension bytes in its extensions block. */
  const withExtensions = (...exts: number[][]) => {
    const block = exts.flat();
    return fixed(noSession, oneSuite, nullCompression, [block.length >> 8, block.length & 0xff, ...block]);
  };
  const bare = {
    serverNames: [],
    alpn: [],
    legacyVersion: 0x0303,
    supportedVersions: [],
    version: 0x0303,
    ech: false,
  };

  it.each([
    { name: 'a session id of 33 bytes', body: helloBody({ sessionId: new Array<number>(33).fill(1) }) },
    { name: 'no cipher suites (length 0)', body: fixed(noSession, [0, 0], nullCompression) },
    {
      name: 'an odd cipher suites length',
      body: fixed(noSession, [0, 3, 0x13, 0x01, 0x13], nullCompression),
    },
    { name: 'no compression methods (length 0)', body: fixed(noSession, oneSuite, [0]) },
  ])('malformed hello: $name', ({ body }) => {
    expect(parseClientHelloBody(Uint8Array.from(body))).toBe('malformed_hello');
  });

  it.each([
    {
      name: 'an unknown extension whose data runs past the extensions block',
      // a block of 6 bytes: type 0x1234, length 9, then 2 of its bytes; 7 more follow the block
      body: fixed(noSession, oneSuite, nullCompression, [0, 6, 0x12, 0x34, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    },
    {
      name: 'a host name running past its server_name list',
      body: withExtensions(
        extension(0, [0, 6, 0, 0, 9, ...Buffer.from('abc')]),
        extension(0x1234, [1, 2, 3, 4, 5, 6]),
      ),
    },
    {
      name: 'a server_name list ending in a cut entry header',
      body: withExtensions(extension(0, [0, 6, 0, 0, 1, ...Buffer.from('a'), 0, 0])),
    },
    {
      name: 'an ALPN protocol running past its list',
      body: withExtensions(
        extension(16, [0, 3, 5, ...Buffer.from('h2')]),
        extension(0x1234, [1, 2, 3, 4, 5, 6]),
      ),
    },
    {
      name: 'a supported_versions list of odd length',
      body: withExtensions(extension(43, [3, 3, 4, 3]), extension(0x1234, [1, 2])),
    },
  ])('malformed extension: $name', ({ body }) => {
    expect(parseClientHelloBody(Uint8Array.from(body))).toBe('malformed_extension');
  });

  it.each([
    { name: 'an empty extensions block', body: withExtensions(), want: bare },
    { name: 'an empty server_name extension', body: withExtensions(extension(0, [])), want: bare },
    {
      name: 'an empty host name last in the list is read as an empty name',
      body: withExtensions(extension(0, [0, 3, 0, 0, 0])),
      want: { ...bare, serverNames: [''] },
    },
    { name: 'an empty server_name list', body: withExtensions(extension(0, [0, 0])), want: bare },
    {
      name: 'an empty ALPN protocol list offers none',
      body: withExtensions(extension(16, [0, 0])),
      want: bare,
    },
    {
      name: 'an empty supported_versions list leaves the legacy version',
      body: withExtensions(extension(43, [0])),
      want: bare,
    },
  ])('reads: $name', ({ body, want }) => {
    expect(parseClientHelloBody(Uint8Array.from(body))).toEqual(want);
  });
});

describe('isGrease', () => {
  it.each([
    [0x0a0a, true],
    [0xfafa, true],
    [0x1a2a, false],
    [0x0304, false],
  ])('%i → %s', (value, expected) => {
    expect(isGrease(value)).toBe(expected);
  });
});
