import type { ObservableInput } from 'rxjs';

/**
 * What one call of `getNewAddress` gave, classified: an address at hand (a plain value, or the
 * first element of an array), a failure at hand (it threw, an empty array, no `getNewAddress`),
 * or a source still to be subscribed to (an Observable, a Promise, another iterable).
 *
 * The refill effect asks for a replacement's address as it makes the request and hands the
 * answer to the reducer in the `newConnReq` action: an address at hand lets the request go
 * straight to its dial, in one reducer step instead of three (newConnReq → addressResolved →
 * dialing). Anything else rides on the `addressRequested` event to the address effect, which
 * then does not call `getNewAddress` again.
 */
export type AddressLookup<A> =
  | { readonly kind: 'address'; readonly addr: A }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'source'; readonly source: ObservableInput<A> };
