/**
 * `rx-connmgr/internals`: the pieces the manager is built from, for those who build their own —
 * the pure reducer and its inputs, the effects, the keyed operators, `TimeoutList`, and the config
 * resolution. Not covered by the semver promise of the main entry.
 * @packageDocumentation
 */
export {
  resolveConfig,
  checkLiveConfig,
  defaultAddressKey,
  defaultCloseConn,
  defaultConnClosed,
  type ResolvedConfig,
} from '../manager/config.js';
export type { ConnAction, ConnActionInput, ConnActionType } from '../model/actions.js';
export { initialState, type ReducerConfig } from '../model/state.js';
export { reduce } from '../reducer/reduce.js';
export * from '../effects/index.js';
export { dialOnce, startDial, type DialObserver } from '../operators/dialOnce.js';
export { switchMapByKey } from '../operators/switchMapByKey.js';
export { switchWorkByKey, type KeyedWork } from '../operators/switchWorkByKey.js';
export { trampoline } from '../operators/trampoline.js';
export { PersistentMap } from '../collections/PersistentMap.js';
export { TimeoutList, type Expirable } from '../schedulers/TimeoutList.js';
export { isCount } from '../shared/isCount.js';
export { InvalidOptionError } from '../shared/InvalidOptionError.js';
