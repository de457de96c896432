import { describe, expect, it } from 'vitest';
import { HelloAssembler } from './hello-assembler.js';
import { clientHello, handshake, helloBody, records } from './hello-builder.fixture.js';
import { StreamBuffer } from './stream-buffer.js';

const hello = clientHello({
  serverNames: ['split.example'],
  alpn: ['h2', 'http/1.1'],
  extra: [[0x0015, Array.from({ length: 300 }, () => 0)]], // padding, so the hello is > 256 bytes
});
const sni = (r: ReturnType<HelloAssembler['segment']>) =>
  r.status === 'hello' ? r.hello.serverNames : r.status;

describe('HelloAssembler', () => {
  it('reads a hello that fits the banner at once', () => {
    const small = clientHello({ serverNames: ['one.example'] });
    expect(sni(new HelloAssembler(4).banner('f', small))).toEqual(['one.example']);
  });

  it('ignores a banner that is not a TLS handshake record', () => {
    expect(new HelloAssembler(4).banner('f', Uint8Array.from(Buffer.from('SSH-2.0-x\r\n')))).toEqual({
      status: 'ignored',
    });
  });

  it('reassembles a hello split in two at every byte boundary', () => {
    for (let cut = 1; cut < hello.length; cut++) {
      const a = new HelloAssembler(4);
      const first = a.banner('f', hello.subarray(0, cut));
      const second = a.segment('f', cut, hello.subarray(cut));
      expect(first.status === 'pending' ? sni(second) : `banner ${first.status}`, `cut at ${cut}`).toEqual([
        'split.example',
      ]);
      expect(a.inProgress).toBe(0);
    }
  });

  it('reassembles three segments delivered in every order, with a retransmission', () => {
    const cuts = [200, 350];
    const pieces = [
      { offset: cuts[0], bytes: hello.subarray(cuts[0], cuts[1]) },
      { offset: cuts[1], bytes: hello.subarray(cuts[1]) },
    ];
    for (const order of [
      [0, 1],
      [1, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]) {
      const a = new HelloAssembler(4);
      expect(a.banner('f', hello.subarray(0, cuts[0])).status).toBe('pending');
      const results = order.map((i) => a.segment('f', pieces[i].offset, pieces[i].bytes));
      expect(
        results.slice(0, -1).every((r) => r.status === 'pending'),
        `order ${order}`,
      ).toBe(true);
      expect(sni(results[results.length - 1])).toEqual(['split.example']);
    }
  });

  it('reassembles overlapping segments (the banner packet resent with more data)', () => {
    const a = new HelloAssembler(4);
    a.banner('f', hello.subarray(0, 100));
    expect(a.segment('f', 50, hello.subarray(50, 300)).status).toBe('pending');
    expect(sni(a.segment('f', 0, hello))).toEqual(['split.example']);
  });

  it('reassembles a hello spread over several records', () => {
    const multi = records(handshake(helloBody({ serverNames: ['records.example'] })), 40);
    const a = new HelloAssembler(4);
    a.banner('f', multi.subarray(0, 30));
    a.segment('f', 30, multi.subarray(30, 90));
    expect(sni(a.segment('f', 90, multi.subarray(90)))).toEqual(['records.example']);
  });

  it('keeps flows apart and ignores segments of flows it is not assembling', () => {
    const a = new HelloAssembler(4);
    const other = clientHello({ serverNames: ['other.example'], extra: [[0x15, Array(300).fill(0)]] });
    a.banner('f1', hello.subarray(0, 256));
    a.banner('f2', other.subarray(0, 256));
    expect(a.segment('unknown', 256, hello.subarray(256))).toEqual({ status: 'ignored' });
    expect(sni(a.segment('f2', 256, other.subarray(256)))).toEqual(['other.example']);
    expect(sni(a.segment('f1', 256, hello.subarray(256)))).toEqual(['split.example']);
    expect(a.segment('f1', 256, hello.subarray(256))).toEqual({ status: 'ignored' });
  });

  it('fails a hello larger than its byte budget as oversize', () => {
    const big = clientHello({ serverNames: ['big.example'], extra: [[0x15, Array(2000).fill(0)]] });
    const a = new HelloAssembler(4, 1024);
    expect(a.banner('f', big.subarray(0, 256))).toEqual({ status: 'failed', reason: 'oversize' });
    expect(a.inProgress).toBe(0);
  });

  it('fails a multi-record hello that outgrows the budget once its records arrive', () => {
    const big = records(
      handshake(helloBody({ serverNames: ['big.example'], extra: [[0x15, Array(3000).fill(0)]] })),
      500,
    );
    const a = new HelloAssembler(4, 1024);
    expect(a.banner('f', big.subarray(0, 256)).status).toBe('pending');
    const results = [];
    for (let at = 256; at < big.length; at += 256)
      results.push(a.segment('f', at, big.subarray(at, at + 256)));
    expect(results).toContainEqual({ status: 'failed', reason: 'oversize' });
    expect(a.inProgress).toBe(0);
  });

  it('clear() forgets the flows in progress', () => {
    const a = new HelloAssembler(4);
    expect(a.banner('f', hello.subarray(0, 100)).status).toBe('pending');
    a.clear();
    expect(a.inProgress).toBe(0);
    expect(a.segment('f', 100, hello.subarray(100))).toEqual({ status: 'ignored' });
  });

  it('forgets the least recently fed flow beyond max_flows', () => {
    const a = new HelloAssembler(2);
    a.banner('f1', hello.subarray(0, 100));
    a.banner('f2', hello.subarray(0, 100));
    a.segment('f1', 100, hello.subarray(100, 120));
    a.banner('f3', hello.subarray(0, 100));
    expect(a.evictions).toBe(1);
    expect(a.segment('f2', 100, hello.subarray(100))).toEqual({ status: 'ignored' });
    expect(sni(a.segment('f1', 120, hello.subarray(120)))).toEqual(['split.example']);
  });
});

describe('StreamBuffer', () => {
  it('tracks the contiguous prefix across gaps', () => {
    const b = new StreamBuffer(100);
    b.write(10, Uint8Array.of(1, 2, 3));
    expect(b.contiguous).toBe(0);
    b.write(
      0,
      Uint8Array.from({ length: 10 }, () => 9),
    );
    expect(b.contiguous).toBe(13);
    expect([...b.prefix().subarray(9)]).toEqual([9, 1, 2, 3]);
  });

  it('drops bytes past its capacity and says so', () => {
    const b = new StreamBuffer(8);
    b.write(4, Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect(b.overflowed).toBe(true);
    b.write(0, Uint8Array.of(0, 0, 0, 0));
    expect(b.contiguous).toBe(8);
    b.write(-1, Uint8Array.of(1));
    expect(b.contiguous).toBe(8);
  });

  it('bounds the ranges it tracks', () => {
    const b = new StreamBuffer(16384);
    for (let i = 1; i < 1000; i++) b.write(i * 2, Uint8Array.of(1));
    expect(b.overflowed).toBe(true);
    b.write(0, new Uint8Array(3000));
    expect(b.contiguous).toBe(3000);
  });
});
