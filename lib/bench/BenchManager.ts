/**
 * What the harness needs of a connection manager, and nothing more, so that the same storm or
 * herd runs against rx-connmgr's `ConnManager` (which fits as it is), a hand-written manager, or
 * yours.
 *
 * @typeParam A - the address type
 *
 * @example
 * const cm: BenchManager<string> = new ConnManager({ dial, scheduler });
 */
export interface BenchManager<A> {
  /** Starts: automatic connections are made from here on. */
  start(): void;
  /** Stops: every connection closed, every dial and timer dropped. */
  stop(): void;
  /** Asks for a connection to `addr`; `permanent` ones are re-dialed after every failure or close. */
  connect(addr: A, options: { readonly permanent: boolean }): unknown;
}
