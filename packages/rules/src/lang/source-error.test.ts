import { describe, expect, it } from 'vitest';
import { positionAt, RuleSyntaxError } from './source-error.js';

describe('positionAt (named)', () => {
  it('a newline is the last character of its own line', () => {
    expect(positionAt('a\nb', 1)).toEqual({ offset: 1, line: 1, column: 2 });
  });
  it('the character after a newline starts the next line', () => {
    expect(positionAt('a\nb', 2)).toEqual({ offset: 2, line: 2, column: 1 });
  });
});

describe('RuleSyntaxError (named)', () => {
  it('is named RuleSyntaxError and located by line:column', () => {
    const error = new RuleSyntaxError('a\nbc', 3, 'bad');
    expect(error.name).toBe('RuleSyntaxError');
    expect(error.message).toBe('2:2: bad');
    expect(String(error)).toBe('RuleSyntaxError: 2:2: bad');
  });
});
