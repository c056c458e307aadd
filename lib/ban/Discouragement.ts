import { RollingBloomFilter, type RollingBloomFilterOptions } from './RollingBloomFilter.js';
import { hostToBytes } from './normalizeHost.js';
import { formatIp } from '../net/ipAddress.js';

/** Options of {@link Discouragement}. */
export interface DiscouragementOptions extends RollingBloomFilterOptions {
  /** Discourage loopback hosts (127.0.0.0/8, ::1) too. Default `false`: a local peer is yours. */
  readonly discourageLoopback?: boolean;
}

/**
 * Hosts that misbehaved, remembered cheaply and approximately (Bitcoin Core's "discouraged"
 * addresses): unlike a ban they are not refused, only made the first to go when inbound is full
 * (see {@link selectDiscouragedToEvict}) — so a false positive costs an honest host at most a
 * slot it would have kept. Backed by a {@link RollingBloomFilter}: fixed memory, the latest
 * `capacity` hosts always remembered.
 *
 * @example
 * ```ts
 * const discouraged = new Discouragement();
 * discouraged.discourage('203.0.113.7'); // true
 * discouraged.isDiscouraged('::ffff:203.0.113.7'); // true
 * discouraged.discourage('127.0.0.1');  // false: loopback is never discouraged by default
 * ```
 */
export class Discouragement {
  readonly #filter: RollingBloomFilter;
  readonly #loopback: boolean;

  constructor(options: DiscouragementOptions = {}) {
    this.#filter = new RollingBloomFilter(options);
    this.#loopback = options.discourageLoopback ?? false;
  }

  /**
   * Discourages `host` (an IP, any spelling). Returns `false` and does nothing for a loopback host
   * unless `discourageLoopback`. Throws `InvalidHostError` for a non-IP.
   *
   * @example
   * ```ts
   * if (!mayAutoBan(peer)) return; else discouraged.discourage(peer.host);
   * ```
   */
  discourage(host: string): boolean {
    const bytes = hostToBytes(host);
    if (!this.#loopback && isLoopback(bytes)) return false;
    this.#filter.insert(formatIp(bytes));
    return true;
  }

  /**
   * Whether `host` was discouraged (recently, and with the filter's small error). Throws
   * `InvalidHostError` for a non-IP.
   *
   * @example
   * ```ts
   * const victim = selectDiscouragedToEvict(candidates, (c) => discouraged.isDiscouraged(c.addr.host));
   * ```
   */
  isDiscouraged(host: string): boolean {
    const bytes = hostToBytes(host);
    if (!this.#loopback && isLoopback(bytes)) return false;
    return this.#filter.has(formatIp(bytes));
  }

  /**
   * Forgets every discouraged host (Core's `clearbanned` does this too).
   *
   * @example
   * ```ts
   * discouraged.clear();
   * ```
   */
  clear(): void {
    this.#filter.clear();
  }
}

function isLoopback(bytes: Uint8Array): boolean {
  if (bytes.length === 4) return bytes[0] === 127;
  return bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}
