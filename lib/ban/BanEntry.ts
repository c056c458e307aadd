/**
 * One active ban: who, why, and for how long. Times are milliseconds on the {@link BanList}'s clock.
 * A ban is in force while `now < until` — at exactly `until` it has ended.
 *
 * @example
 * ```ts
 * const e: BanEntry = { host: '203.0.113.7', since: 0, until: 86_400_000, reason: 'invalid block' };
 * ```
 */
export interface BanEntry {
  /**
   * The banned host, normalized (see `normalizeHost`): IP without port — or, for a subnet ban
   * (`BanList.banSubnet`), the subnet's canonical CIDR text, e.g. `'10.0.0.0/8'`.
   */
  readonly host: string;
  /** First millisecond at which the ban no longer applies (exclusive end). */
  readonly until: number;
  /** Why the host was banned; `''` if no reason was given. */
  readonly reason: string;
  /** When the ban was imposed. */
  readonly since: number;
}
