/**
 * Service bits: what a node says it offers, in `version` and in every `addr` / `addrv2` entry
 * (a uint64 bit field). The values are Bitcoin Core's (`protocol.h`).
 *
 * @packageDocumentation
 */

/** Serves the full block chain (BIP 14's "full node"). 1. */
export const NODE_NETWORK = 1n;
/** Serves BIP 37 bloom-filtered connections. 4. */
export const NODE_BLOOM = 4n;
/** Serves blocks and transactions with witness data (BIP 144). 8. */
export const NODE_WITNESS = 8n;
/** Serves BIP 157 compact block filters. 64. */
export const NODE_COMPACT_FILTERS = 64n;
/** Serves only the last 288 blocks (BIP 159, a pruned node). 1024. */
export const NODE_NETWORK_LIMITED = 1024n;
/** Speaks the BIP 324 v2 encrypted transport. 2048. */
export const NODE_P2P_V2 = 2048n;

/**
 * Whether Core's automatic outbound would take a peer with these services (Core's
 * `HasAllDesirableServiceFlags`): `NODE_NETWORK | NODE_WITNESS`, or `NODE_NETWORK_LIMITED |
 * NODE_WITNESS` (which Core accepts only once its own initial block download is done). A node that
 * claims neither is not picked by Core's or bcoin's automatic outbound — the honest choice for a
 * node that serves no blocks.
 *
 * @example
 * ```ts
 * isFullRelayCandidate(NODE_NETWORK | NODE_WITNESS); // true
 * isFullRelayCandidate(NODE_NETWORK);                // false
 * ```
 */
export function isFullRelayCandidate(services: bigint): boolean {
  const chain = (services & (NODE_NETWORK | NODE_NETWORK_LIMITED)) !== 0n;
  return chain && (services & NODE_WITNESS) !== 0n;
}

/** The named bits, in ascending order. */
const NAMES: ReadonlyArray<readonly [bit: bigint, name: string]> = [
  [NODE_NETWORK, 'NETWORK'],
  [NODE_BLOOM, 'BLOOM'],
  [NODE_WITNESS, 'WITNESS'],
  [NODE_COMPACT_FILTERS, 'COMPACT_FILTERS'],
  [NODE_NETWORK_LIMITED, 'NETWORK_LIMITED'],
  [NODE_P2P_V2, 'P2P_V2'],
];

/**
 * The service bits as names, as Core's `getpeerinfo` shows them (`servicesnames`); a set bit
 * without a name shows as `UNKNOWN[2^n]`.
 *
 * @param services - the bit field (uint64).
 * @returns the names, lowest bit first.
 * @example
 * ```ts
 * serviceNames(0x409n); // ['NETWORK', 'WITNESS', 'NETWORK_LIMITED']
 * serviceNames(1n << 5n); // ['UNKNOWN[2^5]']
 * ```
 */
export function serviceNames(services: bigint): string[] {
  const names: string[] = [];
  for (let bit = 0n; bit < 64n; bit += 1n) {
    const mask = 1n << bit;
    if ((services & mask) === 0n) continue;
    names.push(NAMES.find(([known]) => known === mask)?.[1] ?? `UNKNOWN[2^${bit}]`);
  }
  return names;
}
