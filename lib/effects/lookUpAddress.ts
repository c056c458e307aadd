import type { ObservableInput } from 'rxjs';
import type { AddressLookup } from '../model/AddressLookup.js';
import { NoNewAddressError } from '../model/errors.js';

/**
 * Calls `getNewAddress` once and classifies its answer (see `AddressLookup`). A value that is not
 * an Observable, Promise or (non-string) iterable is the address itself — notably a string, which
 * RxJS would otherwise iterate character by character; an array answers with its first element.
 *
 * @example
 * lookUpAddress(() => '10.0.0.1:8333'); // { kind: 'address', addr: '10.0.0.1:8333' }
 * lookUpAddress(() => []);              // { kind: 'failed', error: NoNewAddressError }
 * lookUpAddress(() => of('a'));         // { kind: 'source', source: … }
 */
export function lookUpAddress<A>(getNewAddress: (() => ObservableInput<A> | A) | undefined): AddressLookup<A> {
  if (!getNewAddress) return { kind: 'failed', error: new NoNewAddressError('no getNewAddress configured') };
  let result: unknown;
  try {
    result = getNewAddress();
  } catch (error) {
    return { kind: 'failed', error };
  }
  if (Array.isArray(result))
    return result.length > 0 ? { kind: 'address', addr: result[0] as A } : { kind: 'failed', error: new NoNewAddressError() };
  if (!isObservableInput(result)) return { kind: 'address', addr: result as A };
  return { kind: 'source', source: result as ObservableInput<A> };
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
