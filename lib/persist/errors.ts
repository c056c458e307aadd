/**
 * A real input/output failure on a JSON file (permission denied, disk full, a directory where a file
 * should be, …) — as opposed to bad *content*, which {@link loadJsonFile} reports as `'corrupt'`
 * instead of throwing. Carries the path and the system error code so callers can decide what to do.
 *
 * @example
 * ```ts
 * try { await loadJsonFile('/etc/shadow', parse); }
 * catch (e) { if (e instanceof JsonFileError && e.code === 'EACCES') console.error(e.path); }
 * ```
 */
export class JsonFileError extends Error {
  override readonly name = 'JsonFileError';
  /** The system error code (`'EACCES'`, `'ENOSPC'`, …), or `undefined` when the cause had none. */
  readonly code: string | undefined;
  constructor(
    /** The file the operation was about. */
    readonly path: string,
    /** What was being attempted: `'read'`, `'write'`, `'rename'`, `'sync'`. */
    readonly operation: string,
    cause: unknown,
  ) {
    const code = errorCode(cause);
    super(`cannot ${operation} JSON file ${JSON.stringify(path)}: ${describe(cause)}`, { cause });
    this.code = code;
  }
}

/**
 * Thrown (as a rejection) by {@link writeJsonFileAtomic} when the value cannot become JSON: a BigInt,
 * a cycle, or a value `JSON.stringify` turns into nothing (`undefined`, a function, a symbol).
 * Nothing is written when this happens.
 *
 * @example
 * ```ts
 * await writeJsonFileAtomic('state.json', { n: 1n }); // rejects with JsonSerializeError
 * ```
 */
export class JsonSerializeError extends Error {
  override readonly name = 'JsonSerializeError';
  constructor(
    /** The file that was to be written (left untouched). */
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot serialize value for JSON file ${JSON.stringify(path)}: ${describe(cause)}`, { cause });
  }
}

/** The `code` of a Node system error, if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code: unknown = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
