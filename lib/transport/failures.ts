/**
 * Translation of Node's errno-carrying errors into the transport's typed
 * errors, kept apart from the sockets so each rule can be tested without
 * provoking the condition on a real network.
 *
 * @internal
 * @packageDocumentation
 */
import { AddressAccessError, AddressInUseError, ConnectionRefusedError, DialError, HostUnreachableError, ListenError } from './errors.js';
import type { TransportError } from './errors.js';

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * The typed error for a failed dial: `ECONNREFUSED` → {@link ConnectionRefusedError},
 * `EHOSTUNREACH` / `ENETUNREACH` → {@link HostUnreachableError}, anything else → {@link DialError}.
 *
 * @internal
 * @param address - the address dialled, as text.
 * @param error - what the socket emitted; kept as `cause`.
 *
 * @example
 * ```ts
 * dialFailure('1.2.3.4:8333', Object.assign(new Error('x'), { code: 'ECONNREFUSED' })); // ConnectionRefusedError
 * ```
 */
export function dialFailure(address: string, error: unknown): TransportError {
  const code = codeOf(error);
  if (code === 'ECONNREFUSED') return new ConnectionRefusedError(address, error);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new HostUnreachableError(address, error);
  return new DialError(address, error);
}

/**
 * The typed error for a failed server: `EADDRINUSE` → {@link AddressInUseError},
 * `EACCES` → {@link AddressAccessError}, anything else → {@link ListenError}.
 *
 * @internal
 * @param address - the address asked for, as text.
 * @param error - what the server emitted; kept as `cause`.
 *
 * @example
 * ```ts
 * listenFailure('0.0.0.0:80', Object.assign(new Error('x'), { code: 'EACCES' })); // AddressAccessError
 * ```
 */
export function listenFailure(address: string, error: unknown): TransportError {
  const code = codeOf(error);
  if (code === 'EADDRINUSE') return new AddressInUseError(address, error);
  if (code === 'EACCES') return new AddressAccessError(address, error);
  return new ListenError(address, error);
}
