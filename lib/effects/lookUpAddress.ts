import type { ObservableInput } from 'rxjs';
import type { AddressContext } from '../model/AddressContext.js';
import type { AddressLookup } from '../model/AddressLookup.js';
import { DEFAULT_CONN_CLASS } from '../model/ConnReq.js';
import { NoNewAddressError } from '../model/errors.js';

/**
 * Calls `getNewAddress(context)` once and classifies its answer (see `AddressLookup`). A value that is not
 * an Observable, Promise or (non-string) iterable is the address itself — notably a string, which
 * RxJS would otherwise iterate character by character; an array answers with its first element.
 *
 * @example
 * lookUpAddress(() => '10.0.0.1:8333'); // { kind: 'address', addr: '10.0.0.1:8333' }
 * lookUpAddress(() => []);              // { kind: 'failed', error: NoNewAddressError }
 * lookUpAddress(() => of('a'));         // { kind: 'source', source: … }
 */
export function lookUpAddress<A>(
  getNewAddress: ((context: AddressContext) => ObservableInput<A> | A) | undefined,
  context: AddressContext = DEFAULT_CONTEXT,
): AddressLookup<A> {
  if (!getNewAddress) return { kind: 'failed', error: new NoNewAddressError('no getNewAddress configured') };
  let result: unknown;
  try {
    result = getNewAddress(context);
  } catch (error) {
    return { kind: 'failed', error };
  }
  if (Array.isArray(result))
    return result.length > 0 ? { kind: 'address', addr: result[0] as A } : { kind: 'failed', error: new NoNewAddressError() };
  if (!isObservableInput(result)) return { kind: 'address', addr: result as A };
  return { kind: 'source', source: result as ObservableInput<A> };
}

const DEFAULT_CONTEXT: AddressContext = Object.freeze({ connClass: DEFAULT_CONN_CLASS });
const contexts = new Map<string, AddressContext>([[DEFAULT_CONN_CLASS, DEFAULT_CONTEXT]]);

/** The (shared, frozen) context of a request of class `connClass`: one object per class, not one per lookup. */
export function contextOf(connClass: string): AddressContext {
  let context = contexts.get(connClass);
  if (context === undefined) {
    context = Object.freeze({ connClass });
    // A handful of classes in practice; bounded anyway, so odd names cannot grow it for ever.
    if (contexts.size < 64) contexts.set(connClass, context);
  }
  return context;
}

/** Whether `value` is something `from()` should subscribe to, rather than an address. Strings are addresses. */
function isObservableInput(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string | symbol, unknown>;
  return (
    typeof v['subscribe'] === 'function' ||
    typeof v['then'] === 'function' ||
    typeof v[Symbol.asyncIterator] === 'function' ||
    typeof v[Symbol.iterator] === 'function' ||
    typeof v['getReader'] === 'function'
  );
}
