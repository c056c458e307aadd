/**
 * rx-connmgr: a peer-to-peer connection manager as reactive streams. This entry is the API a
 * user needs: the manager, its config, its requests, events and state, its errors and the retry
 * policies. The building blocks behind it (the reducer's effects, operators, `TimeoutList`,
 * `resolveConfig`) are in `rx-connmgr/internals`; the node, transport, address book and the rest
 * each have their own entry (`rx-connmgr/node`, …).
 * @packageDocumentation
 */
export { ConnManager, type NewConnReqOptions } from './manager/ConnManager.js';
export { connManager, type ConnCommand } from './manager/connManagerStream.js';
export { DEFAULTS, type ConnManagerConfig, type ConnClassConfig, type GetNewAddress, type NetworkSignal } from './manager/config.js';
export { ConnReq, DEFAULT_CONN_CLASS, type ConnReqOptions } from './model/ConnReq.js';
export type { AddressContext } from './model/AddressContext.js';
export { ConnState } from './model/ConnState.js';
export type {
  ConnEvent,
  ConnEventOf,
  ConnEventType,
  CancelReason,
  DisconnectReason,
  RejectReason,
  InboundCloseReason,
  OfflineReason,
  OnlineReason,
} from './model/events.js';
export type { LiveConfig } from './model/LiveConfig.js';
export type {
  ConnManagerState,
  OutboundEntry,
  InboundEntry,
  RequestStage,
  ManagerPhase,
  AdmitInbound,
  InboundVerdict,
  NetworkHealth,
  ClassCount,
  ConnClassBudget,
} from './model/state.js';
export { DEFAULT_NETWORK } from './model/state.js';
export {
  DialRequiredError,
  ManagerStoppedError,
  ManagerDialTimeoutError,
  EmptyDialError,
  NoNewAddressError,
  DuplicateAddressError,
  ConnReqInUseError,
} from './model/errors.js';
export type { DialFunction, DialContext } from './operators/dialOnce.js';
export * from './backoff/index.js';
export { VERSION } from './version.js';
export { describeEvent } from './model/describeEvent.js';
/** What `configure` (and the constructor) throw for a value outside its domain. */
export { InvalidOptionError } from './shared/InvalidOptionError.js';
export { immediateScheduler } from './schedulers/immediateScheduler.js';
