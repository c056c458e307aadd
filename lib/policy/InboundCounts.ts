/**
 * How many inbound connections there are, in total, per IP and per network
 * group: the state {@link admitInbound} decides on.
 *
 * @packageDocumentation
 */
import { PersistentMap } from '../collections/PersistentMap.js';
import type { SocketAddress } from '../net/SocketAddress.js';
import { netGroup } from '../net/netGroup.js';
import { InboundCountsError } from './errors.js';

/**
 * The key an address counts under for the per-IP cap: its host (IP), loopback included.
 *
 * An inbound conn's port is the remote's ephemeral port, so keying by `host:port` would exempt
 * a host from the cap entirely. Local test networks give each node its own loopback address
 * (127.0.0.2, 127.0.0.3, … — as the demo does) or raise the cap.
 *
 * @param addr - the peer's address.
 * @returns the per-IP key.
 *
 * @example
 * ```ts
 * ipKey(SocketAddress.parse('8.8.8.8:50000'));   // '8.8.8.8'
 * ipKey(SocketAddress.parse('127.0.0.1:50000')); // '127.0.0.1'
 * ```
 */
export function ipKey(addr: SocketAddress): string {
  return addr.host;
}

/**
 * An immutable tally of inbound connections: the total, the count per IP
 * (see {@link ipKey}) and per `netGroup`. `add` and `remove` return a new
 * value in O(1) (a few persistent-map updates), sharing structure with the
 * old one, so a reducer can keep it in its state and old snapshots stay valid.
 *
 * Counts that fall to zero are removed, so the tally's size follows the
 * connections, not the history.
 *
 * @example
 * ```ts
 * const a = SocketAddress.parse('203.0.113.5:40000');
 * let counts = InboundCounts.empty().add(a).add(SocketAddress.parse('203.0.113.5:40001'));
 * counts.total;           // 2
 * counts.perIp(a);        // 2
 * counts = counts.remove(a);
 * counts.perGroup(a);     // 1
 * ```
 */
export class InboundCounts {
  private static readonly EMPTY = new InboundCounts(0, PersistentMap.empty(), PersistentMap.empty());

  /** All inbound connections counted. */
  readonly total: number;
  readonly #perIp: PersistentMap<string, number>;
  readonly #perGroup: PersistentMap<string, number>;

  private constructor(total: number, perIp: PersistentMap<string, number>, perGroup: PersistentMap<string, number>) {
    this.total = total;
    this.#perIp = perIp;
    this.#perGroup = perGroup;
    Object.freeze(this);
  }

  /**
   * No connections. Always the same shared instance (it is immutable).
   *
   * @example
   * ```ts
   * InboundCounts.empty().total; // 0
   * ```
   */
  static empty(): InboundCounts {
    return InboundCounts.EMPTY;
  }

  /**
   * Counts one more connection from `addr`.
   *
   * @param addr - the new connection's remote address.
   * @returns the new tally; this one is unchanged.
   *
   * @example
   * ```ts
   * InboundCounts.empty().add(SocketAddress.parse('1.2.3.4:5')).total; // 1
   * ```
   */
  add(addr: SocketAddress): InboundCounts {
    return new InboundCounts(
      this.total + 1,
      this.#perIp.update(ipKey(addr), (n) => (n ?? 0) + 1),
      this.#perGroup.update(netGroup(addr), (n) => (n ?? 0) + 1),
    );
  }

  /**
   * Counts one connection from `addr` fewer. Only the IP (and group) matter,
   * not the port: any connection from that host may be the one removed.
   *
   * @param addr - the closed connection's remote address.
   * @returns the new tally; this one is unchanged.
   * @throws {@link InboundCountsError} naming `addr` when no connection from
   *   its IP is counted; going below zero would hide a bookkeeping bug and
   *   later let that IP past its cap.
   *
   * @example
   * ```ts
   * const a = SocketAddress.parse('1.2.3.4:5');
   * InboundCounts.empty().add(a).remove(a).total; // 0
   * ```
   */
  remove(addr: SocketAddress): InboundCounts {
    const ip = ipKey(addr);
    const group = netGroup(addr);
    // Checking the IP is enough: every counted IP is also counted in its group.
    if (this.#perIp.get(ip) === undefined) throw new InboundCountsError(addr);
    const decrement = (n: number | undefined): number | undefined => (n === undefined || n <= 1 ? undefined : n - 1);
    return new InboundCounts(this.total - 1, this.#perIp.update(ip, decrement), this.#perGroup.update(group, decrement));
  }

  /**
   * Connections counted from `addr`'s IP (see {@link ipKey}); the port is ignored.
   *
   * @example
   * ```ts
   * InboundCounts.empty().add(SocketAddress.parse('1.2.3.4:5')).perIp(SocketAddress.parse('1.2.3.4:6')); // 1
   * ```
   */
  perIp(addr: SocketAddress): number {
    return this.#perIp.get(ipKey(addr)) ?? 0;
  }

  /**
   * Connections counted from `addr`'s network group (`netGroup(addr)`).
   *
   * @example
   * ```ts
   * InboundCounts.empty().add(SocketAddress.parse('1.2.3.4:5')).perGroup(SocketAddress.parse('1.2.9.9:6')); // 1
   * ```
   */
  perGroup(addr: SocketAddress): number {
    return this.#perGroup.get(netGroup(addr)) ?? 0;
  }
}
