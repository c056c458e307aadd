/**
 * btcd's choice of the next outbound address (`server.go`, `newAddressFunc`),
 * as a pure function over a picker.
 *
 * @packageDocumentation
 */
import { first, range } from 'ix/iterable';
import { filter, map, takeWhile } from 'ix/iterable/operators';
import type { SocketAddress } from '../net/SocketAddress.js';
import type { AddrInfo } from './AddrInfo.js';
import { NoAddressError } from './errors.js';

/** How many candidates {@link selectOutboundAddress} draws before giving up, by default (btcd: 100). */
export const DEFAULT_MAX_TRIES = 100;
/** For the first this-many tries, recently attempted addresses are skipped (btcd: 30). */
export const SKIP_RECENT_TRIES = 30;
/** "Recently attempted" for {@link SKIP_RECENT_TRIES}: 10 minutes. */
export const RECENT_ATTEMPT_WINDOW_MS = 10 * 60_000;
/** For the first this-many tries, addresses on a non-default port are skipped (btcd: 50). */
export const SKIP_ODD_PORT_TRIES = 50;

/**
 * The input of {@link selectOutboundAddress}.
 *
 * @example
 * ```ts
 * const input: OutboundChoiceInput = { pick: () => book.select(), now: Date.now(), groupsInUse, isUnavailable, group: netGroup, defaultPort: 8333 };
 * ```
 */
export interface OutboundChoiceInput {
  /** Draws a candidate, usually `() => book.select()`; `undefined` means there is none. */
  readonly pick: () => AddrInfo | undefined;
  /** The current time, ms. */
  readonly now: number;
  /**
   * Network groups of our outbound connections, established **or being
   * dialed**. btcd counts only established ones, so several dials in flight
   * at once can land in one group; counting the dials closes that gap.
   */
  readonly groupsInUse: ReadonlySet<string>;
  /** Whether an address must not be dialed now: banned, already connected, or already being dialed. */
  readonly isUnavailable: (addr: SocketAddress) => boolean;
  /** The network group of an address, usually `netGroup`. */
  readonly group: (addr: SocketAddress) => string;
  /** The network's usual port (8333 on Bitcoin mainnet). */
  readonly defaultPort: number;
  /** How many candidates to draw at most. Default {@link DEFAULT_MAX_TRIES} (100). */
  readonly maxTries?: number;
}

/**
 * Chooses the next outbound address by btcd's rules. Candidates come from
 * `pick`; try number `n` (counting from 0) is skipped when
 * - the address is unavailable (`isUnavailable`), or
 * - its group is already in `groupsInUse` (one outbound peer per /16 or /32:
 *   the main defence against an attacker who owns a few address ranges), or
 * - `n < 30` and it was attempted less than 10 minutes ago, or
 * - `n < 50` and its port is not `defaultPort`.
 * The rules relax as tries go by so that a small or odd book still yields
 * an address, but a same-group or unavailable address is never returned.
 *
 * The choice is not recorded anywhere: the caller marks it attempted
 * (`book.attempt(addr)`) and adds its group to the groups in use.
 *
 * @param input - see {@link OutboundChoiceInput}.
 * @returns the address to dial.
 * @throws NoAddressError after `maxTries` rejected candidates, or as soon as
 *   `pick` returns `undefined`; the error carries the number of tries.
 * @example
 * ```ts
 * const addr = selectOutboundAddress({
 *   pick: () => book.select(), now: Date.now(), groupsInUse, group: netGroup, defaultPort: 8333,
 *   isUnavailable: (a) => banned.has(a.host) || active.has(a.toString()),
 * });
 * book.attempt(addr);
 * groupsInUse.add(netGroup(addr));
 * ```
 */
export function selectOutboundAddress(input: OutboundChoiceInput): SocketAddress {
  const { pick, now, groupsInUse, isUnavailable, group, defaultPort, maxTries = DEFAULT_MAX_TRIES } = input;
  let drawn = 0;
  let ranDry = false;
  const acceptable = (tries: number, info: AddrInfo): boolean => {
    const { addr, lastAttempt } = info;
    if (isUnavailable(addr) || groupsInUse.has(group(addr))) return false;
    if (tries < SKIP_RECENT_TRIES && lastAttempt !== undefined && now - lastAttempt < RECENT_ATTEMPT_WINDOW_MS) return false;
    return tries >= SKIP_ODD_PORT_TRIES || addr.port === defaultPort;
  };
  const chosen = first(
    range(0, Math.max(0, maxTries)).pipe(
      map((tries) => ({ tries, info: pick() })),
      takeWhile((candidate): candidate is { tries: number; info: AddrInfo } => {
        if (candidate.info === undefined) ranDry = true;
        else drawn += 1;
        return candidate.info !== undefined;
      }),
      filter(({ tries, info }) => acceptable(tries, info)),
    ),
  );
  if (chosen === undefined) throw new NoAddressError(drawn, ranDry ? 'empty' : 'exhausted');
  return chosen.info.addr;
}
