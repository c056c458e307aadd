/**
 * What {@link BanList.bans$} reports. Hosts are normalized (IP without port).
 *
 * - `'banned'` — a ban was imposed (by `ban()`, or by `misbehaving()` crossing the threshold, in
 *   which case `score` is the score that triggered it). Re-banning a banned host emits it again.
 * - `'unbanned'` — `unban()` lifted an active ban.
 * - `'expired'` — a ban ran out. Noticed lazily: emitted when the list next looks at that host (or
 *   on `entries()`, `prune()`, `save()`), not by a timer.
 * - `'warning'` — `misbehaving()` left the host's score above half the threshold but not above it
 *   (btcd logs the same warning); the call that bans emits only `'banned'`.
 *
 * @example
 * ```ts
 * banList.bans$.subscribe((e) => { if (e.type === 'banned') disconnectAll(e.host); });
 * ```
 */
export type BanEvent =
  | { readonly type: 'banned'; readonly host: string; readonly until: number; readonly reason: string; readonly score?: number }
  | { readonly type: 'unbanned'; readonly host: string }
  | { readonly type: 'expired'; readonly host: string; readonly until: number }
  | { readonly type: 'warning'; readonly host: string; readonly score: number; readonly reason: string };
