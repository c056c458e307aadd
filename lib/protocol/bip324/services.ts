/**
 * `NODE_P2P_V2` (bit 11): the service flag a node advertises (in `version` and `addr`) when it
 * accepts BIP324 v2 connections. Dial such peers with v2 (`dialWithV1Fallback`), others with v1.
 *
 * @example
 * ```ts
 * const tryV2 = (entry.services & NODE_P2P_V2) !== 0n;
 * ```
 */
export const NODE_P2P_V2 = 1n << 11n;
