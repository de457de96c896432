import { describe, expect, it } from 'vitest';
import { substituteTemplates, transformCpe } from './substitute.js';

describe('substituteTemplates (nmap dotmplsubst)', () => {
  const groups = ['whole', '9.2p1', 'Debian 2', undefined, 'W\0O\0R\0K', '\x01\x02', 'a,b'];
  it.each([
    { name: 'plain group', t: { version: '$1' }, want: { version: '9.2p1' } },
    {
      name: 'literal and groups',
      t: { info: 'protocol $1 ($2)' },
      want: { info: 'protocol 9.2p1 (Debian 2)' },
    },
    {
      name: 'unset group empties the field only',
      t: { product: 'X', version: '$3' },
      want: { product: 'X' },
    },
    { name: 'group past the pattern empties the field', t: { version: '$9' }, want: {} },
    { name: '$P keeps printable bytes', t: { hostname: '$P(4)' }, want: { hostname: 'WORK' } },
    { name: 'plain copy stops at NUL', t: { hostname: '$4' }, want: { hostname: 'W' } },
    { name: '$SUBST', t: { version: '$SUBST(1,".","_")' }, want: { version: '9_2p1' } },
    { name: '$I big endian', t: { version: '$I(5,">")' }, want: { version: '258' } },
    { name: '$I little endian', t: { version: '$I(5,"<")' }, want: { version: '513' } },
    { name: 'unknown command fails', t: { version: '$X(1)' }, want: {} },
    { name: 'trailing spaces and commas trimmed', t: { info: '$6, ' }, want: { info: 'a,b' } },
    { name: 'too long for nmap buffer', t: { os: 'x'.repeat(40) }, want: {} },
  ])('$name', ({ t, want }) => {
    expect(substituteTemplates({ cpe: [], ...t }, groups)).toEqual({ cpe: [], ...want });
  });

  it('cpe: substitutions transformed, one per part, a then h then o', () => {
    const out = substituteTemplates(
      { cpe: ['cpe:/o:linux:linux_kernel', 'cpe:/a:openbsd:openssh:$2', 'cpe:/a:x:y:$1'] },
      groups,
    );
    expect(out.cpe).toEqual(['cpe:/a:x:y:9.2p1', 'cpe:/o:linux:linux_kernel']);
    expect(transformCpe('Debian 2+deb12/u:3')).toBe('debian_2%2Bdeb12%2Fu%3A3');
  });
});
