/**
 * What `getNewAddress` is told besides the manager's state: which kind of connection the address
 * is for, so that a caller can choose differently per class (a Bitcoin node's block-relay-only
 * peers from other network groups than its full-relay ones, …).
 *
 * @example
 * getNewAddress: (state, { connClass }) => (connClass === 'block-relay-only' ? book.pickTried() : book.pick())
 */
export interface AddressContext {
  /** The class of the request the address is for (`DEFAULT_CONN_CLASS` for the default one). */
  readonly connClass: string;
}
