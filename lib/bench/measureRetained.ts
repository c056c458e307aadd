import { collectGarbage } from './collectGarbage.js';

/**
 * Heap bytes retained by what `make` builds: a full collection before and after, so only live
 * objects count. `make` may be async (a manager that connects its peers first); whatever it
 * returns is kept alive until the second reading, and handed back so the caller can tear it down.
 *
 * Divide by the number of items for a per-item cost. Allocations made outside `make` (addresses
 * prepared beforehand, say) are not counted.
 *
 * @example
 * const { bytes, value: conns } = await measureRetained(() => Array.from({ length: 10_000 }, () => new BenchConn('a')));
 * console.log(bytes / 10_000, 'bytes per conn');
 */
export async function measureRetained<T>(make: () => T | Promise<T>): Promise<{ readonly value: T; readonly bytes: number }> {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const value = await make();
  collectGarbage();
  const bytes = process.memoryUsage().heapUsed - before;
  return { value, bytes };
}
