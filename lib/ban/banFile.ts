import type { BanEntry } from './BanEntry.js';
import { normalizeHost } from './normalizeHost.js';
import { parseCidr } from './cidr.js';

/** The version written into ban files; files of any other version are treated as corrupt. */
export const BAN_FILE_VERSION = 1;

/**
 * The on-disk shape of a ban list: a version tag so a future format is recognised rather than
 * misread, and the active bans.
 */
export interface BanFile {
  readonly version: typeof BAN_FILE_VERSION;
  readonly bans: readonly BanEntry[];
}

/**
 * Thrown by {@link parseBanFile} when the content is valid JSON but not a ban file. Names the
 * offending field (`bans[2].until`) and carries its value.
 *
 * @example
 * ```ts
 * parseBanFile({ version: 1, bans: [{ host: 'x' }] }); // throws BanFileFormatError: bans[0].host …
 * ```
 */
export class BanFileFormatError extends TypeError {
  override readonly name = 'BanFileFormatError';
  constructor(
    /** Where in the document the problem is, e.g. `'bans[2].until'`. */
    readonly field: string,
    /** The offending value. */
    readonly value: unknown,
    expected: string,
  ) {
    super(`ban file field ${field} must be ${expected}, got ${describe(value)}`);
  }
}

/**
 * Validates parsed JSON as a {@link BanFile}, normalizing each host. Throws {@link BanFileFormatError}
 * on any deviation — meant as the `parse` argument of `loadJsonFile`, which then sets the file aside.
 *
 * @example
 * ```ts
 * parseBanFile({ version: 1, bans: [{ host: '::ffff:1.2.3.4', since: 0, until: 10, reason: '' }] })
 *   .bans[0].host; // '1.2.3.4'
 * ```
 */
export function parseBanFile(raw: unknown): BanFile {
  if (!isRecord(raw)) throw new BanFileFormatError('(root)', raw, 'an object');
  if (raw['version'] !== BAN_FILE_VERSION) throw new BanFileFormatError('version', raw['version'], `${BAN_FILE_VERSION}`);
  const bans = raw['bans'];
  if (!Array.isArray(bans)) throw new BanFileFormatError('bans', bans, 'an array');
  return {
    version: BAN_FILE_VERSION,
    bans: bans.map((item: unknown, i): BanEntry => {
      const at = `bans[${i}]`;
      if (!isRecord(item)) throw new BanFileFormatError(at, item, 'an object');
      const { host, since, until, reason } = item;
      if (typeof host !== 'string') throw new BanFileFormatError(`${at}.host`, host, 'an IP address string');
      let normalized: string;
      try {
        normalized = normalizeBanKey(host);
      } catch {
        throw new BanFileFormatError(`${at}.host`, host, 'an IP address or CIDR subnet string');
      }
      if (!isTime(since)) throw new BanFileFormatError(`${at}.since`, since, 'a finite number (ms)');
      if (!isTime(until)) throw new BanFileFormatError(`${at}.until`, until, 'a finite number (ms)');
      if (typeof reason !== 'string') throw new BanFileFormatError(`${at}.reason`, reason, 'a string');
      return { host: normalized, since, until, reason };
    }),
  };
}

/**
 * The document to write for a set of bans (plain objects only, so nothing extra leaks into the file).
 *
 * @example
 * ```ts
 * await writeJsonFileAtomic(path, toBanFile(banList.entries()));
 * ```
 */
export function toBanFile(entries: Iterable<BanEntry>): BanFile {
  return {
    version: BAN_FILE_VERSION,
    bans: Array.from(entries, ({ host, since, until, reason }) => ({ host, since, until, reason })),
  };
}

/**
 * A host's normalized spelling, or a subnet's canonical CIDR text (a full-length prefix is the bare
 * host). Files written before subnet bans hold only hosts, so they read the same as ever.
 */
function normalizeBanKey(text: string): string {
  if (!text.includes('/')) return normalizeHost(text);
  const cidr = parseCidr(text);
  return cidr.prefix === cidr.bytes.length * 8 ? cidr.network : cidr.text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    // String() is the fallback for what JSON cannot show (a BigInt, a cycle); it is the best text left.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    text = String(value);
  }
  // A whole corrupt document could be the offending value; keep the message readable.
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
