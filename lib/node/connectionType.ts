import { DEFAULT_CONN_CLASS, type ConnReq } from '../model/ConnReq.js';

/**
 * Bitcoin Core's connection types (getpeerinfo's `connection_type`): what a connection is for.
 * `outbound-full-relay` is the manager's default class; `block-relay-only`, `feeler` and
 * `addr-fetch` are the node's named classes (their budgets in the manager's reducer); `manual`
 * is an `addnode`/`connect` peer (permanent) or an `addnode onetry`; `inbound` was accepted.
 */
export type ConnectionType = 'outbound-full-relay' | 'block-relay-only' | 'addr-fetch' | 'feeler' | 'manual' | 'inbound';

/** The manager class of block-relay-only peers: no `addr`, no tx relay (`relay = false`), never announced to. */
export const BLOCK_RELAY_ONLY = 'block-relay-only';
/** The manager class of feelers: one at a time, a short test of an address from the new table. */
export const FEELER = 'feeler';
/** The manager class of addr-fetch peers: connect, `getaddr`, disconnect on the answer (to fill an empty book). */
export const ADDR_FETCH = 'addr-fetch';

/**
 * The connection type of an outbound request: permanent → `manual`; a named class → its type;
 * the default class → `outbound-full-relay` when the manager made it (`automatic`), else
 * `manual` (a one-shot `tryPeer`, Core's `addnode onetry`).
 *
 * @example
 * outboundConnectionType(new ConnReq(addr, { connClass: 'feeler' }), false); // 'feeler'
 */
export function outboundConnectionType(req: ConnReq<unknown>, automatic: boolean): ConnectionType {
  if (req.permanent) return 'manual';
  switch (req.connClass) {
    case BLOCK_RELAY_ONLY:
    case FEELER:
    case ADDR_FETCH:
      return req.connClass;
    case DEFAULT_CONN_CLASS:
      return automatic ? 'outbound-full-relay' : 'manual';
    default:
      return 'manual';
  }
}
