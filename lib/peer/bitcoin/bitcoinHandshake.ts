/**
 * The Bitcoin version handshake (`version` / `verack`), as btcd's peer negotiates it.
 *
 * @packageDocumentation
 */
import { Observable, Subscription, asyncScheduler } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { PROTOCOL_VERSION, isRawMessage, versionMessage } from '../../protocol/bitcoin/messages.js';
import type { BitcoinMessage, NetAddress, VersionInit, VersionMessage } from '../../protocol/bitcoin/messages.js';
import { InvalidOptionError } from '../../transport/errors.js';
import { VERSION } from '../../version.js';
import type { Peer } from '../Peer.js';
import { HandshakeTimeoutError, ObsoleteVersionError, PeerClosedError, SelfConnectionError, UnexpectedMessageError } from '../errors.js';

/**
 * Options of {@link bitcoinHandshake}.
 *
 * @example
 * ```ts
 * const options: HandshakeOptions = {
 *   direction: 'outbound',
 *   nonce: randomBytes(8).readBigUInt64LE(),
 *   isOwnNonce: (nonce) => noncesInFlight.has(nonce),
 * };
 * ```
 */
export interface HandshakeOptions {
  /** `'outbound'` when we dialled (we speak first), `'inbound'` when the remote did. */
  direction: 'inbound' | 'outbound';
  /** Our random uint64 nonce, sent in our `version`. */
  nonce: bigint;
  /**
   * Whether `nonce` (from the remote's `version`) is one we sent: then we are talking to ourselves.
   * A node keeps the nonces of its handshakes in flight (btcd keeps the last 50 it sent) and checks
   * them here; the inbound side of a self-connection is the one that sees its own nonce come back.
   */
  isOwnNonce: (nonce: bigint) => boolean;
  /** BIP14 user agent. Default `/rx-connmgr:<VERSION>/`. */
  userAgent?: string;
  /**
   * Service bits we announce. Default `0n`, as btcd's peer: `NODE_NETWORK` (`1n`) would promise
   * full blocks to peers that then ask for them, and a connection manager has none to give.
   */
  services?: bigint;
  /** Height of our best chain. Default `0` (we have no chain). */
  startHeight?: number;
  /**
   * BIP37 relay flag: whether we want transaction announcements. Default `false`: a node that does
   * not process transactions only pays bandwidth for them (btcd defaults to `true`, it has a mempool).
   */
  relay?: boolean;
  /**
   * Send `sendaddrv2` (BIP155) between our `version` and our `verack`: we read `addrv2` and would
   * rather get it. Default `false`, so that a bare handshake stays the two messages btcd sends.
   */
  sendAddrV2?: boolean;
  /** Protocol version we announce. Default 70016 (`PROTOCOL_VERSION`, btcd's `MaxProtocolVersion`). */
  protocolVersion?: number;
  /**
   * Lowest protocol version accepted from the remote; below it the handshake fails with
   * {@link ObsoleteVersionError}. Default 70001. btcd accepts 209 and Bitcoin Core 31800, but we
   * need BIP31 ping nonces (60001) for keep-alive — an older peer's empty `ping` would not even
   * decode — and no node announcing less than 70001 (Core 0.8, 2013) is seen on the network.
   */
  minProtocolVersion?: number;
  /** Milliseconds for the whole handshake. Default `30_000` (btcd's `negotiateTimeout`); `Infinity` waits forever. */
  timeout?: number;
  /** Measures the timeout. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** Our clock in milliseconds since the epoch, for the `version` timestamp. Default `scheduler.now()`. */
  now?: () => number;
}

/**
 * What a successful handshake learnt about the remote.
 *
 * @example
 * ```ts
 * bitcoinHandshake(peer, options).subscribe(({ userAgent, startHeight }) => console.log(userAgent, startHeight));
 * ```
 */
export interface HandshakeResult {
  /** The remote's `version` message. */
  readonly version: VersionMessage;
  /** The remote's user agent, e.g. `/Satoshi:27.0.0/`. */
  readonly userAgent: string;
  /** The remote's best height when it connected. */
  readonly startHeight: number;
  /** The protocol version both sides speak: the lower of the two announced. */
  readonly protocolVersion: number;
  /** Whether the remote sent `sendaddrv2` (BIP155) before its `verack`. */
  readonly sendAddrV2: boolean;
  /** Whether the remote sent `wtxidrelay` (BIP339) before its `verack`. */
  readonly wtxidRelay: boolean;
}

const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_MIN_PROTOCOL_VERSION = 70001;

/**
 * Runs the version handshake on `peer`, following btcd's `negotiateOutboundProtocol` /
 * `negotiateInboundProtocol`:
 *
 * - **outbound**: send our `version`; wait for theirs; send `verack`; wait for their `verack`.
 * - **inbound**: wait for their `version`; send our `version` and, right after it, our `verack`
 *   (btcd does not wait for anything in between); wait for their `verack`.
 *
 * Their `version` is checked as btcd does, in this order: the first message must be a `version`
 * ({@link UnexpectedMessageError}, stage `'before-version'`), its nonce must not be ours
 * ({@link SelfConnectionError}; then we send nothing at all), its protocol version must be at least
 * `minProtocolVersion` ({@link ObsoleteVersionError}). Between their `version` and their `verack`,
 * `sendaddrv2` and `wtxidrelay` (which Bitcoin Core sends there) are recorded in the result and
 * commands the codec does not model (raw messages, e.g. BIP330's `sendtxrcncl`) are skipped, as btcd
 * skips unknown messages; any other message (a `ping`, a second `version`, …) is an
 * {@link UnexpectedMessageError} (stage `'before-verack'`). We send `sendaddrv2` only with
 * `sendAddrV2`, right after our `version` (so before our `verack`, as BIP155 requires and Core
 * does), and `wtxidrelay` never: we relay no transactions. No `reject` is sent on failure:
 * Bitcoin Core dropped that message (0.20) and ignores it.
 *
 * Cold: each subscription runs one handshake. It emits a {@link HandshakeResult} once their
 * `verack` has arrived, then completes — synchronously inside the delivery of that `verack`, so
 * subscribe to `peer.messages$` from `next` to miss nothing that followed it in the same chunk.
 * It errors with {@link HandshakeTimeoutError}, {@link SelfConnectionError},
 * {@link UnexpectedMessageError}, {@link ObsoleteVersionError} or the protocol's errors, and on any
 * of these it closes the peer with that error (btcd disconnects); if the peer closes first it errors
 * with the close's error, or a {@link PeerClosedError} for a clean close. Unsubscribing early stops
 * the handshake (and its timer) but leaves the peer open.
 *
 * @param peer - a freshly connected peer speaking the Bitcoin protocol.
 * @param options - see {@link HandshakeOptions}.
 * @returns a one-shot stream of the handshake's result.
 * @throws `InvalidOptionError` at call time for a `timeout` that is negative or NaN.
 *
 * @example
 * ```ts
 * const nonce = randomBytes(8).readBigUInt64LE();
 * ownNonces.add(nonce);
 * bitcoinHandshake(peer, { direction: 'outbound', nonce, isOwnNonce: (n) => ownNonces.has(n) })
 *   .pipe(finalize(() => ownNonces.delete(nonce)))
 *   .subscribe({
 *     next: ({ userAgent }) => {
 *       console.log('connected to', userAgent);
 *       peer.messages$.subscribe(handle); // synchronously, to miss nothing
 *     },
 *     error: (e) => console.log('handshake failed:', e.message), // the peer is closed already
 *   });
 * ```
 */
export function bitcoinHandshake(peer: Peer<BitcoinMessage>, options: HandshakeOptions): Observable<HandshakeResult> {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new InvalidOptionError('timeout', timeout, 'a number of milliseconds >= 0, or Infinity');
  }
  if (options.direction !== 'inbound' && options.direction !== 'outbound') {
    throw new InvalidOptionError('direction', options.direction, "'inbound' or 'outbound'");
  }
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? (() => scheduler.now());
  const ourProtocolVersion = options.protocolVersion ?? PROTOCOL_VERSION;
  const minProtocolVersion = options.minProtocolVersion ?? DEFAULT_MIN_PROTOCOL_VERSION;

  return new Observable<HandshakeResult>((subscriber) => {
    const resources = new Subscription();
    let theirs: VersionMessage | undefined;
    let sendAddrV2 = false;
    let wtxidRelay = false;

    const fail = (error: unknown): void => {
      resources.unsubscribe();
      peer.close(error);
      subscriber.error(error);
    };
    const sendVersion = (): void => {
      peer.send(versionMessage(versionInit(options, ourProtocolVersion, peer, now())));
      if (options.sendAddrV2 === true) peer.send({ command: 'sendaddrv2' });
    };
    const onMessage = (message: BitcoinMessage): void => {
      if (theirs === undefined) {
        if (isRawMessage(message) || message.command !== 'version') {
          fail(new UnexpectedMessageError(message.command, 'before-version'));
          return;
        }
        if (options.isOwnNonce(message.nonce)) {
          fail(new SelfConnectionError(message.nonce));
          return;
        }
        if (message.protocolVersion < minProtocolVersion) {
          fail(new ObsoleteVersionError(message.protocolVersion, minProtocolVersion));
          return;
        }
        theirs = message;
        if (options.direction === 'inbound') sendVersion();
        peer.send({ command: 'verack' });
        return;
      }
      if (isRawMessage(message)) return;
      switch (message.command) {
        case 'sendaddrv2':
          sendAddrV2 = true;
          return;
        case 'wtxidrelay':
          wtxidRelay = true;
          return;
        case 'verack': {
          const result: HandshakeResult = {
            version: theirs,
            userAgent: theirs.userAgent,
            startHeight: theirs.startHeight,
            protocolVersion: Math.min(ourProtocolVersion, theirs.protocolVersion),
            sendAddrV2,
            wtxidRelay,
          };
          resources.unsubscribe();
          subscriber.next(result);
          subscriber.complete();
          return;
        }
        default:
          fail(new UnexpectedMessageError(message.command, 'before-verack'));
      }
    };

    // closed$ replays, so a peer closed before we start fails the handshake at once. It also emits
    // before messages$ ends, so it alone reports the close (and its reason).
    resources.add(
      peer.closed$.subscribe(({ by, error }) => {
        resources.unsubscribe();
        subscriber.error(error ?? new PeerClosedError(by));
      }),
    );
    if (resources.closed) return undefined;
    resources.add(
      peer.messages$.subscribe((message) => {
        // A throwing isOwnNonce (or encode) must fail the handshake, not escape into the socket's
        // event handler.
        try {
          onMessage(message);
        } catch (error) {
          fail(error);
        }
      }),
    );
    if (timeout !== Infinity) {
      resources.add(
        scheduler.schedule(() => fail(new HandshakeTimeoutError(timeout, theirs === undefined ? 'version' : 'verack')), timeout),
      );
    }
    if (options.direction === 'outbound') {
      try {
        sendVersion();
      } catch (error) {
        fail(error);
      }
    }
    return resources;
  });
}

/** Our `version` fields: only the options given, so `versionMessage` fills in its own defaults. */
function versionInit(options: HandshakeOptions, protocolVersion: number, peer: Peer<BitcoinMessage>, nowMs: number): VersionInit {
  const remote = peer.remote;
  const addrRecv: NetAddress = remote
    ? { services: 0n, ip: remote.toBytes16(), port: remote.port }
    : { services: 0n, ip: new Uint8Array(16), port: 0 };
  return {
    nonce: options.nonce,
    timestamp: Math.floor(nowMs / 1000),
    addrRecv,
    protocolVersion,
    services: options.services ?? 0n,
    userAgent: options.userAgent ?? `/rx-connmgr:${VERSION}/`,
    startHeight: options.startHeight ?? 0,
    relay: options.relay ?? false,
  };
}
