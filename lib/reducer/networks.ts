import { retryJitter } from '../backoff/retryJitter.js';
import { DEFAULT_OFFLINE_AFTER, DEFAULT_ONLINE_RETRY_JITTER } from '../model/LiveConfig.js';
import type { OnlineReason } from '../model/events.js';
import { DEFAULT_NETWORK, type ConnManagerState, type NetworkHealth, type OutboundEntry } from '../model/state.js';
import type { Draft } from './Draft.js';

/**
 * Network-aware failures, the reducer's side (issue #14 item 5): per network family, the dial
 * failures in a row since its last success, and the user's word (`networkDown` / `networkUp`).
 *
 * Like Bitcoin Core, a failure while we are probably offline is not held against the address:
 * Core's `count_failures` (net.cpp) counts none unless outbound peers in two netgroups or more are
 * connected, and addrman's `Attempt` counts one per address per success anywhere (`m_last_good`),
 * made per network in Core #35750 (IPv6 down while IPv4 works must not make IPv6 addresses
 * "terrible"). What differs on purpose:
 * - offline is read from the dials themselves (`offlineAfter` failures in a row with no success,
 *   per family), not from the connected peers' netgroups: the reducer sees every dial, and a family
 *   with no connected peer but working dials is not offline;
 * - a family starts online (Core #35750 starts with "no success yet", counting nothing until the
 *   first one): a node that never connects still throttles and backs off as btcd does;
 * - the per-address "one counted failure per success" rule is the address book's: the manager says
 *   `counted: false` on `failed`, the book decides what it counts;
 * - the user (or an OS-level signal) can say so: `networkDown` / `networkUp`;
 * - Core has no immediate retry when the network returns; here waiting permanent peers are
 *   rescheduled at once, spread by a jitter that is a pure function of the request (`retryJitter`).
 */

/** The family of `addr`: `config.networkOf`, or `DEFAULT_NETWORK`. A throwing `networkOf` is reported (`callbackError`) and gives `DEFAULT_NETWORK`. */
export function networkOfAddr<A, C>(d: Draft<A, C>, addr: A): string {
  const { networkOf } = d.config;
  if (networkOf === undefined) return DEFAULT_NETWORK;
  try {
    return String(networkOf(addr));
  } catch (error) {
    d.emitted.push({ type: 'callbackError', source: 'networkOf', error });
    return DEFAULT_NETWORK;
  }
}

/** Whether `network` is offline in `state`: every family down, this one down, or `offlineAfter` failures in a row. */
export function isOffline<A, C>(state: ConnManagerState<A, C>, network: string): boolean {
  return healthIsOffline(state, state.networks.get(network));
}

/** `isOffline` for a family whose health was already looked up (`undefined`: never heard of). */
export function healthIsOffline<A, C>(state: ConnManagerState<A, C>, health: NetworkHealth | undefined): boolean {
  if (state.allNetworksDown) return true;
  if (health === undefined) return false;
  return health.down || health.failures >= (state.config.offlineAfter ?? DEFAULT_OFFLINE_AFTER);
}

/**
 * One more dial failure in `network`, whose `health` the caller has just looked up (a storm asks
 * whether the family is offline, then records, on every attempt: one lookup for both); announces
 * `networkOffline` when this failure makes it so.
 */
export function recordDialFailure<A, C>(d: Draft<A, C>, network: string, health: NetworkHealth | undefined): void {
  const offlineAfter = d.config.offlineAfter ?? DEFAULT_OFFLINE_AFTER;
  // Nothing to learn (never offline by failures, or already is): a storm then costs no write.
  if (offlineAfter === Infinity || (health !== undefined && health.failures >= offlineAfter)) return;
  const before = healthIsOffline(d, health);
  const after: NetworkHealth = { failures: (health?.failures ?? 0) + 1, down: health?.down ?? false };
  d.networks = d.networks.set(network, after);
  if (!before && healthIsOffline(d, after)) d.emitted.push({ type: 'networkOffline', network, reason: 'failures' });
}

/**
 * A dial to `network` succeeded: its failures start again from 0. If that ends an outage (and
 * the user did not say it is down), `networkOnline` and the at-once retries of its waiting permanents.
 */
export function recordDialSuccess<A, C>(d: Draft<A, C>, network: string): void {
  const health = d.networks.get(network);
  if (health === undefined || health.failures === 0) return;
  const before = isOffline(d, network);
  d.networks = d.networks.set(network, { failures: 0, down: health.down });
  if (before && !isOffline(d, network)) cameOnline(d, network, 'success');
}

/** `networkDown`: the user says `network` (or, undefined, every family) is down. */
export function markNetworkDown<A, C>(d: Draft<A, C>, network: string | undefined): void {
  if (network === undefined) {
    if (d.allNetworksDown) return;
    d.allNetworksDown = true;
    d.emitted.push({ type: 'networkOffline', network: undefined, reason: 'manual' });
    return;
  }
  const before = isOffline(d, network);
  const health = d.networks.get(network);
  if (health?.down !== true) d.networks = d.networks.set(network, { failures: health?.failures ?? 0, down: true });
  if (!before) d.emitted.push({ type: 'networkOffline', network, reason: 'manual' });
}

/**
 * `networkUp`: the user says `network` (or, undefined, every family) is up: its failure count
 * and its `down` mark are cleared. If it was offline, `networkOnline` and the at-once retries.
 * A single family stays offline while every family is down (`networkDown()` needs `networkUp()`).
 */
export function markNetworkUp<A, C>(d: Draft<A, C>, network: string | undefined): void {
  if (network === undefined) {
    let wasOffline = d.allNetworksDown;
    for (const name of d.networks.keys()) wasOffline ||= isOffline(d, name);
    d.allNetworksDown = false;
    let networks = d.networks;
    for (const name of networks.keys()) networks = networks.set(name, HEALTHY);
    d.networks = networks;
    if (wasOffline) cameOnline(d, undefined, 'manual');
    return;
  }
  const before = isOffline(d, network);
  if (d.networks.has(network)) d.networks = d.networks.set(network, HEALTHY);
  if (before && !isOffline(d, network)) cameOnline(d, network, 'manual');
}

const HEALTHY: NetworkHealth = Object.freeze({ failures: 0, down: false });

/**
 * `network` (undefined: every family) is back: every permanent request of it waiting in
 * `retryWait` is rescheduled at once, with `retryJitter(id, attempt)` as its delay; the new
 * `retryScheduled` replaces its timer (the request's lane ends the old one). Its backoff and
 * `retryCount` are kept. O(requests), on this rare step only.
 */
function cameOnline<A, C>(d: Draft<A, C>, network: string | undefined, reason: OnlineReason): void {
  const waiting: OutboundEntry<A, C>[] = [];
  for (const entry of d.requests.values()) {
    if (!entry.permanent || entry.stage !== 'retryWait') continue;
    if (network !== undefined && networkOfAddr(d, entry.addr as A) !== network) continue;
    waiting.push(entry);
  }
  d.emitted.push({ type: 'networkOnline', network, reason, retried: waiting.length });
  const bound = d.config.onlineRetryJitter ?? DEFAULT_ONLINE_RETRY_JITTER;
  for (const entry of waiting) {
    d.emitted.push({
      type: 'retryScheduled',
      req: entry.req,
      delay: retryJitter(entry.id, entry.attempt, bound),
      retryCount: entry.retryCount,
      attempt: entry.attempt,
    });
  }
}
