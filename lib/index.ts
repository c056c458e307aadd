/**
 * rx-connmgr: a peer-to-peer connection manager as reactive streams.
 * @packageDocumentation
 */
export { ConnManager } from './manager/ConnManager.js';
export { connManager, type ConnCommand } from './manager/connManagerStream.js';
export { DEFAULTS, resolveConfig, defaultAddressKey, defaultCloseConn, defaultConnClosed, type ConnManagerConfig, type ResolvedConfig } from './manager/config.js';
export { ConnReq, type ConnReqOptions } from './model/ConnReq.js';
export { ConnState } from './model/ConnState.js';
export type { ConnAction, ConnActionInput, ConnActionType } from './model/actions.js';
export type { ConnEvent, ConnEventOf, ConnEventType, CancelReason, DisconnectReason } from './model/events.js';
export {
  initialState, type ConnManagerState, type OutboundEntry, type InboundEntry, type ReducerConfig, type RequestStage, type ManagerPhase,
} from './model/state.js';
export {
  DialRequiredError, ManagerStoppedError, DialTimeoutError, EmptyDialError, NoAddressError, DuplicateAddressError, ConnReqInUseError,
} from './model/errors.js';
export { reduce } from './reducer/reduce.js';
export * from './effects/index.js';
export { dialOnce, startDial, type DialFunction, type DialContext, type DialObserver } from './operators/dialOnce.js';
export { switchMapByKey } from './operators/switchMapByKey.js';
export { switchWorkByKey, type KeyedWork } from './operators/switchWorkByKey.js';
export { trampoline } from './operators/trampoline.js';
export * from './backoff/index.js';
export { PersistentMap } from './collections/PersistentMap.js';
export { VERSION } from './version.js';
export { describeEvent } from './model/describeEvent.js';
export { immediateScheduler } from './schedulers/immediateScheduler.js';
export { TimeoutList, type Expirable } from './schedulers/TimeoutList.js';
