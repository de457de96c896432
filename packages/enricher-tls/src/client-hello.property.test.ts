import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { isGrease, parseClientHelloBody } from './client-hello.js';
import { extension, helloBody } from './hello-builder.fixture.js';

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
