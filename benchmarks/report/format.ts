import { percentile } from '../../lib/bench/percentile.js';
import type { TargetCheck } from '../scenarios/Scenario.js';

/** 1,234,567 — or an em dash for a figure that does not exist. */
export function int(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '—';
}

/** A number with `digits` decimals, or an em dash. */
export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

/** 9.62× */
export function times(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(n >= 100 ? 0 : 2)}×` : '—';
}

/** Bytes as B / KiB / MiB. */
export function bytes(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${Math.round(n)} B`;
}

/** The median (nearest rank) of a list of rounds. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** A target of the form "actual ≤ limit"; `show` formats a value of the figure (and a difference of two). */
export function atMost(target: string, actual: number, limit: number, show: (n: number) => string): TargetCheck {
  const met = actual <= limit;
  return {
    target,
    actual: show(actual),
    met,
    margin: met
      ? `met, ${show(limit - actual)} to spare`
      : `missed: ${(actual / limit).toFixed(2)} times the limit (${show(actual - limit)} over)`,
  };
}

/** A target on a ratio ("≤ 1.3× the baseline"): the margin says how many times over the allowed ratio it is. */
export function ratioAtMost(target: string, actual: number, limit: number): TargetCheck {
  const met = actual <= limit;
  return {
    target,
    actual: times(actual),
    met,
    margin: met ? `met, ${times(limit)} allowed` : `missed: ${(actual / limit).toFixed(1)} times the allowed ${times(limit)}`,
  };
}

/** A target of the form "actual ≥ limit". */
export function atLeast(target: string, actual: number, limit: number, show: (n: number) => string): TargetCheck {
  const met = actual >= limit;
  return {
    target,
    actual: show(actual),
    met,
    margin: met ? `met, ${show(actual - limit)} above` : `missed by ${show(limit - actual)} (${times(limit / actual)} short)`,
  };
}
