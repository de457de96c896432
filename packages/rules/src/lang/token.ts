/**
 * Tokens of the rule language. Words cover field names, keywords, numbers, IP addresses, CIDRs and
 * integer ranges alike: which one a word is depends on where it stands and on the field's type,
 * so the parser and the compiler interpret them, not the lexer.
 */
export type Punct =
  | '=='
  | '!='
  | '<='
  | '>='
  | '<'
  | '>'
  | '~'
  | '!'
  | '&&'
  | '||'
  | '^^'
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | '*';

export type Token =
  | { kind: 'word'; text: string; offset: number; end: number }
  | { kind: 'punct'; text: Punct; offset: number; end: number }
  /** `body` is the text between the delimiters, undecoded; `raw` for r"..." / r#"..."#. */
  | { kind: 'string'; raw: boolean; body: string; bodyOffset: number; offset: number; end: number }
  | { kind: 'eof'; offset: number; end: number };

/** How a token is named in "found ..." messages. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return `a string ${token.raw ? 'r' : ''}"${token.body.length > 20 ? `${token.body.slice(0, 20)}...` : token.body}"`;
    case 'word':
    case 'punct':
      return `"${token.text}"`;
  }
}
