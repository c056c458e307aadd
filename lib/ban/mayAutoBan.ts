import type { PermissionFlag } from './permissions.js';

/** What {@link mayAutoBan} looks at: how the peer came to us and what it is allowed. */
export interface AutoBanSubject {
  /** A manual peer: `addnode`/`connect` (a permanent request). */
  readonly manual: boolean;
  /** The peer's permission flags (see `permissionsFor`). */
  readonly permissions: readonly PermissionFlag[];
}

/**
 * Whether misbehaviour may ban (or discourage) this peer automatically. A manual peer never is —
 * its operator asked for it, and two operators' `addnode` peers must not ban each other out (btcd
 * #1886) — nor is a `noban` one: their misbehaviour is only reported. A ban by the operator
 * (`setban`) is not automatic and is not asked about here.
 *
 * @example
 * ```ts
 * if (mayAutoBan({ manual: peer.permanent, permissions })) bans.misbehaving(host, cost, 0, why);
 * else events.next({ type: 'misbehaving', …, banned: false });
 * ```
 */
export function mayAutoBan(subject: AutoBanSubject): boolean {
  return !subject.manual && !subject.permissions.includes('noban');
}
