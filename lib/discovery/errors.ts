/**
 * The typed errors of the discovery sources. Configuration mistakes are
 * thrown at call time; a DNS seed that fails at run time is reported as a
 * value ({@link DnsSeedFailure}) carrying a {@link DnsSeedError}.
 *
 * @packageDocumentation
 */

/**
 * Thrown by {@link staticSeeds} and {@link dnsSeeds} for a seed entry that
 * cannot be used: a static seed that is not an `ip:port` (or has port 0), or a
 * DNS seed host that is not a non-empty string.
 *
 * @example
 * ```ts
 * try { staticSeeds(['seed.example.org:8333']); }
 * catch (e) { if (e instanceof InvalidSeedError) console.log(e.entry); } // 'seed.example.org:8333'
 * ```
 */
export class InvalidSeedError extends Error {
  override readonly name = 'InvalidSeedError';
  /**
   * @param kind - which list the entry was in.
   * @param entry - the offending entry.
   * @param reason - why it was rejected.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(
    readonly kind: 'static' | 'dns',
    readonly entry: unknown,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid ${kind} seed ${describe(entry)}: ${reason}`, options);
  }
}

/**
 * Thrown by {@link manualPeers} for an `addnode` or `connect` entry that is
 * not an `ip:port` with a non-zero port.
 *
 * @example
 * ```ts
 * try { manualPeers({ addnode: ['1.2.3.4'] }); }
 * catch (e) { if (e instanceof InvalidManualPeerError) console.log(e.option, e.entry); } // 'addnode' '1.2.3.4'
 * ```
 */
export class InvalidManualPeerError extends Error {
  override readonly name = 'InvalidManualPeerError';
  /**
   * @param option - the option the entry was given in.
   * @param entry - the offending entry.
   * @param reason - why it was rejected.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(
    readonly option: 'addnode' | 'connect',
    readonly entry: unknown,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid ${option} entry ${describe(entry)}: ${reason}`, options);
  }
}

/**
 * Thrown by {@link manualPeers} when both `addnode` and `connect` list peers.
 * btcd refuses the same combination ("the --addpeer and --connect options can
 * not be mixed"): connect mode means *only* the `connect` peers, so an
 * `addnode` list beside it is either ignored or contradicts it.
 *
 * @example
 * ```ts
 * try { manualPeers({ addnode: ['1.2.3.4:8333'], connect: ['5.6.7.8:8333'] }); }
 * catch (e) { if (e instanceof ManualPeersConflictError) console.log(e.addnode, e.connect); }
 * ```
 */
export class ManualPeersConflictError extends Error {
  override readonly name = 'ManualPeersConflictError';
  /**
   * @param addnode - the `addnode` entries given.
   * @param connect - the `connect` entries given.
   */
  constructor(
    readonly addnode: readonly string[],
    readonly connect: readonly string[],
  ) {
    super(`addnode ${describe(addnode)} and connect ${describe(connect)} cannot be mixed: connect mode dials only the connect peers`);
  }
}

/**
 * Thrown at call time for an option of a discovery function that is out of
 * range or contradicts another (e.g. a negative `timeout`, `servers` together
 * with an injected `resolver`).
 *
 * @example
 * ```ts
 * try { dnsSeeds(['seed.example.org'], { defaultPort: 8333, timeout: -1 }); }
 * catch (e) { if (e instanceof InvalidDiscoveryOptionError) console.log(e.option, e.value); } // 'timeout' -1
 * ```
 */
export class InvalidDiscoveryOptionError extends Error {
  override readonly name = 'InvalidDiscoveryOptionError';
  /**
   * @param option - the option's name.
   * @param value - the offending value.
   * @param expected - what was expected instead.
   */
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`option ${option} should be ${expected}, got ${describe(value)}`);
  }
}

/**
 * One A or AAAA lookup of a DNS seed that got no answer within the timeout
 * (measured on the injected scheduler). Found in {@link DnsSeedError.causes}.
 *
 * @example
 * ```ts
 * failure.error.causes.some((c) => c instanceof DnsLookupTimeoutError); // true when a lookup timed out
 * ```
 */
export class DnsLookupTimeoutError extends Error {
  override readonly name = 'DnsLookupTimeoutError';
  /**
   * @param host - the seed host looked up.
   * @param rrtype - the record type asked for.
   * @param timeout - the timeout that expired, in ms.
   */
  constructor(
    readonly host: string,
    readonly rrtype: 'A' | 'AAAA',
    readonly timeout: number,
  ) {
    super(`DNS seed ${JSON.stringify(host)}: no ${rrtype} answer within ${timeout} ms`);
  }
}

/**
 * Why a DNS seed gave no addresses: `'timeout'` — every failed lookup timed
 * out; `'lookup'` — a lookup failed otherwise (NXDOMAIN is `ENOTFOUND`, a
 * refusing server `EREFUSED`, …); `'empty'` — the lookups succeeded but
 * returned no usable address.
 *
 * @example
 * ```ts
 * const retryLater = (reason: DnsSeedErrorReason) => reason === 'timeout';
 * ```
 */
export type DnsSeedErrorReason = 'timeout' | 'lookup' | 'empty';

/**
 * The error of a {@link DnsSeedFailure}: a seed host whose A and AAAA lookups
 * together gave no address. `causes` holds each failed lookup's error (a
 * {@link DnsLookupTimeoutError} or the resolver's error, which for Node's
 * resolver has a `code` such as `'ENOTFOUND'`).
 *
 * @example
 * ```ts
 * if (isDnsSeedFailure(x)) console.warn(x.error.host, x.error.reason, x.error.message);
 * ```
 */
export class DnsSeedError extends Error {
  override readonly name = 'DnsSeedError';
  /**
   * @param host - the seed host.
   * @param reason - see {@link DnsSeedErrorReason}.
   * @param causes - the failed lookups' errors (empty for `'empty'`).
   */
  constructor(
    readonly host: string,
    readonly reason: DnsSeedErrorReason,
    readonly causes: readonly unknown[],
  ) {
    super(`DNS seed ${JSON.stringify(host)} gave no addresses: ${summary(reason, causes)}`, { cause: causes[0] });
  }
}

function summary(reason: DnsSeedErrorReason, causes: readonly unknown[]): string {
  if (reason === 'empty') return 'no A or AAAA records';
  return causes
    .map((c) => {
      // A resolver error's `code` (`ENOTFOUND`…) is the short form; a thrown non-Error is shown as is.
      const code = c instanceof Error ? (c as { code?: unknown }).code : undefined;
      if (typeof code === 'string') return code;
      return c instanceof Error ? c.message : String(c);
    })
    .join(', ');
}

/** A value as text for an error message, never throwing. */
function describe(value: unknown): string {
  try {
    return typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
