import { describe, expect, it } from 'vitest';
import { CaptureFormatError } from './record.js';

describe('CaptureFormatError', () => {
  it('says what went wrong and at which byte offset, with the file when it is known', () => {
    const e = new CaptureFormatError('truncated block', 1234);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('CaptureFormatError');
    expect(e.message).toBe('truncated block at byte offset 1234');
    expect(String(e)).toBe('CaptureFormatError: truncated block at byte offset 1234');
    const named = e.withFile('trace.pcapng');
    expect(named).toBeInstanceOf(CaptureFormatError);
    expect(named.message).toBe('trace.pcapng: truncated block at byte offset 1234');
    expect([named.detail, named.offset, named.file]).toEqual(['truncated block', 1234, 'trace.pcapng']);
    expect(e.file).toBeUndefined();
  });
});
