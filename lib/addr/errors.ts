/**
 * The typed errors of the address book and outbound address choice.
 *
 * @packageDocumentation
 */

/**
 * Thrown by {@link selectOutboundAddress} when no acceptable address was found:
 * either the picker ran dry (`reason: 'empty'`) or every one of `maxTries`
 * candidates was skipped (`reason: 'exhausted'`). btcd's equivalent is
 * "no valid connect address".
 *
 * @example
 * ```ts
 * try { selectOutboundAddress(input); }
 * catch (e) { if (e instanceof NoAddressError) console.log(e.tries, e.reason); }
 * ```
 */
export class NoAddressError extends Error {
  override readonly name = 'NoAddressError';
  /**
   * @param tries - how many candidates were drawn (and rejected) before giving up.
   * @param reason - `'empty'` if the picker returned `undefined`, `'exhausted'` if the try budget ran out.
   */
  constructor(
    readonly tries: number,
    readonly reason: 'empty' | 'exhausted',
  ) {
    super(
      reason === 'empty'
        ? `no valid connect address: the address book ran out after ${tries} tries`
        : `no valid connect address after ${tries} tries`,
    );
  }
}

/**
 * Thrown by `AddressBook.fromJSON` (and turned into a "corrupt file" warning by
 * `load`) when the serialized book is malformed or of an unknown version.
 *
 * @example
 * ```ts
 * try { AddressBook.fromJSON({ version: 99 }); }
 * catch (e) { if (e instanceof AddressBookFormatError) console.log(e.path, e.value); }
 * ```
 */
export class AddressBookFormatError extends Error {
  override readonly name = 'AddressBookFormatError';
  /**
   * @param path - where in the JSON the problem is, e.g. `entries[3].addr`.
   * @param value - the offending value.
   * @param expected - what was expected there.
   */
  constructor(
    readonly path: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`address book JSON: ${path} should be ${expected}, got ${describe(value)}`);
  }
}

/**
 * Thrown by `new AddressBook(options)` when `options.key` is not 32 bytes.
 *
 * @example
 * ```ts
 * new AddressBook({ key: new Uint8Array(5) }); // throws InvalidBookKeyError
 * ```
 */
export class InvalidBookKeyError extends RangeError {
  override readonly name = 'InvalidBookKeyError';
  /** @param key - the rejected key. */
  constructor(readonly key: Uint8Array) {
    super(`address book key must be 32 bytes, got ${key.length}`);
  }
}

/**
 * Thrown by `AddressBook.save()` / `load()` when neither the call nor the
 * book's options name a file.
 *
 * @example
 * ```ts
 * await new AddressBook().save(); // rejects with MissingBookFileError
 * ```
 */
export class MissingBookFileError extends Error {
  override readonly name = 'MissingBookFileError';
  /** @param operation - `'save'` or `'load'`. */
  constructor(readonly operation: 'save' | 'load') {
    super(`AddressBook.${operation}() needs a file: pass one or set options.file`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
}
