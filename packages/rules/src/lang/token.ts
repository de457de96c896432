/**
 * Tokens of the rule language. Words cover field names, keywords, numbers, IP addresses, CIDRs,
 * ranges and hex byte strings alike: which one a word is depends on where it stands and on the
 * field's type, so the parser and the compiler interpret them, not the lexer.
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
  | '&'
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | '*';

export interface StringToken {
  kind: 'string';
  /** r"..." / r#"..."#: no escapes. */
  raw: boolean;
  /**
   * Lexed as a regular expression (it follows `matches` or `~`): a quote inside a character class
   * does not end it, as in wirefilter.
   */
  regex: boolean;
  /** The text between the delimiters, undecoded. */
  body: string;
  bodyOffset: number;
  offset: number;
  end: number;
}

export type Token =
  | { kind: 'word'; text: string; offset: number; end: number }
  | { kind: 'punct'; text: Punct; offset: number; end: number }
  | StringToken
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
