/**
 * DNS seeds as a discovery source: host names whose A and AAAA records list
 * nodes that were recently up.
 *
 * @packageDocumentation
 */
import { Resolver } from 'node:dns/promises';
import { asyncScheduler, catchError, forkJoin, from, map, mergeMap, Observable, of, throwError, timeout, type SchedulerLike } from 'rxjs';
import { InvalidAddressError } from '../net/InvalidAddressError.js';
import { SocketAddress } from '../net/SocketAddress.js';
import type { AddressAnnouncement, AnnouncedAddress } from './AddressAnnouncement.js';
import type { DnsSeedFailure } from './DnsSeedFailure.js';
import { DnsLookupTimeoutError, DnsSeedError, InvalidDiscoveryOptionError, InvalidSeedError } from './errors.js';
import { seedTimestamp } from './seedTimestamp.js';
import { isList } from '../shared/isList.js';

/** Default time allowed for each A or AAAA lookup: 10 s. */
export const DEFAULT_DNS_SEED_TIMEOUT_MS = 10_000;

/**
 * The part of a DNS resolver {@link dnsSeeds} uses; `node:dns/promises`'s
 * `Resolver` fits.
 *
 * @example
 * ```ts
 * const fake: DnsResolverLike = { resolve4: async () => ['1.2.3.4'], resolve6: async () => [] };
 * ```
 */
export interface DnsResolverLike {
  /** The IPv4 addresses (A records) of `host`. */
  resolve4(host: string): Promise<string[]>;
  /** The IPv6 addresses (AAAA records) of `host`. */
  resolve6(host: string): Promise<string[]>;
}

/**
 * Options of {@link dnsSeeds}. Only `defaultPort` is required.
 *
 * @example
 * ```ts
 * const options: DnsSeedsOptions = { defaultPort: 8333, servers: ['127.0.0.1:5353'], timeout: 2_000 };
 * ```
 */
export interface DnsSeedsOptions {
  /** The port given to every resolved address (DNS carries none): the network's default port. */
  readonly defaultPort: number;
  /**
   * The resolver. Default: a fresh `node:dns/promises` `Resolver` per lookup
   * (so that a timed-out or unsubscribed lookup can be cancelled without
   * cancelling the others), using the system's servers or `servers`. An
   * injected resolver is shared and never cancelled: a lookup it never settles
   * is abandoned after `timeout`.
   */
  readonly resolver?: DnsResolverLike;
  /** DNS servers (`'ip'` or `'ip:port'`) for the default resolver; not allowed with `resolver`. Default: the system's. */
  readonly servers?: readonly string[];
  /** ms allowed for each lookup, measured on `scheduler`. Default {@link DEFAULT_DNS_SEED_TIMEOUT_MS}. */
  readonly timeout?: number;
  /** Times the lookups. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** The clock for the addresses' timestamps, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Uniform in [0, 1), for the addresses' timestamps. Default `Math.random`. */
  readonly random?: () => number;
}

interface LookupOutcome {
  readonly ips: readonly string[];
  readonly error?: unknown;
}

/**
 * Resolves DNS seeds into address announcements, as btcd's `SeedFromDNS`.
 *
 * On subscription, every host is resolved at once, A and AAAA in parallel,
 * each lookup limited to `timeout` ms. Then, **per seed**, in the order the
 * seeds finish:
 * - if either lookup gave addresses, one announcement with `origin: 'dns'`,
 *   `host`, every distinct address at `defaultPort` with `services` unset
 *   (0) and a random timestamp 3–7 days back ({@link seedTimestamp}), and as
 *   `source` the first address returned (IPv4 first), as btcd does, since the
 *   book needs an address and a host name is not one;
 * - otherwise a {@link DnsSeedFailure} value, whose error says whether the
 *   lookups timed out, failed (NXDOMAIN, …) or were empty.
 * A failed A lookup does not spoil a good AAAA one, and vice versa.
 * It completes once every seed is done; it never errors.
 *
 * Per-seed emission (rather than one batch at the end) lets the node start
 * dialling as soon as the fastest seed answers, and keeps each seed its own
 * `source`, so no single seed can fill more than its share of the book.
 *
 * Unsubscribing cancels the pending lookups of the default resolver.
 *
 * @param hosts - seed host names; duplicates are resolved once.
 * @param options - see {@link DnsSeedsOptions}.
 * @returns a cold Observable: each subscription resolves again.
 * @throws {@link InvalidSeedError} naming a host that is not a DNS name;
 * {@link InvalidDiscoveryOptionError} naming a bad option (port, timeout, servers).
 * @example
 * ```ts
 * dnsSeeds(['seed.bitcoin.sipa.be', 'dnsseed.bluematt.me'], { defaultPort: 8333 }).subscribe((x) => {
 *   if (isDnsSeedFailure(x)) console.warn(x.error.message);
 *   else book.add(x.addrs, x.source);
 * });
 * ```
 */
export function dnsSeeds(hosts: readonly string[], options: DnsSeedsOptions): Observable<AddressAnnouncement | DnsSeedFailure> {
  const seeds = uniqueHosts(hosts);
  const { defaultPort, timeout: timeoutMs = DEFAULT_DNS_SEED_TIMEOUT_MS } = options;
  if (!Number.isInteger(defaultPort) || defaultPort < 1 || defaultPort > 65535) {
    throw new InvalidDiscoveryOptionError('defaultPort', defaultPort, 'an integer in 1..65535');
  }
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
    throw new InvalidDiscoveryOptionError('timeout', timeoutMs, 'a positive number of ms');
  }
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const openResolver = resolverFactory(options);

  const lookup = (host: string, rrtype: 'A' | 'AAAA'): Observable<LookupOutcome> =>
    new Observable<readonly string[]>((subscriber) => {
      const { resolver, owned } = openResolver();
      let settled = false;
      let answer: Promise<string[]>;
      try {
        answer = rrtype === 'A' ? resolver.resolve4(host) : resolver.resolve6(host);
      } catch (error) {
        subscriber.error(error);
        return undefined;
      }
      answer.then(
        (ips) => {
          settled = true;
          subscriber.next(Array.isArray(ips) ? ips : []);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          subscriber.error(error);
        },
      );
      // Only our own resolver is cancelled: cancel() aborts every query of a resolver.
      return () => {
        if (owned && !settled) (resolver as Resolver).cancel();
      };
    }).pipe(
      timeout({ first: timeoutMs, scheduler, with: () => throwError(() => new DnsLookupTimeoutError(host, rrtype, timeoutMs)) }),
      map((ips): LookupOutcome => ({ ips })),
      catchError((error: unknown) => of<LookupOutcome>({ ips: [], error })),
    );

  return from(seeds).pipe(
    mergeMap((host) =>
      forkJoin([lookup(host, 'A'), lookup(host, 'AAAA')]).pipe(
        map(([a, aaaa]) => seedOutcome(host, [a, aaaa], defaultPort, now(), random)),
      ),
    ),
  );
}

/** Turns one seed's two lookups into its announcement or failure. */
function seedOutcome(
  host: string,
  lookups: readonly LookupOutcome[],
  port: number,
  now: number,
  random: () => number,
): AddressAnnouncement | DnsSeedFailure {
  const unique = new Map<string, SocketAddress>();
  for (const ip of lookups.flatMap((l) => l.ips)) {
    try {
      const addr = SocketAddress.from(ip, port);
      if (!unique.has(addr.toString())) unique.set(addr.toString(), addr);
    } catch (error) {
      // A resolver answering with something that is not an IP is skipped, not fatal.
      if (!(error instanceof InvalidAddressError)) throw error;
    }
  }
  const addrs: AnnouncedAddress[] = [...unique.values()].map((addr) => ({ addr, timestamp: seedTimestamp(now, random) }));
  const [first] = addrs;
  if (first) return { addrs, source: first.addr, origin: 'dns', host };

  const causes = lookups.filter((l) => 'error' in l).map((l) => l.error);
  const reason = causes.length === 0 ? 'empty' : causes.every((c) => c instanceof DnsLookupTimeoutError) ? 'timeout' : 'lookup';
  return { type: 'dnsSeedFailed', host, error: new DnsSeedError(host, reason, causes) };
}

/** How each lookup gets its resolver; validates `servers` at call time. */
function resolverFactory(options: DnsSeedsOptions): () => { resolver: DnsResolverLike; owned: boolean } {
  const { resolver, servers } = options;
  if (resolver !== undefined) {
    if (servers !== undefined)
      throw new InvalidDiscoveryOptionError('servers', servers, 'absent when a resolver is injected (configure that resolver instead)');
    return () => ({ resolver, owned: false });
  }
  const make = (): Resolver => {
    const r = new Resolver();
    if (servers !== undefined) r.setServers([...servers]);
    return r;
  };
  if (servers !== undefined) {
    try {
      make(); // setServers throws on a malformed entry: better now than on every lookup.
    } catch (error) {
      throw new InvalidDiscoveryOptionError('servers', servers, `DNS server addresses ('ip' or 'ip:port'): ${(error as Error).message}`);
    }
  }
  return () => ({ resolver: make(), owned: true });
}

/** A conservative host-name shape: letters, digits, `-`, `_`, dots; at most 253 characters. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/;

function uniqueHosts(hosts: readonly string[]): string[] {
  if (!isList(hosts)) throw new InvalidSeedError('dns', hosts, 'the host list is not an array');
  for (const host of hosts) {
    if (typeof host !== 'string' || !HOST_NAME.test(host)) {
      throw new InvalidSeedError('dns', host, 'not a DNS host name (no port, no scheme)');
    }
  }
  return [...new Set(hosts)];
}
