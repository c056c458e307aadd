/**
 * The typed failures of a peer connection: its send buffer, the Bitcoin version handshake and the
 * keep-alive. Each carries the offending value so a node can log it or act on it.
 *
 * @packageDocumentation
 */
import { ProtocolError } from '../protocol/WireProtocol.js';

/**
 * A {@link Peer} was closed because the bytes waiting to be written would have exceeded its
 * `maxSendBuffer`: the remote reads slower than we write (or not at all), and buffering without
 * bound would let one slow peer exhaust our memory.
 *
 * @example
 * ```ts
 * peer.closed$.subscribe(({ error }) => {
 *   if (error instanceof SendBufferOverflowError) console.log(`${error.queued} bytes stuck`);
 * });
 * ```
 */
export class SendBufferOverflowError extends Error {
  override readonly name = 'SendBufferOverflowError';

  /**
   * @param queued - bytes that would have been queued (already queued plus the message refused).
   * @param maxSendBuffer - the limit they exceeded.
   */
  constructor(
    /** Bytes that would have been queued: already buffered plus the refused message. */
    readonly queued: number,
    /** The peer's `maxSendBuffer`. */
    readonly maxSendBuffer: number,
  ) {
    super(`send buffer overflow: ${queued} bytes queued would exceed maxSendBuffer = ${maxSendBuffer}`);
  }
}

/**
 * Whoever subscribed to something that needs an open peer (a handshake) learns this way that the
 * peer closed first, cleanly (a close that carried an error is reported with that error instead).
 *
 * @example
 * ```ts
 * bitcoinHandshake(peer, options).subscribe({
 *   error: (e) => { if (e instanceof PeerClosedError) console.log(`closed by ${e.by}`); },
 * });
 * ```
 */
export class PeerClosedError extends Error {
  override readonly name = 'PeerClosedError';

  /** @param by - which side closed the connection. */
  constructor(
    /** `'remote'` when the remote hung up, `'local'` when `close()` was called on our side. */
    readonly by: 'local' | 'remote',
  ) {
    super(`the peer was closed by the ${by} side`);
  }
}

/**
 * The version handshake did not finish within its `timeout` (btcd's `negotiateTimeout`, 30 s).
 *
 * @example
 * ```ts
 * // HandshakeTimeoutError: version handshake not finished within timeout = 30000 ms (waiting for version)
 * ```
 */
export class HandshakeTimeoutError extends Error {
  override readonly name = 'HandshakeTimeoutError';

  /**
   * @param timeout - the limit, in milliseconds.
   * @param waitingFor - the message still awaited when time ran out.
   */
  constructor(
    /** The handshake's `timeout`, in milliseconds. */
    readonly timeout: number,
    /** The message we were still waiting for. */
    readonly waitingFor: 'version' | 'verack',
  ) {
    super(`version handshake not finished within timeout = ${timeout} ms (waiting for ${waitingFor})`);
  }
}

/**
 * The remote's `version` carried a nonce that we sent ourselves: we dialled our own listener (via
 * a NAT, an advertised address, …). The connection is useless and the address should be forgotten.
 *
 * @example
 * ```ts
 * // SelfConnectionError: connected to self: version nonce 0x1f2e3d4c5b6a7988 is one of ours
 * ```
 */
export class SelfConnectionError extends Error {
  override readonly name = 'SelfConnectionError';

  /** @param nonce - the nonce found in the remote's `version`. */
  constructor(
    /** The nonce of the `version` received, which `isOwnNonce` recognised. */
    readonly nonce: bigint,
  ) {
    super(`connected to self: version nonce 0x${nonce.toString(16).padStart(16, '0')} is one of ours`);
  }
}

/**
 * The remote announced a protocol version below our `minProtocolVersion`. Like btcd and Bitcoin
 * Core we disconnect without penalty: old software is not misbehaving, it is just too old.
 *
 * @example
 * ```ts
 * // ObsoleteVersionError: protocol version 209 is obsolete: minProtocolVersion = 70001
 * ```
 */
export class ObsoleteVersionError extends Error {
  override readonly name = 'ObsoleteVersionError';

  /**
   * @param protocolVersion - the version the remote announced.
   * @param minProtocolVersion - the lowest one we accept.
   */
  constructor(
    /** The protocol version the remote announced. */
    readonly protocolVersion: number,
    /** The lowest one we accept. */
    readonly minProtocolVersion: number,
  ) {
    super(`protocol version ${protocolVersion} is obsolete: minProtocolVersion = ${minProtocolVersion}`);
  }
}

/**
 * The remote broke the order of the version handshake: it sent `command` before its `version`
 * (stage `'before-version'`: btcd answers "a version message must precede all others"), or a
 * message that has no place between `version` and `verack` (stage `'before-verack'`, e.g. a `ping`
 * or a second `version`).
 *
 * A {@link ProtocolError}, so a node that charges `banScore` for every `ProtocolError` charges
 * this one too. **Ban score 1**: Bitcoin Core charged exactly `Misbehaving(1)` for both cases for
 * years (it now merely ignores such messages, btcd disconnects without a score): it can be a
 * harmless quirk of other software, so it must take many repetitions to ban.
 *
 * @example
 * ```ts
 * // UnexpectedMessageError: unexpected "ping" message before-version: the handshake requires version first
 * ```
 */
export class UnexpectedMessageError extends ProtocolError {
  override readonly name = 'UnexpectedMessageError';

  /**
   * @param command - the command of the offending message.
   * @param stage - where in the handshake it arrived.
   */
  constructor(
    /** The command of the offending message. */
    readonly command: string,
    /** `'before-version'` when the remote's `version` had not arrived yet, else `'before-verack'`. */
    readonly stage: 'before-version' | 'before-verack',
  ) {
    super(
      `unexpected ${JSON.stringify(command)} message ${stage}: ` +
        (stage === 'before-version' ? 'the handshake requires version first' : 'only verack may complete the handshake'),
      1,
    );
  }
}

/**
 * Nothing at all was received from the peer for `idleTimeout` milliseconds (btcd: 5 minutes),
 * although we ping it more often than that: the connection is dead or the peer is stuck.
 *
 * @example
 * ```ts
 * // IdleTimeoutError: nothing received for idleTimeout = 300000 ms
 * ```
 */
export class IdleTimeoutError extends Error {
  override readonly name = 'IdleTimeoutError';

  /** @param idleTimeout - the limit, in milliseconds. */
  constructor(
    /** The keep-alive's `idleTimeout`, in milliseconds. */
    readonly idleTimeout: number,
  ) {
    super(`nothing received for idleTimeout = ${idleTimeout} ms`);
  }
}
