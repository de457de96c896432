import { describe, expect, it } from 'vitest';
import { describeToken, type StringToken } from './token.js';

const str = (body: string, raw = false): StringToken => ({
  kind: 'string',
  raw,
  regex: false,
  body,
  bodyOffset: 1,
  offset: 0,
  end: body.length + 2,
});

describe('describeToken of strings (named)', () => {
  it.each([
    ['a short string whole', str('abc'), 'a string "abc"'],
    ['a raw string with its r', str('abc', true), 'a string r"abc"'],
    ['20 characters whole', str('a'.repeat(20)), `a string "${'a'.repeat(20)}"`],
    ['21 characters cut to 20 and "..."', str('0123456789abcdefghijX'), 'a string "0123456789abcdefghij..."'],
  ])('%s', (_name, token, expected) => {
    expect(describeToken(token)).toBe(expected);
  });
});
