import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/** The user name of cookie auth (Bitcoin Core's). */
export const COOKIE_USER = '__cookie__';

/**
 * Writes a fresh Core-style cookie to `file` — `__cookie__:<64 hex chars>` — atomically (a
 * temporary file opened with mode 0600, then renamed over `file`), and returns the password. A
 * client reads the file and authenticates as `__cookie__` with that password; a new start makes a
 * new password, so a stolen cookie dies with the process.
 *
 * @example
 * ```ts
 * const password = await writeRpcCookie('/var/lib/node/.cookie');
 * ```
 */
export async function writeRpcCookie(file: string): Promise<string> {
  const password = randomBytes(32).toString('hex');
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  // 'wx' refuses to follow a planted file or link; 0o600 keeps other users out from the first byte.
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${COOKIE_USER}:${password}`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return password;
}

/**
 * Removes the cookie file (on stop). A file already gone is fine.
 *
 * @example
 * ```ts
 * await removeRpcCookie('/var/lib/node/.cookie');
 * ```
 */
export async function removeRpcCookie(file: string): Promise<void> {
  await rm(file, { force: true });
}
