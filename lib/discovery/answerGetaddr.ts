/**
 * Whether and how to answer a peer's `getaddr`, as Bitcoin Core does: once
 * per inbound connection, with a random fifth of the book.
 *
 * @packageDocumentation
 */
import type { AddrInfo, BookAddress } from '../addr/AddrInfo.js';
import { isBad } from '../addr/isBad.js';
import { OverlayAddress } from '../addr/OverlayAddress.js';
import type { AddrMessage, AddrV2Address, Addrv2Message, TimestampedNetAddress } from '../protocol/bitcoin/messages.js';
import { InvalidDiscoveryOptionError } from './errors.js';

/** At most this share of the book goes into one answer, in percent: 23, Core's `MAX_PCT_ADDR_TO_SEND`. */
export const MAX_GETADDR_ANSWER_PERCENT = 23;
/** At most this many addresses go into one answer: 1,000, Core's `MAX_ADDR_TO_SEND` (one `addr` message). */
export const MAX_GETADDR_ANSWER_SIZE = 1_000;

/**
 * What to do with a `getaddr`:
 * `'answer'` — answer it (see {@link addrAnswer});
 * `'outbound'` — ignore it: the peer is one we dialed, and answering would
 * let it learn our book, and so fingerprint us across restarts and networks;
 * `'already-answered'` — ignore it: this connection had its one answer, so
 * that reconnect-free scraping of the book takes as many connections as
 * answers.
 *
 * @example
 * ```ts
 * const verdict: GetaddrVerdict = getaddrVerdict({ outbound: false, answered: false }); // 'answer'
 * ```
 */
export type GetaddrVerdict = 'answer' | 'outbound' | 'already-answered';

/**
 * The facts about a connection that {@link getaddrVerdict} reads.
 *
 * @example
 * ```ts
 * const conn: GetaddrConnection = { outbound: peer.outbound, answered: session.getaddrAnswered };
 * ```
 */
export interface GetaddrConnection {
  /** Whether we dialed the peer (any outbound class: full relay, block-relay-only, feeler, manual). */
  readonly outbound: boolean;
  /** Whether this connection's `getaddr` has been answered already. */
  readonly answered: boolean;
}

/**
 * Decides a `getaddr`, by Core's rules (`net_processing`, `NetMsgType::GETADDR`):
 * never to an outbound peer, at most once per connection. The caller keeps
 * `answered` per connection (set it when the verdict is `'answer'`); it dies
 * with the connection, so each new connection gets one answer — which is
 * why the answer is only a random 23 % of the book.
 *
 * @param conn - see {@link GetaddrConnection}.
 * @returns see {@link GetaddrVerdict}.
 * @example
 * ```ts
 * if (getaddrVerdict({ outbound: conn.outbound, answered: conn.getaddrAnswered }) === 'answer') {
 *   conn.getaddrAnswered = true;
 *   send(addrAnswer(book.all(), { now, random }));
 * }
 * ```
 */
export function getaddrVerdict(conn: GetaddrConnection): GetaddrVerdict {
  if (conn.outbound) return 'outbound';
  return conn.answered ? 'already-answered' : 'answer';
}

/**
 * Options of {@link addrAnswer}.
 *
 * @example
 * ```ts
 * const options: AddrAnswerOptions = { now: Date.now(), random: Math.random };
 * ```
 */
export interface AddrAnswerOptions {
  /** The clock, ms: entries {@link isBad} at `now` are left out. */
  readonly now: number;
  /** Uniform numbers in [0, 1). */
  readonly random: () => number;
  /** The largest share of the book to send, percent in [0, 100]. @default 23 */
  readonly maxPercent?: number;
  /** The most addresses to send, an integer ≥ 0. @default 1000 */
  readonly maxAddresses?: number;
}

/**
 * The addresses to answer a `getaddr` with, as Core's `AddrMan::GetAddr`:
 * `min(maxAddresses, ⌊maxPercent · n / 100⌋)` entries drawn uniformly
 * without replacement from the `n` given (a partial Fisher–Yates shuffle),
 * then those that are {@link isBad} dropped — so the answer may be shorter,
 * never longer, and the peer cannot steer which part of the book it sees.
 * Pure; `entries` is not changed.
 *
 * Differs from Core: Core also caches the answer per network for about a
 * day, so that repeated connections see the same sample; the caller may do
 * that with this function's result.
 *
 * @param entries - the book's entries, e.g. `book.all()`.
 * @param options - see {@link AddrAnswerOptions}.
 * @returns the chosen entries, in random order.
 * @throws InvalidDiscoveryOptionError naming `maxPercent` or `maxAddresses` when out of range.
 * @example
 * ```ts
 * addrAnswer([...book.all(), ...book.overlayEntries()], { now, random }).length; // ≤ min(1000, 23 % of them)
 * ```
 */
export function addrAnswer<A extends BookAddress = BookAddress>(
  entries: readonly AddrInfo<A>[],
  options: AddrAnswerOptions,
): AddrInfo<A>[] {
  const { now, random, maxPercent = MAX_GETADDR_ANSWER_PERCENT, maxAddresses = MAX_GETADDR_ANSWER_SIZE } = options;
  if (typeof maxPercent !== 'number' || !(maxPercent >= 0 && maxPercent <= 100)) {
    throw new InvalidDiscoveryOptionError('maxPercent', maxPercent, 'a number in [0, 100]');
  }
  if (!Number.isSafeInteger(maxAddresses) || maxAddresses < 0) {
    throw new InvalidDiscoveryOptionError('maxAddresses', maxAddresses, 'an integer ≥ 0');
  }
  const count = Math.min(maxAddresses, Math.floor((maxPercent * entries.length) / 100));
  const pool = entries.slice();
  const chosen: AddrInfo<A>[] = [];
  for (let i = 0; i < count; i += 1) {
    // Clamped: a `random` returning 1 (out of contract) must not read past the pool.
    const j = Math.min(pool.length - 1, i + Math.floor(random() * (pool.length - i)));
    const picked = pool[j] as AddrInfo<A>;
    pool[j] = pool[i] as AddrInfo<A>;
    pool[i] = picked;
    if (!isBad(picked, now)) chosen.push(picked);
  }
  return chosen;
}

/**
 * Book entries as the message that carries them: an `addrv2` (BIP155) for a
 * peer that sent `sendaddrv2`, with IP and overlay entries; otherwise an
 * `addr`, with the IP entries only — overlay addresses do not fit its 16
 * bytes, and BIP155 says to leave them out for such peers. Timestamps go from
 * ms to s, never later than `now` (a peer learns nothing from our clock
 * being ahead). At most 1,000 entries (one message), the first ones.
 *
 * @param entries - e.g. the result of {@link addrAnswer}.
 * @param options - `addrv2`: whether the peer sent `sendaddrv2`; `now`: the clock, ms.
 * @returns the message to send (possibly with no addresses: then do not send it).
 * @example
 * ```ts
 * const message = addrMessageOf(addrAnswer(entries, { now, random }), { addrv2: peer.sentSendaddrv2, now });
 * if (message.addresses.length > 0) peer.send(message);
 * ```
 */
export function addrMessageOf(
  entries: readonly AddrInfo<BookAddress>[],
  options: { readonly addrv2: boolean; readonly now: number },
): AddrMessage | Addrv2Message {
  const seconds = (info: AddrInfo<BookAddress>): number =>
    Math.max(0, Math.min(Math.floor(options.now / 1000), Math.floor(info.timestamp / 1000)));
  const first = entries.slice(0, MAX_GETADDR_ANSWER_SIZE);
  if (!options.addrv2) {
    const addresses = first.flatMap((info): TimestampedNetAddress[] => {
      const { addr } = info;
      if (addr instanceof OverlayAddress) return [];
      return [{ timestamp: seconds(info), services: info.services, ip: addr.toBytes16(), port: addr.port }];
    });
    return { command: 'addr', addresses };
  }
  const addresses = first.map((info): AddrV2Address => {
    const { addr } = info;
    const timestamp = seconds(info);
    if (addr instanceof OverlayAddress)
      return { timestamp, services: info.services, network: addr.network, addr: addr.bytes, port: addr.port };
    const bytes = addr.toBytes16();
    return addr.family === 4
      ? { timestamp, services: info.services, network: 'ipv4', addr: bytes.slice(12), port: addr.port }
      : { timestamp, services: info.services, network: 'ipv6', addr: bytes, port: addr.port };
  });
  return { command: 'addrv2', addresses };
}
