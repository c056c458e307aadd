/** What {@link selectDiscouragedToEvict} needs of an inbound peer (an `EvictionCandidate` fits). */
export interface DiscouragedCandidate {
  /** Scheduler time of the connection. */
  readonly connectedAt: number;
  /** A whitelisted (`noban`) peer is never picked. */
  readonly whitelisted?: boolean;
  /** Outbound peers are never picked. */
  readonly outbound?: boolean;
}

/**
 * The inbound peer to evict before any other: the most recently connected discouraged one that is
 * neither whitelisted nor outbound, or `undefined` when there is none — then fall back to Core's
 * eviction (`selectNodeToEvict`). Discouraged peers are admitted, and are the first to leave.
 *
 * @example
 * ```ts
 * const victim = selectDiscouragedToEvict(candidates, (c) => discouraged.isDiscouraged(c.addr.host))
 *   ?? selectNodeToEvict(candidates);
 * ```
 */
export function selectDiscouragedToEvict<T extends DiscouragedCandidate>(
  candidates: readonly T[],
  isDiscouraged: (candidate: T) => boolean,
): T | undefined {
  let pick: T | undefined;
  for (const c of candidates) {
    if (c.whitelisted || c.outbound || !isDiscouraged(c)) continue;
    if (pick === undefined || c.connectedAt > pick.connectedAt) pick = c;
  }
  return pick;
}
