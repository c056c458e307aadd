import { Subject, type Observable } from 'rxjs';
import { loadJsonFile, writeJsonFileAtomic } from '../persist/jsonFile.js';
import type { BanEntry } from './BanEntry.js';
import type { BanEvent } from './BanEvent.js';
import { parseBanFile, toBanFile } from './banFile.js';
import { cidrContains, parseCidr, type Cidr } from './cidr.js';
import { DynamicBanScore } from './DynamicBanScore.js';
import { formatIp } from '../net/ipAddress.js';
import { hostToBytes } from './normalizeHost.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Below this many tracked scores, don't bother sweeping. */
const MIN_PRUNE_SIZE = 64;

/** Options of {@link BanList}. All optional. */
export interface BanListOptions {
  /** Clock in milliseconds, shared with the per-host ban scores. Default `Date.now`. */
  readonly now?: () => number;
  /** How long a ban lasts, in ms, when `ban()` is not given a duration. Default 24 h (btcd's). */
  readonly banDuration?: number;
  /** A score strictly above this bans; above half of it `misbehaving()` warns. Default 100 (btcd's). */
  readonly threshold?: number;
  /**
   * Networks never banned nor scored, as CIDRs or bare addresses (`'127.0.0.0/8'`, `'::1'`).
   * Parsed at construction: a bad entry throws `InvalidCidrError`. Default none.
   */
  readonly whitelist?: readonly string[];
  /** Where {@link BanList.load} and {@link BanList.save} keep the bans. Default: no persistence. */
  readonly file?: string;
}

/**
 * The set of banned hosts of a node, with btcd's misbehaviour scoring in front of it.
 *
 * - Hosts are IP addresses without port, normalized (IPv6 canonical, IPv4-mapped IPv6 → IPv4);
 *   anything else throws `InvalidHostError`.
 * - A ban lasts `banDuration` and is in force while `now < until`: at exactly `until` it is over.
 *   Expired bans are dropped lazily, emitting `'expired'` when noticed; no timers run.
 * - `misbehaving()` feeds a {@link DynamicBanScore} per host; a score above `threshold` bans the
 *   host (and clears its score). Scores that decay to 0 are forgotten, so memory tracks only hosts
 *   that misbehaved recently or persistently.
 * - Whitelisted hosts are never banned and never scored.
 * - Subnets (`banSubnet('10.0.0.0/8')`, IPv4 or IPv6) are banned like hosts — same expiry, same
 *   events and file, keyed by their CIDR text — and ban every non-whitelisted host inside them.
 *
 * @example
 * ```ts
 * const bans = new BanList({ file: 'bans.json', whitelist: ['127.0.0.0/8', '::1'] });
 * await bans.load();
 * bans.bans$.subscribe((e) => e.type === 'banned' && disconnectHost(e.host));
 * bans.misbehaving('203.0.113.7', 100, 0, 'invalid block'); // { score: 100, banned: false }
 * bans.misbehaving('203.0.113.7', 1, 0, 'unrequested data'); // { score: 101, banned: true }
 * bans.isBanned('203.0.113.7'); // true, for 24 h
 * ```
 */
export class BanList {
  /** Every change to the list, as it happens. Completes on {@link close}. */
  readonly bans$: Observable<BanEvent>;

  readonly #events = new Subject<BanEvent>();
  readonly #now: () => number;
  readonly #banDuration: number;
  readonly #threshold: number;
  readonly #whitelist: readonly Cidr[];
  readonly #file: string | undefined;
  /** Every ban by key: a normalized host (`'10.0.0.1'`) or a subnet's CIDR text (`'10.0.0.0/8'`). */
  readonly #bans = new Map<string, BanEntry>();
  /** The banned subnets (keys of `#bans` with a `/`), parsed, for matching hosts against them. */
  readonly #subnets = new Map<string, Cidr>();
  readonly #scores = new Map<string, DynamicBanScore>();
  #pruneAt = MIN_PRUNE_SIZE;
  #saving: Promise<void> = Promise.resolve();

  constructor(options: BanListOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#banDuration = options.banDuration ?? DAY_MS;
    checkDuration('banDuration', this.#banDuration);
    this.#threshold = options.threshold ?? 100;
    if (typeof this.#threshold !== 'number' || !Number.isFinite(this.#threshold) || this.#threshold < 0) {
      throw new RangeError(`BanList: \`threshold\` must be a finite number ≥ 0, got ${String(this.#threshold)}`);
    }
    this.#whitelist = (options.whitelist ?? []).map(parseCidr);
    this.#file = options.file;
    this.bans$ = this.#events.asObservable();
  }

  /**
   * Bans `host` for `duration` ms (default `banDuration`) from now, replacing any ban it already has,
   * and forgets its misbehaviour score. Returns the new entry, or `undefined` (and does nothing) if
   * the host is whitelisted. Throws `InvalidHostError` for a non-IP, `RangeError` for a duration
   * that is not a finite number > 0.
   *
   * @example
   * ```ts
   * bans.ban('198.51.100.4', 'manual', 60 * 60 * 1000); // one hour
   * ```
   */
  ban(host: string, reason = '', duration: number = this.#banDuration): BanEntry | undefined {
    checkDuration('duration', duration);
    const bytes = hostToBytes(host);
    if (this.#whitelisted(bytes)) return undefined;
    return this.#impose(formatIp(bytes), reason, duration, undefined);
  }

  /**
   * Lifts the ban on `host`. Returns `true` if an active ban was lifted (emitting `'unbanned'`),
   * `false` if there was none (an expired one is dropped with `'expired'`).
   *
   * @example
   * ```ts
   * if (bans.unban('198.51.100.4')) console.log('lifted');
   * ```
   */
  unban(host: string): boolean {
    const key = this.#key(host);
    if (this.#active(key) === undefined) return false;
    this.#bans.delete(key);
    this.#events.next({ type: 'unbanned', host: key });
    return true;
  }

  /**
   * Bans every host of `subnet` (CIDR text, IPv4 or IPv6, or a bare address) for `duration` ms
   * (default `banDuration`), replacing a ban this exact subnet already has. A full-length prefix
   * (`/32`, `/128`) is a host ban, the same as {@link ban}. Hosts of the subnet that are whitelisted
   * stay unbanned. Returns the entry (its `host` is the canonical CIDR text, e.g. `'10.0.0.0/8'`),
   * or `undefined` if the subnet is a single whitelisted host. Throws `InvalidCidrError` for bad
   * text, `RangeError` for a bad duration.
   *
   * @example
   * ```ts
   * bans.banSubnet('2001:db8::/32', 'spam', 7 * 24 * 60 * 60 * 1000);
   * bans.isBanned('2001:db8::77'); // true
   * ```
   */
  banSubnet(subnet: string, reason = '', duration: number = this.#banDuration): BanEntry | undefined {
    checkDuration('duration', duration);
    const cidr = parseCidr(subnet);
    if (isSingleHost(cidr)) return this.ban(cidr.network, reason, duration);
    this.#subnets.set(cidr.text, cidr);
    return this.#impose(cidr.text, reason, duration, undefined);
  }

  /**
   * Lifts the ban on exactly `subnet` (not on a wider or narrower one). Returns `true` if an active
   * ban was lifted (emitting `'unbanned'`), `false` otherwise. Throws `InvalidCidrError`.
   *
   * @example
   * ```ts
   * bans.unbanSubnet('10.0.0.0/8');
   * ```
   */
  unbanSubnet(subnet: string): boolean {
    const cidr = parseCidr(subnet);
    if (isSingleHost(cidr)) return this.unban(cidr.network);
    if (this.#active(cidr.text) === undefined) return false;
    this.#bans.delete(cidr.text);
    this.#subnets.delete(cidr.text);
    this.#events.next({ type: 'unbanned', host: cidr.text });
    return true;
  }

  /**
   * The active ban of exactly `subnet` (a host ban for a full-length prefix), if any — unlike
   * {@link get}, which finds whatever ban covers a host. Throws `InvalidCidrError`.
   *
   * @example
   * ```ts
   * if (bans.getSubnet('10.0.0.0/8')) throw new Error('already banned');
   * ```
   */
  getSubnet(subnet: string): BanEntry | undefined {
    const cidr = parseCidr(subnet);
    return this.#active(isSingleHost(cidr) ? cidr.network : cidr.text);
  }

  /**
   * Lifts every active ban, hosts and subnets (Core's `clearbanned`), emitting `'unbanned'` for each.
   * Misbehaviour scores are kept. Returns how many bans were lifted.
   *
   * @example
   * ```ts
   * bans.clear(); // 3
   * ```
   */
  clear(): number {
    const lifted = this.entries();
    this.#bans.clear();
    this.#subnets.clear();
    for (const entry of lifted) this.#events.next({ type: 'unbanned', host: entry.host });
    return lifted.length;
  }

  /**
   * Whether `host` is banned right now (`now < until`).
   *
   * @example
   * ```ts
   * if (bans.isBanned(remoteAddress)) socket.destroy();
   * ```
   */
  isBanned(host: string): boolean {
    return this.get(host) !== undefined;
  }

  /**
   * The clock bans and scores are kept on, ms since the epoch: the `now` option (default
   * `Date.now`). Ban times shown to an operator (`listbanned`) are read against it.
   *
   * @example
   * ```ts
   * const left = bans.get(host)!.until - bans.now();
   * ```
   */
  now(): number {
    return this.#now();
  }

  /**
   * Whether `host` falls in one of the whitelisted networks.
   *
   * @example
   * ```ts
   * new BanList({ whitelist: ['10.0.0.0/8'] }).isWhitelisted('10.1.2.3'); // true
   * ```
   */
  isWhitelisted(host: string): boolean {
    return this.#whitelisted(hostToBytes(host));
  }

  /**
   * The active ban that applies to `host`: its own, else that of a banned subnet holding it (unless
   * the host is whitelisted), if any.
   *
   * @example
   * ```ts
   * const until = bans.get(host)?.until;
   * ```
   */
  get(host: string): BanEntry | undefined {
    const bytes = hostToBytes(host);
    const own = this.#active(formatIp(bytes));
    if (own !== undefined || this.#subnets.size === 0 || this.#whitelisted(bytes)) return own;
    const key = formatIp(bytes);
    for (const [text, cidr] of [...this.#subnets]) {
      if (cidrContains(cidr, key)) {
        const entry = this.#active(text);
        if (entry !== undefined) return entry;
      }
    }
    return undefined;
  }

  /**
   * All active bans, in the order they were imposed. Drops (and reports) expired ones on the way.
   *
   * @example
   * ```ts
   * for (const { host, until } of bans.entries()) console.log(host, new Date(until));
   * ```
   */
  entries(): BanEntry[] {
    const active: BanEntry[] = [];
    for (const key of [...this.#bans.keys()]) {
      const entry = this.#active(key);
      if (entry !== undefined) active.push(entry);
    }
    return active;
  }

  /**
   * The current misbehaviour score of `host` (0 if none is tracked or it is whitelisted).
   *
   * @example
   * ```ts
   * bans.misbehaving(host, 0, 20, 'too many inv'); bans.scoreOf(host); // 20
   * ```
   */
  scoreOf(host: string): number {
    return this.#scores.get(this.#key(host))?.score() ?? 0;
  }

  /**
   * How many hosts currently have a misbehaviour score tracked — a diagnostic for memory use.
   *
   * @example
   * ```ts
   * metrics.gauge('ban_scores', bans.scoredHostCount);
   * ```
   */
  get scoredHostCount(): number {
    return this.#scores.size;
  }

  /**
   * Records misbehaviour of `host` — `persistent` points that never decay and `transient` points that
   * halve every minute (see {@link DynamicBanScore}) — and bans the host for `banDuration` when its
   * score goes above `threshold`. Above half the threshold (but not banning) it emits `'warning'`.
   * A whitelisted host is ignored: `{ score: 0, banned: false }`. A host that is already banned is
   * still scored, and crossing the threshold again renews its ban.
   *
   * Returns the host's score after this call and whether this call banned it. Throws `RangeError` for
   * a negative or non-finite amount, `InvalidHostError` for a non-IP.
   *
   * @example
   * ```ts
   * const { banned } = bans.misbehaving(peer.host, 0, 20, 'sent 1000 unrequested tx');
   * if (banned) peer.disconnect();
   * ```
   */
  misbehaving(host: string, persistent: number, transient: number, reason: string): { score: number; banned: boolean } {
    const bytes = hostToBytes(host);
    if (this.#whitelisted(bytes)) return { score: 0, banned: false };
    const key = formatIp(bytes);
    const existing = this.#scores.get(key);
    const tracker = existing ?? new DynamicBanScore({ now: this.#now });
    // Throws on a bad amount before anything is stored.
    const score = tracker.increase(persistent, transient);
    if (score > this.#threshold) {
      this.#impose(key, reason, this.#banDuration, score);
      return { score, banned: true };
    }
    if (score === 0) {
      this.#scores.delete(key);
    } else if (existing === undefined) {
      this.#scores.set(key, tracker);
      if (this.#scores.size >= this.#pruneAt) this.prune();
    }
    if (score > this.#threshold / 2) this.#events.next({ type: 'warning', host: key, score, reason });
    return { score, banned: false };
  }

  /**
   * Drops expired bans (emitting `'expired'`) and scores that have decayed to 0. Called
   * automatically as the score table grows (amortized constant cost); call it yourself on a timer if
   * you want expiries reported promptly.
   *
   * @example
   * ```ts
   * setInterval(() => bans.prune(), 60_000);
   * ```
   */
  prune(): void {
    this.entries();
    for (const [key, tracker] of [...this.#scores]) {
      if (tracker.score() === 0) this.#scores.delete(key);
    }
    this.#pruneAt = Math.max(MIN_PRUNE_SIZE, 2 * this.#scores.size);
  }

  /**
   * Reads the bans from `options.file` and adds those still active (a host banned both in memory and
   * in the file keeps the later end). Whitelisted hosts are skipped. No events are emitted. Without a
   * `file` option, does nothing.
   *
   * A missing file is not an error. A corrupt one (bad JSON, wrong shape or version) is moved aside
   * by `loadJsonFile` and nothing is loaded; the returned `warning` says so and names where the file
   * went. Real I/O errors reject with `JsonFileError`.
   *
   * @example
   * ```ts
   * const { warning } = await bans.load();
   * if (warning) log.warn(warning);
   * ```
   */
  async load(): Promise<{ warning?: string }> {
    const file = this.#file;
    if (file === undefined) return {};
    const result = await loadJsonFile(file, parseBanFile, { now: this.#now });
    if (result.status === 'missing') return {};
    if (result.status === 'corrupt') {
      return {
        warning:
          `ban list ${JSON.stringify(file)} is unreadable (${result.error.message}); ` +
          `moved it aside to ${JSON.stringify(result.movedTo)} and started with no saved bans`,
      };
    }
    const now = this.#now();
    for (const entry of result.value.bans) {
      if (entry.until <= now) continue;
      const subnet = entry.host.includes('/') ? parseCidr(entry.host) : undefined;
      if (subnet === undefined && this.#whitelisted(hostToBytes(entry.host))) continue;
      const current = this.#bans.get(entry.host);
      if (current === undefined || current.until < entry.until) {
        this.#bans.set(entry.host, entry);
        if (subnet !== undefined) this.#subnets.set(entry.host, subnet);
      }
    }
    return {};
  }

  /**
   * Writes the active bans to `options.file` atomically (see `writeJsonFileAtomic`); expired ones
   * are left out. Overlapping calls are queued, so the file always ends with the latest state.
   * Without a `file` option, does nothing.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => void bans.save().finally(() => process.exit()));
   * ```
   */
  save(): Promise<void> {
    const file = this.#file;
    if (file === undefined) return Promise.resolve();
    // The snapshot is taken when this write's turn comes, not when it was asked for.
    const run = () => writeJsonFileAtomic(file, toBanFile(this.entries()));
    const next = this.#saving.then(run, run);
    this.#saving = next.catch(() => undefined);
    return next;
  }

  /**
   * Completes {@link bans$}. The list keeps working; it just reports nothing more. Idempotent.
   *
   * @example
   * ```ts
   * bans.close();
   * ```
   */
  close(): void {
    this.#events.complete();
  }

  #key(host: string): string {
    return formatIp(hostToBytes(host));
  }

  #whitelisted(bytes: Uint8Array): boolean {
    const host = formatIp(bytes);
    return this.#whitelist.some((cidr) => cidrContains(cidr, host));
  }

  /** The ban of an already-normalized host if still in force; drops and reports it if it ran out. */
  #active(key: string): BanEntry | undefined {
    const entry = this.#bans.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() < entry.until) return entry;
    this.#bans.delete(key);
    this.#subnets.delete(key);
    this.#events.next({ type: 'expired', host: key, until: entry.until });
    return undefined;
  }

  #impose(key: string, reason: string, duration: number, score: number | undefined): BanEntry {
    this.#active(key); // report a lapsed previous ban before replacing it
    const since = this.#now();
    const entry: BanEntry = { host: key, since, until: since + duration, reason };
    // Delete first so the entry moves to the end: entries() lists bans in the order imposed.
    this.#bans.delete(key);
    this.#bans.set(key, entry);
    this.#scores.delete(key);
    this.#events.next(
      score === undefined
        ? { type: 'banned', host: key, until: entry.until, reason }
        : { type: 'banned', host: key, until: entry.until, reason, score },
    );
    return entry;
  }
}

/** A prefix as long as the address: the network is one host. */
function isSingleHost(cidr: Cidr): boolean {
  return cidr.prefix === cidr.bytes.length * 8;
}

function checkDuration(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`BanList: \`${name}\` must be a finite number of ms > 0, got ${String(value)}`);
  }
}
