import { RPC_ERROR, RpcError } from './RpcError.js';

/** The JSON type a parameter must have. `integer` is a number with no fraction. */
export type ParamType = 'string' | 'number' | 'integer' | 'boolean';

/** One parameter of a method, in Core's positional order. */
export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** May be left out (or `null`). Default `false`. */
  readonly optional?: boolean;
}

/** Longest string parameter accepted: addresses and subnets are short; this bounds the work on a huge one. */
export const MAX_PARAM_STRING = 1_024;

/**
 * The parameters of a call as a positional array following `spec`: from an array (Core's
 * positional form) or an object (named form), with `undefined` for optional ones left out. Throws
 * {@link RpcError} `-32602` for too many, unknown, missing or mistyped parameters and for strings
 * over {@link MAX_PARAM_STRING}, naming the parameter.
 *
 * @example
 * ```ts
 * readParams('setban', SPEC, ['10.0.0.0/8', 'add']);              // ['10.0.0.0/8', 'add', undefined, undefined]
 * readParams('setban', SPEC, { subnet: '10.0.0.0/8', command: 'add', bantime: 60 });
 * ```
 */
export function readParams(method: string, spec: readonly ParamSpec[], params: unknown): unknown[] {
  let values: unknown[];
  if (params === undefined || params === null) values = [];
  else if (Array.isArray(params)) {
    if (params.length > spec.length) throw invalid(`${method} takes at most ${spec.length} parameter(s), got ${params.length}`);
    values = params;
  } else if (typeof params === 'object') {
    const named = params as Record<string, unknown>;
    for (const key of Object.keys(named)) {
      if (!spec.some((p) => p.name === key)) throw invalid(`Unknown named parameter ${clip(key)}`);
    }
    values = spec.map((p) => (Object.hasOwn(named, p.name) ? named[p.name] : undefined));
  } else throw invalid('Params must be an array or object');
  return spec.map((p, i) => check(method, p, values[i]));
}

function check(method: string, p: ParamSpec, value: unknown): unknown {
  if (value === undefined || value === null) {
    if (p.optional) return undefined;
    throw invalid(`${method}: missing required parameter ${p.name}`);
  }
  const ok =
    p.type === 'integer'
      ? typeof value === 'number' && Number.isSafeInteger(value)
      : p.type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : typeof value === p.type;
  if (!ok) throw invalid(`${method}: parameter ${p.name} must be of type ${p.type}, got ${describe(value)}`);
  if (typeof value === 'string' && value.length > MAX_PARAM_STRING) {
    throw invalid(`${method}: parameter ${p.name} is ${value.length} characters long, over the limit of ${MAX_PARAM_STRING}`);
  }
  return value;
}

function invalid(message: string): RpcError {
  return new RpcError(RPC_ERROR.INVALID_PARAMS, message);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `array (${value.length} items)`;
  if (typeof value === 'string') return `string ${clip(JSON.stringify(value))}`;
  if (typeof value === 'object') return 'object';
  // Objects and arrays are described above; what is left (numbers, booleans…) prints as itself.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return `${typeof value} ${String(value)}`;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
