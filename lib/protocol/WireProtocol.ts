/**
 * Turns bytes into messages, incrementally: feed it whatever the socket delivers (any split,
 * one byte or many messages at a time) and it returns the messages completed so far, in order.
 *
 * Stateful. After it throws a {@link ProtocolError} it is poisoned: every later `push` throws that
 * same error instance, because a stream that went wrong once cannot be trusted to be in sync again.
 * Messages completed earlier in the chunk that failed are not returned; the connection is to be
 * closed anyway.
 *
 * @example
 * ```ts
 * const decoder = protocol.createDecoder();
 * socket.on('data', (chunk) => {
 *   try { for (const message of decoder.push(chunk)) handle(message); }
 *   catch (e) { if (e instanceof ProtocolError) { ban(peer, e.banScore); socket.destroy(); } else throw e; }
 * });
 * ```
 */
export interface MessageDecoder<M> {
  /**
   * Appends `chunk` to the buffered bytes and returns every message now complete (possibly none).
   * The decoder may keep a reference to `chunk` until its bytes are consumed, so do not reuse it.
   *
   * @throws {@link ProtocolError} when the bytes break the protocol (then and on every later call).
   */
  push(chunk: Uint8Array): M[];
}

/**
 * A wire protocol: how messages become bytes and back. The connection manager and `Peer` only know
 * this interface, so the protocol spoken on a connection is pluggable; `bitcoinProtocol()` is the
 * built-in implementation.
 *
 * @example
 * ```ts
 * const echo: WireProtocol<Uint8Array> = {
 *   name: 'raw',
 *   encode: (message) => message,
 *   createDecoder: () => ({ push: (chunk) => [chunk.slice()] }),
 * };
 * ```
 */
export interface WireProtocol<M> {
  /** A short label for logs and errors, e.g. `'bitcoin/mainnet'`. */
  readonly name: string;
  /** The complete bytes to write to the socket for `message` (framing included). */
  encode(message: M): Uint8Array;
  /** A fresh decoder for one connection; decoders keep per-connection state and are never shared. */
  createDecoder(): MessageDecoder<M>;
}

/**
 * Base class of every decode error: the remote peer sent bytes that break the protocol.
 * `banScore` is the misbehaviour cost a node should charge the sender (0–100, where 100 is an
 * immediate ban with the usual threshold); each subclass documents the score it carries and why.
 *
 * Errors that are our own fault (an invalid message handed to `encode`) are not `ProtocolError`s.
 *
 * @example
 * ```ts
 * catch (e) {
 *   if (e instanceof ProtocolError) banScores.increase(peer, e.banScore, e.message);
 * }
 * ```
 */
export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError';

  /**
   * @param message - what was wrong, naming the offending value.
   * @param banScore - the misbehaviour cost to charge the sender.
   * @param options - standard error options (`cause`).
   */
  constructor(
    message: string,
    /** The misbehaviour cost a node should charge the sender of the offending bytes. */
    readonly banScore: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
