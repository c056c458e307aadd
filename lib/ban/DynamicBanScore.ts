/** Seconds for the transient part to halve. */
const HALF_LIFE_SECONDS = 60;
/** Age (in seconds since the last transient increase) beyond which the transient part counts as 0. */
const LIFETIME_SECONDS = 1800;
const LAMBDA = Math.LN2 / HALF_LIFE_SECONDS;

/** Options of {@link DynamicBanScore}. */
export interface DynamicBanScoreOptions {
  /** Clock in milliseconds. Default `Date.now`. Inject a fake one in tests. */
  readonly now?: () => number;
}

/**
 * A misbehaviour score in two parts, as in btcd's `connmgr.DynamicBanScore`:
 *
 * - a **persistent** part that never decays (for offences that are bad no matter how rare), and
 * - a **transient** part that halves every 60 s (for things that are only bad in bursts, like
 *   flooding), and is forgotten entirely once 1,800 s have passed since it was last increased.
 *
 * The score read at any moment is `persistent + trunc(transient × exp(−Δt·ln2/60))`, where Δt is
 * counted in whole seconds. Like btcd, both the clock reading and the last-update time are truncated
 * to whole seconds *before* subtracting: if only the difference were truncated, updates arriving every
 * 900 ms would each see Δt = 0 and the transient would never decay.
 *
 * Unlike btcd, {@link increase} always returns the current decayed score. btcd's `increase(p, 0)`
 * skips the decay step and returns the stale transient, so a peer that flooded an hour ago can be
 * banned for a small persistent offence today.
 *
 * Two smaller departures: a clock that steps backwards is treated as "no time has passed" (btcd's
 * reader drops the transient part instead), and a transient part below 1 decays like any other
 * (btcd leaves it undecayed until the next increase).
 *
 * @example
 * ```ts
 * let t = 0;
 * const s = new DynamicBanScore({ now: () => t });
 * s.increase(100, 50); // 150
 * t += 60_000;
 * s.score();           // 125 — half of the transient is gone
 * ```
 */
export class DynamicBanScore {
  readonly #now: () => number;
  #persistent = 0;
  #transient = 0;
  /** Whole seconds of the clock when the transient part was last folded in. */
  #lastSecond = 0;

  constructor(options: DynamicBanScoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /**
   * Adds `persistent` to the persistent part and `transient` to the (first decayed) transient part,
   * and returns the new total score at the current time. Both must be finite and ≥ 0 (fractions are
   * accepted; the score is truncated to an integer). Throws `RangeError` naming the bad argument.
   *
   * @example
   * ```ts
   * new DynamicBanScore().increase(0, 10); // 10
   * ```
   */
  increase(persistent: number, transient: number): number {
    checkAmount('persistent', persistent);
    checkAmount('transient', transient);
    const second = this.#second();
    this.#persistent += persistent;
    // Only a transient increase moves the reference time, as in btcd: the 1,800 s lifetime is measured
    // from the last transient offence, not from the last call of any kind.
    if (transient > 0) {
      this.#transient = this.#decayedTransient(second) + transient;
      this.#lastSecond = second;
    }
    return this.#total(second);
  }

  /**
   * The current total score: persistent part plus the transient part decayed to now, truncated.
   *
   * @example
   * ```ts
   * new DynamicBanScore().score(); // 0
   * ```
   */
  score(): number {
    return this.#total(this.#second());
  }

  /**
   * Forgets everything: both parts back to 0.
   *
   * @example
   * ```ts
   * const s = new DynamicBanScore(); s.increase(50, 0); s.reset(); s.score(); // 0
   * ```
   */
  reset(): void {
    this.#persistent = 0;
    this.#transient = 0;
    this.#lastSecond = 0;
  }

  /**
   * A one-line description for logs, e.g.
   * `persistent 100 + transient 50 (as of second 1700000000) = 125 now`.
   *
   * @example
   * ```ts
   * console.log(`ban score of ${host}: ${score}`);
   * ```
   */
  toString(): string {
    return `persistent ${this.#persistent} + transient ${this.#transient} (as of second ${this.#lastSecond}) = ${this.score()} now`;
  }

  #second(): number {
    return Math.floor(this.#now() / 1000);
  }

  #decayedTransient(second: number): number {
    const dt = Math.max(0, second - this.#lastSecond);
    if (dt > LIFETIME_SECONDS) return 0;
    return this.#transient * Math.exp(-dt * LAMBDA);
  }

  #total(second: number): number {
    return Math.trunc(this.#persistent) + Math.trunc(this.#decayedTransient(second));
  }
}

function checkAmount(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`ban score increase: \`${name}\` must be a finite number ≥ 0, got ${String(value)}`);
  }
}
