/**
 * The typed errors of the connection policies. Each one carries the offending
 * value, so a caller (or a log line) can say exactly what was wrong.
 *
 * @packageDocumentation
 */
import type { SocketAddress } from '../net/SocketAddress.js';

/**
 * Thrown when a policy function or factory gets an argument or option outside
 * its domain: a limit that is not a non-negative integer, a time `now` that is
 * not a finite number of milliseconds, a rate that is not positive, and so on.
 *
 * It is a `RangeError` because the type is right but the value is not.
 *
 * @example
 * ```ts
 * try { maxPendingHandshakes(3, -1); }
 * catch (e) {
 *   if (e instanceof PolicyArgumentError) console.log(e.argument, e.value); // 'limit' -1
 * }
 * ```
 */
export class PolicyArgumentError extends RangeError {
  override readonly name = 'PolicyArgumentError';

  /**
   * @param argument - the argument or option name, e.g. `'limits.maxPerIp'`.
   * @param value - the rejected value, as given.
   * @param expected - what would have been accepted, for the message.
   */
  constructor(
    readonly argument: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${argument} must be ${expected}, got ${describe(value)}`);
  }
}

/**
 * Thrown by {@link selectNodeToEvict} when a candidate is malformed: a
 * duplicate `id`, a `connectedAt` that is not finite, a `minPingMs` that is
 * negative or NaN, a relay time that is not finite, or a keyed group hash that
 * is not a finite number. Failing loudly beats evicting the wrong peer on the
 * strength of a NaN, which compares false with everything and would silently
 * scramble every ranking.
 *
 * @example
 * ```ts
 * try { selectNodeToEvict([{ ...candidate, minPingMs: NaN }]); }
 * catch (e) {
 *   if (e instanceof InvalidEvictionCandidateError) console.log(e.id, e.field, e.value); // 7 'minPingMs' NaN
 * }
 * ```
 */
export class InvalidEvictionCandidateError extends TypeError {
  override readonly name = 'InvalidEvictionCandidateError';

  /**
   * @param id - the candidate's `id`.
   * @param field - the offending field (`'keyedGroup'` for a bad hash).
   * @param value - the offending value.
   * @param reason - why it was rejected, for the message.
   */
  constructor(
    readonly id: number,
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`eviction candidate ${id}: ${field} ${describe(value)} ${reason}`);
  }
}

/**
 * Thrown by `InboundCounts.remove` for an address that is not counted. The
 * counts would otherwise go negative and a later admission check would let
 * one IP or netgroup past its cap; the mismatch is a bookkeeping bug in the
 * caller (an address removed twice, or removed without having been added).
 *
 * @example
 * ```ts
 * try { InboundCounts.empty().remove(SocketAddress.parse('1.2.3.4:5')); }
 * catch (e) { if (e instanceof InboundCountsError) console.log(String(e.addr)); } // '1.2.3.4:5'
 * ```
 */
export class InboundCountsError extends Error {
  override readonly name = 'InboundCountsError';

  /** @param addr - the address that was removed without being counted. */
  constructor(readonly addr: SocketAddress) {
    super(`inbound address ${addr.toString()} is not counted, so it cannot be removed`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return `${String(value)} (${typeof value})`;
}
