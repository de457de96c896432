/**
 * Unescapes a probe payload as nmap's cstring_unescape does: `\\ \0 \a \b \f \n \r \t \v \xHH`.
 * Any other escape is an error (nmap refuses the file).
 */
export function unescapeProbeString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = text[++i];
    switch (e) {
      case '\\':
        out += '\\';
        break;
      case '0':
        out += '\0';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x': {
        const hex = text.slice(i + 1, i + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex))
          throw new Error(`bad \\x escape at column ${i} of the probe string`);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
        break;
      }
      default:
        throw new Error(`bad escape \\${e ?? ''} in the probe string`);
    }
  }
  return out;
}
