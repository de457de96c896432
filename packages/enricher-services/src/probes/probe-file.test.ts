import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { ServiceDatabase } from '../match/service-database.js';
import { parseProbeFile } from './probe-file.js';

const fixtures = fixturesDir();
const SYSTEM = '/usr/share/nmap/nmap-service-probes';

describe('nmap-service-probes files load whole', () => {
  const files = [
    ...(fixtures === null
      ? []
      : [{ name: 'fixture copy', path: join(fixtures, 'nmap', 'nmap-service-probes'), lines: 12171 }]),
    ...(existsSync(SYSTEM) || process.env.CI === 'true'
      ? [{ name: "Debian's nmap", path: SYSTEM, lines: undefined }]
      : []),
  ];
  it.each(files)('$name: zero errors, every match line compiled', ({ path, lines }) => {
    const db = ServiceDatabase.fromText(readFileSync(path, 'latin1'), path);
    expect(db.stats.errors).toEqual([]);
    expect(db.stats.unsupported).toEqual([]);
    expect(db.stats.approximate).toEqual([]);
    expect(db.stats.compiled).toBe(db.stats.matchLines);
    if (lines !== undefined) expect(db.stats.matchLines).toBe(lines);
    expect(db.nullProbe?.lines.length).toBeGreaterThan(1000);
  });
});

describe('parseProbeFile', () => {
  const header = 'Probe TCP NULL q||\n';
  it.each([
    { name: 'unknown directive', text: `${header}bogus 1\n`, line: 2, message: /unknown directive "bogus"/ },
    {
      name: 'rarity out of range',
      text: `${header}rarity 12\n`,
      line: 2,
      message: /rarity must be between 1 and 9/,
    },
    { name: 'bad ports', text: `${header}ports 80,x\n`, line: 2, message: /bad port list item "x"/ },
    { name: 'reversed range', text: `${header}ports 90-80\n`, line: 2, message: /bad port range/ },
    {
      name: 'bad totalwaitms',
      text: `${header}totalwaitms 50\n`,
      line: 2,
      message: /between 100 and 300000/,
    },
    { name: 'match before Probe', text: 'match x m|^a|\n', line: 1, message: /match before any Probe/ },
    {
      name: 'Exclude after a Probe',
      text: `${header}Exclude 9100\n`,
      line: 2,
      message: /must precede all Probes/,
    },
    { name: 'bad probe protocol', text: 'Probe SCTP x q||\n', line: 1, message: /invalid protocol/ },
    { name: 'no end delimiter', text: 'Probe TCP x q|abc\n', line: 1, message: /no ending delimiter/ },
    { name: 'bad escape in payload', text: 'Probe TCP x q|\\q|\n', line: 1, message: /bad escape \\q/ },
    {
      name: 'unknown fallback',
      text: `${header}Probe TCP A q|a|\nfallback Nope\n`,
      line: 2,
      message: /unknown fallback "Nope"/,
    },
    {
      name: 'illegal regex option',
      text: `${header}match x m|^a|g\n`,
      line: 2,
      message: /illegal regexp option "g"/,
    },
    {
      name: 'unknown template',
      text: `${header}match x m|^a| z/b/\n`,
      line: 2,
      message: /unknown template specifier "z"/,
    },
    {
      name: 'template without end',
      text: `${header}match x m|^a| p/b\n`,
      line: 2,
      message: /missing end delimiter/,
    },
    { name: 'bare word', text: `${header}match x m|^a| p b\n`, line: 2, message: /bare word/ },
  ])('reports $name with its line', ({ text, line, message }) => {
    const file = parseProbeFile(text);
    expect(file.errors).toHaveLength(1);
    expect(file.errors[0].line).toBe(line);
    expect(file.errors[0].message).toMatch(message);
  });

  it('reads directives, payload escapes, fallbacks and templates', () => {
    const file = parseProbeFile(
      [
        '# comment',
        'Exclude T:9100-9107,U:53',
        'Probe TCP NULL q||',
        'totalwaitms 6000',
        'match ssh m|^SSH-([\\d.]+)-OpenSSH_([\\w.]+)\\r?\\n|i p/OpenSSH/ v/$2/ i/protocol $1/ cpe:/a:openbsd:openssh:$2/a',
        'Probe TCP GenericLines q|\\r\\n\\r\\n\\x00| no-payload',
        'rarity 1',
        'ports 1-3,80',
        'sslports 443',
        'fallback NULL',
        'softmatch ftp m=^220=',
      ].join('\n'),
    );
    expect(file.errors).toEqual([]);
    expect(file.exclude).toEqual([
      { lo: 9100, hi: 9107, proto: 'tcp' },
      { lo: 53, hi: 53, proto: 'udp' },
    ]);
    const [nul, generic] = file.probes;
    expect(nul.totalwaitms).toBe(6000);
    expect(nul.matches[0]).toMatchObject({
      line: 5,
      soft: false,
      service: 'ssh',
      pattern: '^SSH-([\\d.]+)-OpenSSH_([\\w.]+)\\r?\\n',
      caseless: true,
      dotall: false,
      templates: {
        product: 'OpenSSH',
        version: '$2',
        info: 'protocol $1',
        cpe: ['cpe:/a:openbsd:openssh:$2'],
      },
    });
    expect(generic).toMatchObject({ payload: '\r\n\r\n\0', noPayload: true, rarity: 1, fallback: ['NULL'] });
    expect(generic.ports).toEqual([
      { lo: 1, hi: 3 },
      { lo: 80, hi: 80 },
    ]);
    expect(generic.matches[0]).toMatchObject({ soft: true, service: 'ftp', pattern: '^220' });
  });
});
