/**
 * The value {@link dnsSeeds} emits for a seed that gave no addresses.
 *
 * @packageDocumentation
 */
import type { AddressAnnouncement } from './AddressAnnouncement.js';
import type { DnsSeedError } from './errors.js';

/**
 * A DNS seed that gave no addresses (timed out, NXDOMAIN, refused, empty).
 * {@link dnsSeeds} emits it as a value rather than an error notification, so
 * that one dead seed neither stops the other seeds nor tears down a merged
 * discovery stream.
 *
 * @example
 * ```ts
 * const failure: DnsSeedFailure = { type: 'dnsSeedFailed', host: 'seed.example.org', error };
 * ```
 */
export interface DnsSeedFailure {
  readonly type: 'dnsSeedFailed';
  /** The seed host, as given to {@link dnsSeeds}. */
  readonly host: string;
  /** What went wrong, with each failed lookup's error in `causes`. */
  readonly error: DnsSeedError;
}

/**
 * Tells a {@link DnsSeedFailure} from an announcement in the output of
 * {@link dnsSeeds}.
 *
 * @example
 * ```ts
 * dnsSeeds(hosts, { defaultPort: 8333 }).subscribe((x) => {
 *   if (isDnsSeedFailure(x)) console.warn(x.error.message);
 *   else book.add(x.addrs, x.source);
 * });
 * ```
 */
export function isDnsSeedFailure(value: AddressAnnouncement | DnsSeedFailure): value is DnsSeedFailure {
  return (value as Partial<DnsSeedFailure>).type === 'dnsSeedFailed';
}
