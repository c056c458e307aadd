import { cidrContains, parseCidr, type Cidr } from './cidr.js';
import { hostToBytes } from './normalizeHost.js';
import { formatIp } from '../net/ipAddress.js';
import { hostOfAddress } from './hostOfAddress.js';

/**
 * What a peer from a trusted network may do, after Bitcoin Core's `-whitelist` permission flags:
 *
 * - `noban` — never banned nor discouraged for misbehaviour;
 * - `forceinbound` — admitted when every inbound slot is taken, by evicting someone else;
 * - `addr` — its `addr` messages are not rate-limited;
 * - `relay` — relay its transactions even when we would not otherwise;
 * - `mempool` — may ask for our mempool (a flag only: this library keeps no mempool).
 */
export type PermissionFlag = 'noban' | 'forceinbound' | 'addr' | 'relay' | 'mempool';

/** Every flag, in Core's order; `'all'` in a rule means these. */
export const PERMISSION_FLAGS: readonly PermissionFlag[] = ['noban', 'forceinbound', 'addr', 'relay', 'mempool'];

/** One rule: the flags granted to every host in `network`. */
export interface PermissionRule {
  readonly network: Cidr;
  readonly flags: readonly PermissionFlag[];
}

/**
 * Permission rules as a plain immutable value: build it with {@link parsePermissions}, look hosts up
 * with {@link permissionsFor}. A host matched by several rules gets the union of their flags.
 */
export interface PermissionTable {
  readonly rules: readonly PermissionRule[];
}

/**
 * Thrown by {@link parsePermissions} for a rule that is not `flag[,flag…]@network`, or names an
 * unknown flag. Carries the rule as given.
 *
 * @example
 * ```ts
 * parsePermissions(['nobann@10.0.0.0/8']); // throws InvalidPermissionError: … unknown flag "nobann"
 * ```
 */
export class InvalidPermissionError extends TypeError {
  override readonly name = 'InvalidPermissionError';
  constructor(
    /** The rejected rule, as given. */
    readonly rule: unknown,
    reason: string,
  ) {
    super(`permission rule ${typeof rule === 'string' ? JSON.stringify(rule) : String(rule)} is invalid: ${reason}`);
  }
}

/** The table that grants nothing. */
export const NO_PERMISSIONS: PermissionTable = { rules: [] };

/**
 * Parses Core's `-whitelist` syntax: `'noban,relay@10.0.0.0/8'`, `'forceinbound@::1'`, `'all@…'`.
 * A rule with no `@` is a bare network with Core's default flags for `-whitelist` (`relay`,
 * `mempool`, `noban`). Throws {@link InvalidPermissionError} (with the CIDR error's reason for a
 * bad network).
 *
 * @example
 * ```ts
 * const table = parsePermissions(['noban,addr@127.0.0.0/8', 'forceinbound@192.168.0.0/16']);
 * permissionsFor(table, '127.0.0.1'); // ['noban', 'addr']
 * ```
 */
export function parsePermissions(rules: readonly string[]): PermissionTable {
  return {
    rules: rules.map((rule): PermissionRule => {
      if (typeof rule !== 'string') throw new InvalidPermissionError(rule, 'not a string');
      const at = rule.lastIndexOf('@');
      const flagText = at < 0 ? 'relay,mempool,noban' : rule.slice(0, at);
      let network: Cidr;
      try {
        network = parseCidr(at < 0 ? rule : rule.slice(at + 1));
      } catch (error) {
        throw new InvalidPermissionError(rule, (error as Error).message);
      }
      const flags = new Set<PermissionFlag>();
      for (const name of flagText.split(',')) {
        if (name === 'all') PERMISSION_FLAGS.forEach((f) => flags.add(f));
        else if ((PERMISSION_FLAGS as readonly string[]).includes(name)) flags.add(name as PermissionFlag);
        else throw new InvalidPermissionError(rule, `unknown flag ${JSON.stringify(name)} (known: ${PERMISSION_FLAGS.join(', ')}, all)`);
      }
      return { network, flags: PERMISSION_FLAGS.filter((f) => flags.has(f)) };
    }),
  };
}

/**
 * The flags `address` has under `table`, in {@link PERMISSION_FLAGS} order, without duplicates.
 * `address` is a host (`'10.1.2.3'`, `'::ffff:10.1.2.3'`) or `host:port` / `[v6]:port` (the port
 * is ignored). Throws `InvalidHostError` when it names no IP address.
 *
 * @example
 * ```ts
 * permissionsFor(parsePermissions(['all@::1']), '[::1]:8333').includes('forceinbound'); // true
 * ```
 */
export function permissionsFor(table: PermissionTable, address: string): readonly PermissionFlag[] {
  const host = formatIp(hostToBytes(hostOfAddress(address)));
  const granted = new Set<PermissionFlag>();
  for (const rule of table.rules) {
    if (cidrContains(rule.network, host)) rule.flags.forEach((f) => granted.add(f));
  }
  return PERMISSION_FLAGS.filter((f) => granted.has(f));
}
