import { randomUUID } from 'node:crypto';
import { lstat, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { JsonFileError, JsonSerializeError, errorCode } from './errors.js';

/**
 * Writes `value` as JSON so that `path` always holds either the previous complete file or the new
 * complete file — never a half-written one, even if the process dies mid-write.
 *
 * How: the JSON goes to a uniquely named temporary file in the same directory (same filesystem, so
 * the rename is atomic), which is fsync'ed, renamed over `path`, and then the directory is fsync'ed
 * (where the platform supports it) so the rename itself survives a power loss. Concurrent calls on
 * one path are safe: each uses its own temporary file and the last rename wins.
 *
 * Rejects with {@link JsonSerializeError} when the value cannot be serialized (nothing is written)
 * and with {@link JsonFileError} on I/O failure (the temporary file is removed, `path` is untouched).
 *
 * @example
 * ```ts
 * await writeJsonFileAtomic('/var/lib/node/bans.json', { version: 1, bans: [] });
 * ```
 */
export async function writeJsonFileAtomic(path: string, value: unknown): Promise<void> {
  const text = serialize(path, value);
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomUUID()}`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new JsonFileError(path, 'write', error);
  }
  await syncDirectory(path);
}

/** The outcome of {@link loadJsonFile}. */
export type JsonLoadResult<T> =
  | { readonly status: 'loaded'; readonly value: T }
  | { readonly status: 'missing' }
  | { readonly status: 'corrupt'; readonly error: Error; readonly movedTo: string };

/** Options of {@link loadJsonFile}. */
export interface LoadJsonFileOptions {
  /** Clock (ms) used to stamp the name of a file moved aside. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Reads `path` and hands the parsed JSON to `parse`, which validates it and returns the typed value
 * (or throws on a wrong shape or version).
 *
 * - No file → `{ status: 'missing' }`.
 * - Unparsable JSON, or `parse` throwing → the bad file is renamed to `<path>.corrupt-<ms timestamp>`
 *   (kept for inspection, and so that the next save does not destroy the evidence) and
 *   `{ status: 'corrupt', error, movedTo }` is returned. Bad content never throws.
 * - Real I/O failures (EACCES, EISDIR, …) reject with {@link JsonFileError} naming the path, because
 *   treating an unreadable file as empty could silently throw away data.
 *
 * @example
 * ```ts
 * const r = await loadJsonFile('peers.json', (raw) => {
 *   if (!Array.isArray(raw)) throw new TypeError('expected an array');
 *   return raw as string[];
 * });
 * if (r.status === 'corrupt') console.warn(`moved bad file to ${r.movedTo}`);
 * ```
 */
export async function loadJsonFile<T>(
  path: string,
  parse: (raw: unknown) => T,
  options: LoadJsonFileOptions = {},
): Promise<JsonLoadResult<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { status: 'missing' };
    throw new JsonFileError(path, 'read', error);
  }
  let value: T;
  try {
    value = parse(JSON.parse(text) as unknown);
  } catch (error) {
    const movedTo = await moveAside(path, (options.now ?? Date.now)());
    return { status: 'corrupt', error: asError(error), movedTo };
  }
  return { status: 'loaded', value };
}

function serialize(path: string, value: unknown): string {
  let text: string | undefined;
  try {
    // JSON.stringify is typed as returning string, but yields undefined for undefined/functions/symbols.
    text = JSON.stringify(value, null, 2);
  } catch (error) {
    throw new JsonSerializeError(path, error);
  }
  if (text === undefined) {
    throw new JsonSerializeError(path, new TypeError(`${typeof value} has no JSON representation`));
  }
  return `${text}\n`;
}

/** Renames the file to a free `<path>.corrupt-<stamp>[-n]` name; never overwrites an earlier one. */
async function moveAside(path: string, stamp: number): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const target = attempt === 0 ? `${path}.corrupt-${stamp}` : `${path}.corrupt-${stamp}-${attempt}`;
    if (await exists(target)) continue;
    try {
      await rename(path, target);
    } catch (error) {
      throw new JsonFileError(path, 'rename', error);
    }
    return target;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw new JsonFileError(path, 'inspect', error);
  }
}

// Platforms that cannot open or fsync a directory (Windows, some network filesystems) report one of
// these; the rename already happened, so there is nothing better to do than carry on.
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF']);

async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(dirname(path), 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code === undefined || !DIRECTORY_SYNC_UNSUPPORTED.has(code)) {
      throw new JsonFileError(path, 'sync', error);
    }
  } finally {
    await handle?.close();
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
