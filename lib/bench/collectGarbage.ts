import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection, so heap figures measure what is retained rather than what
 * happens to be uncollected yet. Works without `--expose-gc`: the flag is switched on at run
 * time and `gc` is taken from a fresh context (the documented V8 way), so `tsx benchmarks/run.ts`
 * needs no extra node option.
 *
 * @example
 * collectGarbage();
 * const before = process.memoryUsage().heapUsed;
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    // V8 drops the bytecode of functions unused for a few GCs: that frees code, not data, and
    // would land in whichever heap reading it happens to fall into (we saw -5 MB "per" 1,000
    // connections). Heap figures are about data: keep code where it is.
    setFlagsFromString('--no-flush-bytecode');
    gc = (globalThis as { gc?: () => void }).gc ?? exposeGc();
  }
  // Until the heap stops shrinking (at least twice, at most 8 passes): a pass may only finalise
  // objects whose memory a later one frees.
  let before = process.memoryUsage().heapUsed;
  for (let pass = 0; pass < 8; pass++) {
    gc();
    const after = process.memoryUsage().heapUsed;
    if (pass >= 1 && before - after < 4_096) break;
    before = after;
  }
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
