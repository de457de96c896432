import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Checks `Authorization: Bearer <token>` in constant time (both sides hashed first, so the length
 * of the token does not leak either).
 */
export class BearerAuth {
  private readonly expected: Buffer;

  constructor(token: string) {
    if (token.length === 0) throw new RangeError('the control-plane token must not be empty');
    this.expected = digest(token);
  }

  allows(request: IncomingMessage): boolean {
    const header = request.headers.authorization;
    if (typeof header !== 'string') return false;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) return false;
    return timingSafeEqual(digest(match[1]), this.expected);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
