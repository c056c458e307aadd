/**
 * A connected socket speaking a {@link WireProtocol}, as reactive streams.
 *
 * @packageDocumentation
 */
import type { Socket } from 'node:net';
import { AsyncSubject, Subject, asyncScheduler } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import { SocketAddress } from '../net/SocketAddress.js';
import type { MessageDecoder, WireProtocol } from '../protocol/WireProtocol.js';
import { InvalidOptionError } from '../transport/errors.js';
import { SendBufferOverflowError } from './errors.js';

/**
 * Options of {@link Peer}.
 *
 * @example
 * ```ts
 * const options: PeerOptions = { maxSendBuffer: 1024 * 1024 };
 * ```
 */
export interface PeerOptions {
  /**
   * Bytes queued for sending (`socket.writableLength`) beyond which the peer is closed with
   * {@link SendBufferOverflowError}: respects backpressure instead of buffering without bound.
   * A message that would take the queue past this limit is not written. Default 8 MiB
   * (`8 * 1024 * 1024`); `Infinity` disables the check.
   */
  maxSendBuffer?: number;
  /** Clock of the stats' timestamps (`connectedAt`). Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/**
 * Why and by whom a {@link Peer} was closed, as emitted by {@link Peer.closed$}.
 *
 * - `by: 'local'`: `close()` was called, by the owner or by the peer itself (a bad frame from the
 *   remote, a send-buffer overflow); `error` is the argument of `close()`, if any.
 * - `by: 'remote'`: the remote hung up (`error` absent) or the connection failed (`error` is the
 *   socket error, e.g. `ECONNRESET`).
 *
 * @example
 * ```ts
 * peer.closed$.subscribe(({ by, error }) => console.log(`closed by ${by}`, error ?? 'cleanly'));
 * ```
 */
export interface PeerCloseInfo {
  /** The reason; absent for a clean close. */
  readonly error?: unknown;
  /** Which side ended the connection. */
  readonly by: 'local' | 'remote';
}

/**
 * Counters of a {@link Peer}, as returned by {@link Peer.stats}.
 *
 * @example
 * ```ts
 * const { bytesIn, messagesIn } = peer.stats();
 * ```
 */
export interface PeerStats {
  /** Bytes read from the socket, including any that did not decode. */
  readonly bytesIn: number;
  /** Bytes handed to the socket for writing (some may still be queued). */
  readonly bytesOut: number;
  /** Messages decoded. */
  readonly messagesIn: number;
  /** Messages sent (handed to the socket). */
  readonly messagesOut: number;
  /** `scheduler.now()` when the peer was created, in milliseconds. */
  readonly connectedAt: number;
}

/** 8 MiB: twice the largest Bitcoin message (4 MB), so one slow block send does not trip it. */
const DEFAULT_MAX_SEND_BUFFER = 8 * 1024 * 1024;

/**
 * One connection to a remote node: decodes what the socket delivers into messages, encodes what it
 * is asked to send, and reports how and why the connection ended. It knows nothing of the protocol
 * beyond its {@link WireProtocol}, so the same class serves Bitcoin or any other framing.
 *
 * The peer owns the socket from construction on: it listens for `'error'` (so a socket error can
 * never crash the process), reads `'data'` at once (resuming a paused socket), and on close destroys the socket and removes
 * every listener it added (the last ones when the socket's `'close'` event has fired).
 *
 * {@link Peer.messages$} is hot: messages are delivered only to the subscribers present when they
 * arrive. Data cannot arrive in the same tick as the construction, so subscribe right after
 * constructing, and subscribe to follow-up streams synchronously inside callbacks (e.g. in the
 * handshake's `next`) so that messages in the same chunk are not missed.
 *
 * @example
 * ```ts
 * const peer = new Peer(socket, bitcoinProtocol({ magic: NETWORKS.regtest.magic }));
 * peer.messages$.subscribe((message) => console.log('got', message.command));
 * peer.closed$.subscribe(({ by, error }) => console.log('closed by', by, error));
 * peer.send({ command: 'ping', nonce: 1n });
 * peer.close();
 * ```
 */
export class Peer<M> {
  /** The remote endpoint, or `undefined` when the socket does not know it (already closed). */
  readonly remote: SocketAddress | undefined;
  /** Our endpoint of the connection, or `undefined` when the socket does not know it. */
  readonly local: SocketAddress | undefined;
  /**
   * Hot, multicast: every decoded message, in order. Errors with the decoder's error (a
   * `ProtocolError`, whose `banScore` a node may charge) when the remote sends bytes that break the
   * protocol — the peer is then closed; completes when the peer closes for any other reason.
   * Subscribing after the close replays only the termination.
   */
  readonly messages$: Observable<M>;
  /**
   * Emits a {@link PeerCloseInfo} once, then completes, when the peer is closed by either side;
   * replays it to late subscribers. Emits before `messages$` terminates.
   */
  readonly closed$: Observable<PeerCloseInfo>;

  readonly #socket: Socket;
  readonly #protocol: WireProtocol<M>;
  readonly #decoder: MessageDecoder<M>;
  readonly #maxSendBuffer: number;
  readonly #messages = new Subject<M>();
  readonly #closed = new AsyncSubject<PeerCloseInfo>();
  #closeInfo: PeerCloseInfo | undefined;
  #bytesIn = 0;
  #bytesOut = 0;
  #messagesIn = 0;
  #messagesOut = 0;
  readonly #connectedAt: number;

  // Arrow properties so that `off` removes exactly what `on` added.
  readonly #onData = (chunk: Buffer): void => this.#receive(chunk);
  readonly #onEnd = (): void => this.#shutdown({ by: 'remote' });
  readonly #onError = (error: Error): void => this.#shutdown({ by: 'remote', error });
  readonly #onClose = (): void => {
    this.#shutdown({ by: 'remote' });
    this.#detachRest();
  };

  /**
   * @param socket - a connected socket; the peer takes it over (do not read from it elsewhere).
   * @param protocol - how to frame messages; one decoder is created for this connection.
   * @param options - see {@link PeerOptions}.
   * @throws `InvalidOptionError` when `maxSendBuffer` is not a number >= 0.
   */
  constructor(socket: Socket, protocol: WireProtocol<M>, options: PeerOptions = {}) {
    const maxSendBuffer = options.maxSendBuffer ?? DEFAULT_MAX_SEND_BUFFER;
    if (typeof maxSendBuffer !== 'number' || Number.isNaN(maxSendBuffer) || maxSendBuffer < 0) {
      throw new InvalidOptionError('maxSendBuffer', maxSendBuffer, 'a number of bytes >= 0, or Infinity');
    }
    this.#socket = socket;
    this.#protocol = protocol;
    this.#decoder = protocol.createDecoder();
    this.#maxSendBuffer = maxSendBuffer;
    this.#connectedAt = (options.scheduler ?? asyncScheduler).now();
    this.remote = addressOf(socket.remoteAddress, socket.remotePort);
    this.local = addressOf(socket.localAddress, socket.localPort);
    this.messages$ = this.#messages.asObservable();
    this.closed$ = this.#closed.asObservable();

    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    if (socket.destroyed) {
      // The connection was gone before we got it; nothing will ever arrive.
      this.#shutdown(socket.errored ? { by: 'remote', error: socket.errored } : { by: 'remote' });
      return;
    }
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    // A socket handed over paused (e.g. by a transport handshake that put unread bytes back with
    // `unshift`) would never flow: adding a 'data' listener does not resume an explicit pause.
    if (socket.isPaused()) socket.resume();
  }

  /** Whether the peer is closed (by either side); `send` then does nothing. */
  get closed(): boolean {
    return this.#closeInfo !== undefined;
  }

  /**
   * Encodes `message` and writes it to the socket.
   *
   * When the bytes already queued plus this message would exceed `maxSendBuffer`, nothing is
   * written and the peer is closed with a {@link SendBufferOverflowError}.
   *
   * @param message - the message to send.
   * @returns `true` if it was handed to the socket, `false` (nothing sent) if the peer is closed
   * or has just been closed for overflow.
   * @throws whatever the protocol's `encode` throws for a message it cannot encode (our bug, so
   * the peer stays open).
   *
   * @example
   * ```ts
   * if (!peer.send({ command: 'getaddr' })) console.log('peer already gone');
   * ```
   */
  send(message: M): boolean {
    if (this.closed) return false;
    const bytes = this.#protocol.encode(message);
    const queued = this.#socket.writableLength + bytes.length;
    if (queued > this.#maxSendBuffer) {
      this.close(new SendBufferOverflowError(queued, this.#maxSendBuffer));
      return false;
    }
    this.#socket.write(bytes);
    this.#bytesOut += bytes.length;
    this.#messagesOut += 1;
    return true;
  }

  /**
   * Closes the connection: destroys the socket (queued bytes are dropped), emits on `closed$` with
   * `by: 'local'` and completes `messages$`. Idempotent: only the first call (or the remote's
   * close, whichever comes first) counts.
   *
   * @param error - the reason, passed on in `closed$`; omit it for an ordinary close.
   *
   * @example
   * ```ts
   * peer.close(new Error('banned'));
   * ```
   */
  close(error?: unknown): void {
    this.#shutdown(error === undefined ? { by: 'local' } : { by: 'local', error });
  }

  /**
   * A snapshot of the counters.
   *
   * @example
   * ```ts
   * const { bytesIn, bytesOut } = peer.stats();
   * ```
   */
  stats(): PeerStats {
    return {
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
      messagesIn: this.#messagesIn,
      messagesOut: this.#messagesOut,
      connectedAt: this.#connectedAt,
    };
  }

  #receive(chunk: Buffer): void {
    if (this.closed) return;
    this.#bytesIn += chunk.length;
    let messages: M[];
    try {
      messages = this.#decoder.push(chunk);
    } catch (error) {
      // A decoder that threw is poisoned, so the connection has nothing more to give.
      this.#shutdown({ by: 'local', error }, error);
      return;
    }
    for (const message of messages) {
      // A subscriber may close the peer while a chunk's messages are being delivered.
      if (this.closed) return;
      this.#messagesIn += 1;
      this.#messages.next(message);
    }
  }

  /**
   * The single exit: records why, releases the socket, then tells subscribers. `messagesError` is
   * set only when the remote's bytes were at fault.
   */
  #shutdown(info: PeerCloseInfo, messagesError?: unknown): void {
    if (this.#closeInfo !== undefined) return;
    this.#closeInfo = info;
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    // 'error' and 'close' stay until the socket's 'close' event (the last one a socket emits): an
    // error already in flight would otherwise be unhandled and crash the process.
    this.#socket.destroy();
    this.#closed.next(info);
    this.#closed.complete();
    if (messagesError !== undefined) this.#messages.error(messagesError);
    else this.#messages.complete();
  }

  #detachRest(): void {
    this.#socket.off('error', this.#onError);
    this.#socket.off('close', this.#onClose);
  }
}

/** The socket's address as a {@link SocketAddress}, or `undefined` when it has none (closed). */
function addressOf(host: string | undefined, port: number | undefined): SocketAddress | undefined {
  if (host === undefined || port === undefined) return undefined;
  try {
    return SocketAddress.from(host, port);
  } catch {
    return undefined;
  }
}
