/**
 * Warms every variant up once, then runs `rounds` rounds in which every variant runs once, in an
 * order rotated by one each round, so that drift in the machine's load (it is shared) spreads
 * over all of them. Returns each variant's rounds, by key, in round order (round i of one variant
 * and round i of another ran close together: ratios may be taken per round).
 *
 * @example
 * const results = await alternateRounds(VARIANTS, 5, (v) => v.run(2_000), (v) => v.run(3_000, 50_000), progress);
 */
export async function alternateRounds<V extends { readonly key: string; readonly label: string }, R>(
  variants: readonly V[],
  rounds: number,
  run: (variant: V) => Promise<R>,
  warmUp: (variant: V) => Promise<unknown>,
  progress: (text: string) => void,
): Promise<Map<string, R[]>> {
  const results = new Map<string, R[]>(variants.map((v) => [v.key, []]));
  for (const v of variants) {
    progress(`warm-up: ${v.label}`);
    await warmUp(v);
  }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + round) % variants.length]!;
      progress(`round ${round + 1}/${rounds}: ${v.label}`);
      results.get(v.key)!.push(await run(v));
    }
  }
  return results;
}
