/**
 * What the {@link AddressBook} knows about one address.
 *
 * @packageDocumentation
 */
import type { SocketAddress } from '../net/SocketAddress.js';
import type { OverlayAddress } from './OverlayAddress.js';

/**
 * An address the book can hold: an IP socket address (dialed directly) or an
 * overlay one (Tor v3, I2P, CJDNS; dialed only through a proxy for it).
 *
 * @example
 * ```ts
 * const addr: BookAddress = SocketAddress.parse('1.2.3.4:8333');
 * ```
 */
export type BookAddress = SocketAddress | OverlayAddress;

/**
 * A snapshot of one address book entry. The book hands out copies: changing
 * the book later does not change a snapshot already returned. All times are
 * milliseconds since the epoch, on the book's injected clock. `A` is the
 * kind of address: IP (the default, what `all()` and `select()` return) or
 * {@link OverlayAddress} (`overlayEntries()`, `selectOverlay()`).
 *
 * @example
 * ```ts
 * const info = book.select();
 * if (info && !info.tried) console.log(`${info.addr} heard of from ${info.source}`);
 * ```
 */
export interface AddrInfo<A extends BookAddress = SocketAddress> {
  /** The address itself (host and port). */
  readonly addr: A;
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
