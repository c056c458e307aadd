/**
 * What the {@link AddressBook} knows about one address.
 *
 * @packageDocumentation
 */
import type { SocketAddress } from '../net/SocketAddress.js';

/**
 * A snapshot of one address book entry. The book hands out copies: changing
 * the book later does not change a snapshot already returned. All times are
 * milliseconds since the epoch, on the book's injected clock.
 *
 * @example
 * ```ts
 * const info = book.select();
 * if (info && !info.tried) console.log(`${info.addr} heard of from ${info.source}`);
 * ```
 */
export interface AddrInfo {
  /** The address itself (host and port). */
  readonly addr: SocketAddress;
  /** The service bits last advertised for it, OR-ed over every announcement (default `0n`). */
  readonly services: bigint;
  /** When the address was last known to be alive: its announced time, or our own last contact. */
  readonly timestamp: number;
  /** The peer that first told us about the address. */
  readonly source: SocketAddress;
  /** Connection attempts since the last success (reset by `good`). */
  readonly attempts: number;
  /** When we last tried to connect, or `undefined` if never. */
  readonly lastAttempt: number | undefined;
  /** When a connection last succeeded (`good`), or `undefined` if never. */
  readonly lastSuccess: number | undefined;
  /** `true` when the entry sits in the tried table, `false` in the new table. */
  readonly tried: boolean;
}
