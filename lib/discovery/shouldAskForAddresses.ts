/**
 * When to ask a new outbound peer for addresses.
 *
 * @packageDocumentation
 */
import { InvalidDiscoveryOptionError } from './errors.js';

/** Below this many addresses, new outbound peers are asked for more: 1,000 (btcd). */
export const DEFAULT_GETADDR_THRESHOLD = 1_000;

/**
 * Whether to send `getaddr` to a new outbound peer, by btcd's rule: only
 * while the address book holds fewer than `threshold` addresses. A full
 * enough book does not ask, so that one peer's answer (up to 1,000
 * addresses, all of its choosing) cannot reshape a book that is doing fine.
 * Inbound peers are never asked (btcd): the connecting side chose them, not us.
 *
 * @param bookSize - addresses in the book (`book.size`).
 * @param threshold - default {@link DEFAULT_GETADDR_THRESHOLD}.
 * @returns `bookSize < threshold`.
 * @throws {@link InvalidDiscoveryOptionError} if either is negative or not a number.
 * @example
 * ```ts
 * if (peer.outbound && shouldAskForAddresses(book.size)) peer.send({ command: 'getaddr' });
 * shouldAskForAddresses(999);   // true
 * shouldAskForAddresses(1_000); // false
 * ```
 */
export function shouldAskForAddresses(bookSize: number, threshold: number = DEFAULT_GETADDR_THRESHOLD): boolean {
  if (typeof bookSize !== 'number' || !(bookSize >= 0))
    throw new InvalidDiscoveryOptionError('bookSize', bookSize, 'a non-negative number');
  if (typeof threshold !== 'number' || !(threshold >= 0))
    throw new InvalidDiscoveryOptionError('threshold', threshold, 'a non-negative number');
  return bookSize < threshold;
}
