import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { isGrease, parseClientHelloBody } from './client-hello.js';
import { extension, handshake, helloBody, records } from './hello-builder.fixture.js';
import { readClientHello } from './tls-records.js';

/**
 * parseClientHelloBody against ClientHellos built field by field from a random model (server names,
 * ALPN protocols, supported versions with GREASE, ECH, unknown extensions): the parse gives back
 * exactly the model. Then the ways a hello can lie: cut at any byte, it is a problem unless the cut
 * falls where the extensions block may be left out; and a known extension whose inner list length
 * is off by any amount is a malformed extension, never a wrong value.
 */
const name = fc.stringMatching(/^[a-z0-9.-]{1,30}$/);
const grease = fc.integer({ min: 0, max: 15 }).map((n) => ((n << 4) | 0x0a) * 0x101);
const spec = fc.record({
  sessionId: fc.array(fc.nat({ max: 255 }), { maxLength: 32 }),
  cipherSuites: fc.array(fc.nat({ max: 0xffff }), { minLength: 1, maxLength: 6 }),
  serverNames: fc.option(fc.array(name, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  alpn: fc.option(fc.array(fc.stringMatching(/^[a-z0-9/.]{1,12}$/), { minLength: 1, maxLength: 4 }), {
    nil: undefined,
  }),
  supportedVersions: fc.option(
    fc.array(fc.oneof(grease, fc.constantFrom(0x0304, 0x0303, 0x0302)), { minLength: 1, maxLength: 5 }),
    {
      nil: undefined,
    },
  ),
  ech: fc.boolean(),
  extra: fc.array(
    fc.tuple(fc.integer({ min: 0x0100, max: 0xfdff }), fc.array(fc.nat({ max: 255 }), { maxLength: 10 })),
    {
      maxLength: 3,
    },
  ),
  legacyVersion: fc.constantFrom(0x0301, 0x0303),
});

describe('ClientHello parsing against a model', () => {
  it('a built hello parses back to its model', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const got = parseClientHelloBody(Uint8Array.from(helloBody(s)));
        expect(typeof got).toBe('object');
        if (typeof got !== 'object') return;
        const versions = (s.supportedVersions ?? []).filter((v) => !isGrease(v));
        expect(got).toEqual({
          serverNames: s.serverNames ?? [],
          alpn: s.alpn ?? [],
          legacyVersion: s.legacyVersion,
          supportedVersions: versions,
          version: versions.length > 0 ? Math.max(...versions) : s.legacyVersion,
          ech: s.ech,
        });
      }),
      propertyRuns('ClientHello model round trip', 300),
    );
  });

  it('a hello cut at any byte is a problem, unless cut where the extensions may end it', () => {
    fc.assert(
      fc.property(spec, fc.nat(), (s, at) => {
        const body = helloBody(s);
        const withoutExtensions = helloBody({ ...s, noExtensions: true }).length;
        const cut = at % body.length;
        const got = parseClientHelloBody(Uint8Array.from(body.slice(0, cut)));
        if (cut === withoutExtensions) expect(typeof got).toBe('object');
        else if (cut < withoutExtensions) expect(got).toBe('malformed_hello');
        else expect(['malformed_hello', 'malformed_extension']).toContain(got);
      }),
      propertyRuns('ClientHello cut anywhere', 400),
    );
  });

  it('a known extension whose inner length is off is malformed, whatever the error', () => {
    const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
    const inner = fc.oneof(
      fc.array(name, { minLength: 1, maxLength: 3 }).map((names) => {
        const list = names.flatMap((n) => [0, ...u16(n.length), ...Buffer.from(n)]);
        return { type: 0, data: list, header: 2 };
      }),
      fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 3 }).map((protos) => {
        const list = protos.flatMap((p) => [p.length, ...Buffer.from(p)]);
        return { type: 16, data: list, header: 2 };
      }),
      fc.array(fc.constantFrom(0x0304, 0x0303), { minLength: 1, maxLength: 3 }).map((vs) => ({
        type: 43,
        data: vs.flatMap(u16),
        header: 1,
      })),
    );
    fc.assert(
      fc.property(
        inner,
        fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
        ({ type, data, header }, delta) => {
          const length = data.length + delta;
          if (length < 0) return;
          const lengthField = header === 2 ? u16(length) : [length & 0xff];
          if (header === 1 && length > 255) return;
          const body = helloBody({ noExtensions: true });
          const ext = extension(type, [...lengthField, ...data]);
          const got = parseClientHelloBody(Uint8Array.from([...body, ...u16(ext.length), ...ext]));
          expect(got).toBe('malformed_extension');
        },
      ),
      propertyRuns('ClientHello inner length lies', 400),
    );
  });
});

describe('readClientHello over records and stream prefixes', () => {
  it('any prefix of a hello split into records asks for more, by a bound that is never past the end', () => {
    fc.assert(
      fc.property(spec, fc.integer({ min: 1, max: 300 }), fc.nat(), (s, recordSize, at) => {
        const body = helloBody(s);
        const stream = records(handshake(body), recordSize);
        const whole = readClientHello(stream);
        expect(whole).toEqual({ status: 'ok', hello: parseClientHelloBody(Uint8Array.from(body)) });
        const cut = at % stream.length;
        const prefix = readClientHello(stream.subarray(0, cut));
        expect(prefix.status).toBe('incomplete');
        if (prefix.status !== 'incomplete') return;
        expect(prefix.needed).toBeGreaterThan(cut);
        expect(prefix.needed).toBeLessThanOrEqual(stream.length);
        // Below the need, oversize; at or above it, still incomplete (an empty stream is never oversize).
        if (cut > 0)
          expect(readClientHello(stream.subarray(0, cut), prefix.needed - 1)).toEqual({
            status: 'failed',
            reason: 'oversize',
          });
        expect(readClientHello(stream.subarray(0, cut), prefix.needed).status).toBe('incomplete');
      }),
      propertyRuns('readClientHello prefixes', 300),
    );
  });

  it('a record that is not a handshake, or of another version, after the first is a bad record', () => {
    fc.assert(
      fc.property(spec, fc.constantFrom([23, 3, 3], [22, 2, 0], [22, 3, 5]), (s, [type, major, minor]) => {
        const stream = records(handshake(helloBody(s)), 40);
        const second = 45; // the second record's header: 5 + 40 bytes in
        const bad = Uint8Array.from(stream);
        [bad[second], bad[second + 1], bad[second + 2]] = [type, major, minor];
        expect(readClientHello(bad)).toEqual({ status: 'failed', reason: 'bad_record' });
        const first = Uint8Array.from(stream);
        [first[0], first[1], first[2]] = [type, major, minor];
        expect(readClientHello(first)).toEqual({ status: 'failed', reason: 'not_tls' });
      }),
      propertyRuns('readClientHello bad records', 100),
    );
  });
});
