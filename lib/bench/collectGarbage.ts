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
  gc ??= (globalThis as { gc?: () => void }).gc ?? exposeGc();
  // Twice: the first pass may only finalise objects whose memory the second one frees.
  gc();
  gc();
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
