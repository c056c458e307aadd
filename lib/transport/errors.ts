/**
 * Typed failures of the TCP transport, so that callers can tell "nobody is
 * listening there" from "that network is unreachable" without reading errno
 * strings, and always know which address was involved.
 *
 * @packageDocumentation
 */

/** The errno code of a Node system error (`'ECONNREFUSED'`, …), if it has one. */
function codeOf(cause: unknown): string | undefined {
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    const { code } = cause;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** `cause`'s message, for appending to ours. */
function detailOf(cause: unknown): string {
  if (cause instanceof Error) return `: ${cause.message}`;
  // A thrown non-Error (a string, a code) prints as itself; there is nothing better to show.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return cause === undefined ? '' : `: ${String(cause)}`;
}

/**
 * The base of every transport failure: carries the address (as
 * `host:port` / `[v6]:port` text) and the underlying Node error as `cause`.
 *
 * @example
 * ```ts
 * tcpDial('127.0.0.1:1').subscribe({
 *   error: (e) => { if (e instanceof TransportError) console.log(e.address, e.code); },
 * });
 * ```
 */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
  /** The errno code of `cause` (`'ECONNREFUSED'`, `'EADDRINUSE'`, …), when it has one. */
  readonly code: string | undefined;

  /**
   * @param address - the address involved, as text.
   * @param message - what went wrong.
   * @param cause - the underlying error, if any.
   */
  constructor(
    readonly address: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = codeOf(cause);
  }
}

/**
 * A listen failed because another socket already holds the address (`EADDRINUSE`).
 *
 * @example
 * ```ts
 * tcpListen({ port: 8333 }).subscribe({ error: (e) => e instanceof AddressInUseError && console.log(e.address) });
 * ```
 */
export class AddressInUseError extends TransportError {
  override readonly name = 'AddressInUseError';

  /** @param address - the address asked for. @param cause - the Node error. */
  constructor(address: string, cause?: unknown) {
    super(address, `cannot listen on ${address}: address already in use`, cause);
  }
}

/**
 * A listen failed for lack of permission (`EACCES`), typically a port below
 * 1024 without privileges.
 *
 * @example
 * ```ts
 * tcpListen({ port: 80 }).subscribe({ error: (e) => e instanceof AddressAccessError && console.log(e.address) });
 * ```
 */
export class AddressAccessError extends TransportError {
  override readonly name = 'AddressAccessError';

  /** @param address - the address asked for. @param cause - the Node error. */
  constructor(address: string, cause?: unknown) {
    super(address, `cannot listen on ${address}: permission denied`, cause);
  }
}

/**
 * Any other failure of a listening server, at bind time or later (for
 * example an invalid host, or running out of file descriptors).
 *
 * @example
 * ```ts
 * tcpListen({ host: '203.0.113.77' }).subscribe({ error: (e) => e instanceof ListenError && console.log(e.code) });
 * ```
 */
export class ListenError extends TransportError {
  override readonly name = 'ListenError';

  /** @param address - the address asked for. @param cause - the underlying error. */
  constructor(address: string, cause?: unknown) {
    super(address, `listening on ${address} failed${detailOf(cause)}`, cause);
  }
}

/**
 * A dial reached the host but nothing listens on that port (`ECONNREFUSED`).
 *
 * @example
 * ```ts
 * tcpDial('127.0.0.1:1').subscribe({ error: (e) => e instanceof ConnectionRefusedError && console.log(e.address) });
 * ```
 */
export class ConnectionRefusedError extends TransportError {
  override readonly name = 'ConnectionRefusedError';

  /** @param address - the address dialled. @param cause - the Node error. */
  constructor(address: string, cause?: unknown) {
    super(address, `connection to ${address} refused`, cause);
  }
}

/**
 * A dial found no route to the host or its network (`EHOSTUNREACH`, `ENETUNREACH`).
 *
 * @example
 * ```ts
 * if (err instanceof HostUnreachableError) console.log(err.code); // 'ENETUNREACH'
 * ```
 */
export class HostUnreachableError extends TransportError {
  override readonly name = 'HostUnreachableError';

  /** @param address - the address dialled. @param cause - the Node error. */
  constructor(address: string, cause?: unknown) {
    super(address, `${address} is unreachable (${codeOf(cause) ?? 'no route'})`, cause);
  }
}

/**
 * A dial that did not connect within its timeout; the half-open socket has
 * been destroyed.
 *
 * @example
 * ```ts
 * tcpDial(addr, { timeout: 5_000 }).subscribe({ error: (e) => e instanceof DialTimeoutError && console.log(e.timeout) });
 * ```
 */
export class DialTimeoutError extends TransportError {
  override readonly name = 'DialTimeoutError';

  /** @param address - the address dialled. @param timeout - the limit that passed, in ms. */
  constructor(
    address: string,
    readonly timeout: number,
  ) {
    super(address, `dial to ${address} timed out after ${timeout} ms`);
  }
}

/**
 * Any other failure of a dial (connection reset during the handshake, no
 * buffer space, …); see `cause` and `code`.
 *
 * @example
 * ```ts
 * if (err instanceof DialError) console.log(err.address, err.code);
 * ```
 */
export class DialError extends TransportError {
  override readonly name = 'DialError';

  /** @param address - the address dialled. @param cause - the underlying error. */
  constructor(address: string, cause?: unknown) {
    super(address, `dial to ${address} failed${detailOf(cause)}`, cause);
  }
}

// Shared by the protocol, the peer and the transport: defined in a leaf, re-exported here.
export { InvalidOptionError } from '../shared/InvalidOptionError.js';
