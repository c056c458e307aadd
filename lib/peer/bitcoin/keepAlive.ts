/**
 * Keeping a Bitcoin connection alive: pings, pongs and the idle timeout, as btcd's peer does them.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { Observable, Subscription, asyncScheduler } from 'rxjs';
import type { SchedulerAction, SchedulerLike } from 'rxjs';
import { isRawMessage } from '../../protocol/bitcoin/messages.js';
import type { BitcoinMessage } from '../../protocol/bitcoin/messages.js';
import { InvalidOptionError } from '../../transport/errors.js';
import type { Peer } from '../Peer.js';
import { IdleTimeoutError } from '../errors.js';

/**
 * A round trip measured by {@link keepAlive}: the pong for our latest ping came back.
 *
 * @example
 * ```ts
 * keepAlive(peer).subscribe(({ rtt }) => console.log(`ping ${rtt} ms`));
 * ```
 */
export interface PingSample {
  /** The nonce of the ping (and of the pong that answered it). */
  readonly nonce: bigint;
  /** Milliseconds from sending the ping to receiving the pong, on the scheduler's clock. */
  readonly rtt: number;
}

/**
 * Options of {@link keepAlive}.
 *
 * @example
 * ```ts
 * const options: KeepAliveOptions = { pingInterval: 60_000, idleTimeout: 180_000 };
 * ```
 */
export interface KeepAliveOptions {
  /** Milliseconds between our pings. Default `120_000` (btcd's 2 minutes); `Infinity` sends none. */
  pingInterval?: number;
  /** Milliseconds without receiving anything before giving up. Default `300_000` (btcd's 5 minutes); `Infinity` never. */
  idleTimeout?: number;
  /** Runs the timers and measures round trips. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** Source of ping nonces. Default 8 random bytes from `node:crypto`. */
  nonce?: () => bigint;
}

const DEFAULT_PING_INTERVAL = 2 * 60_000;
const DEFAULT_IDLE_TIMEOUT = 5 * 60_000;

/**
 * Keeps a handshaken Bitcoin peer alive, like btcd's `pingHandler` and idle read deadline:
 *
 * - answers every `ping` with a `pong` carrying its nonce (BIP31);
 * - sends a `ping` with a fresh nonce every `pingInterval`, the first one `pingInterval` after
 *   subscribing; a new ping supersedes one still unanswered (btcd keeps only the last nonce);
 * - emits a {@link PingSample} when a `pong` matches our latest ping (other pongs are ignored);
 * - fails with {@link IdleTimeoutError}, closing the peer with it, when nothing at all (any
 *   message counts) was received for `idleTimeout`.
 *
 * Cold; runs until unsubscribed and never completes while the peer is open. When the peer closes
 * (for whatever reason, reported by the peer itself) it completes: there is nothing left to keep
 * alive. Start it synchronously in the handshake's `next`, so no early `ping` is missed.
 *
 * @param peer - a peer whose version handshake is done.
 * @param options - see {@link KeepAliveOptions}.
 * @returns the round-trip samples.
 * @throws `InvalidOptionError` at call time when `pingInterval` or `idleTimeout` is not a number > 0.
 *
 * @example
 * ```ts
 * bitcoinHandshake(peer, handshakeOptions).pipe(
 *   switchMap(() => keepAlive(peer)),
 * ).subscribe({
 *   next: ({ rtt }) => stats.recordPing(peer, rtt),
 *   error: (e) => console.log(e.message), // e.g. IdleTimeoutError; the peer is closed
 * });
 * ```
 */
export function keepAlive(peer: Peer<BitcoinMessage>, options: KeepAliveOptions = {}): Observable<PingSample> {
  const pingInterval = positive('pingInterval', options.pingInterval ?? DEFAULT_PING_INTERVAL);
  const idleTimeout = positive('idleTimeout', options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT);
  const scheduler = options.scheduler ?? asyncScheduler;
  const nextNonce = options.nonce ?? randomNonce;

  return new Observable<PingSample>((subscriber) => {
    const resources = new Subscription();
    let lastReceived = scheduler.now();
    let outstanding: { readonly nonce: bigint; readonly sentAt: number } | undefined;

    const fail = (error: unknown): void => {
      resources.unsubscribe();
      peer.close(error);
      subscriber.error(error);
    };

    resources.add(
      peer.messages$.subscribe({
        next: (message) => {
          lastReceived = scheduler.now();
          if (isRawMessage(message)) return;
          if (message.command === 'ping') {
            peer.send({ command: 'pong', nonce: message.nonce });
          } else if (message.command === 'pong' && outstanding?.nonce === message.nonce) {
            const sample: PingSample = { nonce: message.nonce, rtt: lastReceived - outstanding.sentAt };
            outstanding = undefined;
            subscriber.next(sample);
          }
        },
        // The peer reports its own end (closed$, the ProtocolError on messages$); ours is just over.
        error: () => subscriber.complete(),
        complete: () => subscriber.complete(),
      }),
    );
    if (resources.closed) return undefined;

    if (pingInterval !== Infinity) {
      resources.add(
        scheduler.schedule(function (this: SchedulerAction<unknown>) {
          try {
            const nonce = nextNonce();
            outstanding = { nonce, sentAt: scheduler.now() };
            peer.send({ command: 'ping', nonce });
          } catch (error) {
            fail(error);
            return;
          }
          this.schedule(undefined, pingInterval);
        }, pingInterval),
      );
    }
    if (idleTimeout !== Infinity) {
      // One timer, re-armed for the remaining time when it fires, rather than one per message.
      resources.add(
        scheduler.schedule(function (this: SchedulerAction<unknown>) {
          const idle = scheduler.now() - lastReceived;
          if (idle >= idleTimeout) fail(new IdleTimeoutError(idleTimeout));
          else this.schedule(undefined, idleTimeout - idle);
        }, idleTimeout),
      );
    }
    return resources;
  });
}

function positive(option: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new InvalidOptionError(option, value, 'a number of milliseconds > 0, or Infinity');
  }
  return value;
}

function randomNonce(): bigint {
  return randomBytes(8).readBigUInt64LE();
}
