import type { BackoffPolicy } from '../backoff/Backoff.js';

/**
 * The part of the configuration that may change while the manager runs (`cm.configure(partial)`,
 * the `config$` input, the reducer's `configure` action). Every field has the meaning, domain and
 * default it has in `ConnManagerConfig`; a change is visible in `state.config` after the step that
 * applied it, and announced by a `configured` event.
 */
export interface LiveConfig {
  /** Automatic outbound connections to keep. Raising it dials more; lowering it closes the youngest automatic requests. */
  readonly targetOutbound: number;
  /** Inbound conns admitted at once. Lowering it below the admitted count closes the youngest inbound conns. */
  readonly maxInbound: number;
  /** Automatic failures in a row after which replacements wait `retryDuration`. */
  readonly maxFailedAttempts: number;
  /** ms: the throttled replacement delay (and the default backoff's step, see `ConnManager.configure`). */
  readonly retryDuration: number;
  /** ms a connection must last before its request's backoff resets. */
  readonly minUptime: number;
  /**
   * Retry delays of permanent requests. A new policy applies from each request's next retry: a
   * request already waiting keeps its timer, and its next failure starts at the new policy's first
   * step (its `retryCount` goes on counting).
   */
  readonly backoff: BackoffPolicy;
  /** Consecutive dial failures, with no success, after which a network family is taken as offline. */
  readonly offlineAfter: number;
  /** ms: the bound of the jitter of the retries made at once when a network family comes back. */
  readonly onlineRetryJitter: number;
}

/** The fields of {@link LiveConfig}, in a fixed order (validation, events, logs). */
export const LIVE_CONFIG_KEYS = [
  'targetOutbound',
  'maxInbound',
  'maxFailedAttempts',
  'retryDuration',
  'minUptime',
  'backoff',
  'offlineAfter',
  'onlineRetryJitter',
] as const satisfies readonly (keyof LiveConfig)[];

/**
 * Default of `offlineAfter`: 25 dial failures in a row, with no success in between, and a network
 * family is taken as offline — btcd's `maxFailedAttempts`, the point where btcd itself concludes
 * that the network is down and throttles its replacements. So by default the dial pattern of an
 * offline node is btcd's (throttled from the 25th failure on); what changes is that the failures
 * after it stop counting against the addresses and the backoffs. Core is more eager (it counts no
 * failure unless two netgroups are connected); a lower value gets closer to that.
 */
export const DEFAULT_OFFLINE_AFTER = 25;

/** Default of `onlineRetryJitter`, ms: permanent peers retried when their network comes back spread over one second. */
export const DEFAULT_ONLINE_RETRY_JITTER = 1_000;
