/**
 * The lifecycle state of an outbound connection request, as in btcd's `ConnState`.
 *
 * - `Pending`: new, waiting for an address, being dialed, or (permanent) waiting to reconnect.
 * - `Failing`: the last dial failed; a permanent request waits for its retry, any other
 *   request stays `Failing` for good (it will not be dialed again).
 * - `Canceled`: removed or disconnected before it was established (terminal).
 * - `Established`: connected.
 * - `Disconnected`: its connection was closed and it will not reconnect (terminal).
 */
export enum ConnState {
  Pending = 'pending',
  Failing = 'failing',
  Canceled = 'canceled',
  Established = 'established',
  Disconnected = 'disconnected',
}
