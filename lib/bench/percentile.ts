/**
 * The p-th percentile (0–100) of `values` by the nearest-rank method: always one of the values,
 * so "median recovery 15,002 ms" is a time some peer really took. `NaN` for an empty list.
 *
 * @example
 * percentile([5, 1, 3], 50); // 3
 * percentile([5, 1, 3], 100); // 5
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
