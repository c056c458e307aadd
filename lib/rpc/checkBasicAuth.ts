import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an HTTP `Authorization` header carries `user:password` as Basic credentials. The
 * comparison takes the same time whether the guess is close or not (both sides are hashed to 32
 * bytes and compared with `timingSafeEqual`), so a remote caller cannot find the password byte by
 * byte. Missing, malformed or non-Basic headers are `false`.
 *
 * @example
 * ```ts
 * checkBasicAuth(req.headers.authorization, '__cookie__', password); // true | false
 * ```
 */
export function checkBasicAuth(header: string | undefined, user: string, password: string): boolean {
  if (typeof header !== 'string' || header.length > 4_096) return false;
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  // Always compare, even for a malformed header, so its time tells nothing either.
  const ok = timingSafeEqual(digest(given), digest(`${user}:${password}`));
  return ok && match !== null;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
