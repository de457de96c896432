import { describe, expect, it } from 'vitest';
import { requestProbe } from './request-probe.js';
import { ResponseMatcher } from './response-matcher.js';
import { ServiceDatabase } from './service-database.js';

const FILE = [
  'Probe TCP NULL q||',
  'match slow m|^(a+)+$| p/Catastrophic/',
  'match ftp m|^220 (\\S+) FTP\\r\\n$| p/$1/',
  'softmatch ftp m|^220 |',
  'match ftp m|^220 never|',
  'Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|',
  'match http m|^HTTP/1\\.[01] \\d\\d\\d .*\\r\\nServer: nginx/([\\d.]+)|s p/nginx/ v/$1/',
  'Probe TCP RedisInfo q|*1\\r\\n$4\\r\\ninfo\\r\\n|',
  'match redis m|^\\$\\d+\\r\\n# Server| p/Redis/',
  '',
].join('\n');

describe('ServiceDatabase stats', () => {
  it('flags a line whose template uses a group a repetition may leave unset', () => {
    const db = ServiceDatabase.fromText(
      ['Probe TCP NULL q||', 'match x m=^(?:(a)|b)+c= v/$1/', 'match y m=^(?:(a)|b)+d= p/y/', ''].join('\n'),
    );
    expect(db.stats.approximate).toEqual([
      { line: 2, message: "groups 1 may differ from PCRE2's after a repetition" },
    ]);
  });
});

describe('ResponseMatcher', () => {
  const db = ServiceDatabase.fromText(FILE);
  const nul = db.nullProbe!;

  it('a catastrophic pattern costs at most the budget, counts as no match, and the scan goes on', () => {
    const matcher = new ResponseMatcher({
      budgetMs: 30,
      maxSubjectBytes: 4096,
      maxTimeoutsPerSubject: 2,
      quarantineAfter: 2,
    });
    const subject = 'a'.repeat(60) + 'b';
    const started = performance.now();
    expect(matcher.match(nul, subject, false)).toBeNull();
    const elapsed = performance.now() - started;
    expect(matcher.counters.timeouts).toBe(1);
    expect(matcher.slowLines.get(2)).toBe(1);
    // Generous bound: the budget plus scheduling on a loaded machine, far below the pattern's runtime.
    expect(elapsed).toBeLessThan(2000);
    matcher.match(nul, subject, false);
    expect(matcher.counters.quarantined).toBe(1);
    matcher.match(nul, subject, false);
    expect(matcher.counters.timeouts).toBe(2);
  });

  it('the budget is per line: many lines that overrun it together are not timed out', () => {
    const slow = Array.from({ length: 40 }, (_, i) => `match slow${i} m|^a.*b.*q|s`);
    const many = ServiceDatabase.fromText(['Probe TCP NULL q||', ...slow, 'match last m|^a|', ''].join('\n'));
    const matcher = new ResponseMatcher({
      budgetMs: 20,
      maxSubjectBytes: 4096,
      maxTimeoutsPerSubject: 2,
      quarantineAfter: 2,
    });
    // Each line alone takes a millisecond or two (two ambiguous loops over 1,200 bytes), far under
    // the budget; all forty together go over it.
    expect(matcher.match(many.nullProbe!, 'a' + 'b'.repeat(1200), false)).toMatchObject({ service: 'last' });
    expect(matcher.counters.timeouts).toBe(0);
    expect(matcher.counters.restarts).toBeGreaterThan(0);
  });

  it('first line in file order wins, soft or hard', () => {
    const matcher = new ResponseMatcher();
    expect(matcher.match(nul, '220 vsFTPd FTP\r\n', false)).toMatchObject({
      service: 'ftp',
      soft: false,
      product: 'vsFTPd',
      line: 3,
    });
    expect(matcher.match(nul, '220 something else', false)).toMatchObject({
      service: 'ftp',
      soft: true,
      line: 4,
    });
  });

  it('a cut subject matches only what does not depend on the cut', () => {
    const matcher = new ResponseMatcher();
    // `$` at the cut would claim the end of a response that goes on: the hard line cannot match.
    expect(matcher.match(nul, '220 vsFTPd FTP\r\n', true)).toMatchObject({ soft: true, line: 4 });
  });

  it("the reply to a request goes through the request's probe, then NULL", () => {
    const matcher = new ResponseMatcher();
    const probe = requestProbe(db, 'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n')!;
    expect(probe.probe.name).toBe('GetRequest');
    expect(matcher.match(probe, 'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n', false)).toMatchObject({
      service: 'http',
      product: 'nginx',
      version: '1.22.1',
      matchedProbe: 'GetRequest',
    });
    expect(matcher.match(probe, '220 x FTP\r\n', false)).toMatchObject({
      service: 'ftp',
      matchedProbe: 'NULL',
    });
    expect(requestProbe(db, '*1\r\n$4\r\nPING\r\n')?.probe.name).toBe('RedisInfo');
    expect(requestProbe(db, 'hello')).toBeUndefined();
  });
});
