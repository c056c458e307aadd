/**
 * The address book (Bitcoin Core addrman-style) and the choice of outbound
 * addresses (btcd's rules).
 *
 * @example
 * ```ts
 * import { AddressBook, selectOutboundAddress } from './addr/index.js';
 * ```
 * @packageDocumentation
 */
export type { AddrInfo, BookAddress } from './AddrInfo.js';
export { OverlayAddress, overlayGroup, type OverlayNetwork } from './OverlayAddress.js';
export {
  AddressBook,
  BOOK_KEY_LENGTH,
  MAX_PENDING_COLLISIONS,
  TIMESTAMP_UPDATE_INTERVAL_MS,
  type AddressAnnouncement,
  type OverlayAnnouncement,
  type AddressBookLoadResult,
  type AddressBookOptions,
  type CollisionResolution,
  type GoodResult,
  type PendingCollision,
} from './AddressBook.js';
export {
  ADDRESS_BOOK_JSON_VERSION,
  parseAddressBookJson,
  type AddressBookEntryJson,
  type AddressBookJson,
  type ParsedAddressBook,
  type ParsedEntry,
} from './addressBookJson.js';
export { AddressBookFormatError, InvalidBookKeyError, MissingBookFileError, NoAddressError } from './errors.js';
export { BAD_GRACE_MS, HORIZON_MS, MAX_FAILURES, MAX_FUTURE_MS, MAX_RETRIES, MIN_FAIL_MS, isBad } from './isBad.js';
export { IMPLAUSIBLE_TIMESTAMP_AGE_MS, MIN_PLAUSIBLE_TIMESTAMP_MS, clampTimestamp } from './clampTimestamp.js';
export { keyedHash, type HashPart } from './keyedHash.js';
export {
  BUCKET_SIZE,
  NEW_BUCKETS_PER_SOURCE_GROUP,
  NEW_BUCKET_COUNT,
  TRIED_BUCKETS_PER_GROUP,
  TRIED_BUCKET_COUNT,
  addressKey,
  bucketSlot,
  newBucket,
  newPlacement,
  triedBucket,
  triedPlacement,
  type Placement,
  type Table,
} from './placement.js';
export {
  DEFAULT_MAX_TRIES,
  RECENT_ATTEMPT_WINDOW_MS,
  SKIP_ODD_PORT_TRIES,
  SKIP_RECENT_TRIES,
  selectOutboundAddress,
  type OutboundChoiceInput,
} from './selectOutboundAddress.js';
export {
  FAILED_ATTEMPT_FACTOR,
  MAX_PENALISED_ATTEMPTS,
  RECENT_ATTEMPT_FACTOR,
  RECENT_ATTEMPT_MS,
  selectionChance,
} from './selectionChance.js';
