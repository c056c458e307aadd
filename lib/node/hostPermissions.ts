import type { BanList } from '../ban/BanList.js';
import { PERMISSION_FLAGS, permissionsFor, type PermissionFlag, type PermissionTable } from '../ban/permissions.js';

/**
 * The permission flags of `host`: those the `permissions` table grants it, plus `noban` when the
 * ban list whitelists it (Core's `-whitelist`), in `PERMISSION_FLAGS` order. Throws
 * `InvalidHostError` for a non-IP.
 */
export function hostPermissions(table: PermissionTable, banList: BanList, host: string): readonly PermissionFlag[] {
  const flags = permissionsFor(table, host);
  if (flags.includes('noban') || !banList.isWhitelisted(host)) return flags;
  return PERMISSION_FLAGS.filter((f) => f === 'noban' || flags.includes(f));
}
