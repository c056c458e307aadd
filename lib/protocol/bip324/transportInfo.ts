import type { WireProtocol } from '../WireProtocol.js';
import type { V2SessionProtocol } from './v2Protocol.js';

/**
 * The transport fields of Bitcoin Core's `getpeerinfo`, for a peer's protocol.
 *
 * @example
 * ```ts
 * const info: TransportInfo = { transport_protocol_type: 'v1', session_id: '' };
 * ```
 */
export interface TransportInfo {
  /** `'v1'` (plaintext) or `'v2'` (BIP324). */
  readonly transport_protocol_type: 'v1' | 'v2';
  /** The v2 session id as 64 hex digits; `''` on v1, as Core shows it. */
  readonly session_id: string;
}

/**
 * What `getpeerinfo` should show of a peer's transport: any protocol that is not a v2 session
 * counts as v1.
 *
 * @example
 * ```ts
 * transportInfo(bitcoinProtocol()); // { transport_protocol_type: 'v1', session_id: '' }
 * ```
 */
export function transportInfo(protocol: WireProtocol<unknown>): TransportInfo {
  const session = protocol as Partial<V2SessionProtocol>;
  return session.transport === 'v2' && typeof session.sessionId === 'string'
    ? { transport_protocol_type: 'v2', session_id: session.sessionId }
    : { transport_protocol_type: 'v1', session_id: '' };
}
