import { readParams } from './readParams.js';
import { RPC_ERROR, RpcError } from './RpcError.js';
import type { RpcMethod } from './rpcMethods.js';
import type { RpcNode } from './RpcNode.js';

/** An HTTP answer to a JSON-RPC body: status and, unless 204, the JSON text. */
export interface JsonRpcReply {
  readonly status: number;
  readonly body: string | undefined;
}

/** Options of {@link handleJsonRpc}. */
export interface HandleJsonRpcOptions {
  /** The methods by name. */
  readonly methods: ReadonlyMap<string, RpcMethod>;
  /** Calls in one batch at most; a bigger batch is refused whole, before any call. Default 100. */
  readonly maxBatch?: number;
  /** Told about a method that threw something other than an `RpcError` (a bug); default: nothing. */
  readonly onInternalError?: (method: string, error: unknown) => void;
}

type Id = string | number | null;
interface Outcome {
  readonly reply: Record<string, unknown> | undefined;
  readonly code: number | undefined;
}

/**
 * Answers one HTTP body of JSON-RPC, as Bitcoin Core does:
 *
 * - a JSON-RPC 1.0 request (no `jsonrpc` member) gets `{ result, error, id }` with `error: null`
 *   or `result: null`, and HTTP 500 on error (400 for an invalid request, 404 for an unknown
 *   method);
 * - a 2.0 one (`"jsonrpc": "2.0"`) gets `{ jsonrpc, result | error, id }` with HTTP 200, and a 2.0
 *   notification (no `id`) gets nothing: HTTP 204;
 * - a batch (an array) runs its calls in order and answers 200 with an array; more than `maxBatch`
 *   calls → one `-32600` error and no call runs;
 * - bad JSON → `-32700`; unknown method → `-32601`; bad parameters → `-32602`; an unexpected throw →
 *   `-32603` (reported to `onInternalError`), never a crash.
 *
 * @example
 * ```ts
 * await handleJsonRpc('{"method":"getconnectioncount","id":1}', node, { methods: RPC_METHODS });
 * // { status: 200, body: '{"result":0,"error":null,"id":1}' }
 * ```
 */
export async function handleJsonRpc(text: string, node: RpcNode, options: HandleJsonRpcOptions): Promise<JsonRpcReply> {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    return legacy(errorReply(null, RPC_ERROR.PARSE_ERROR, 'Parse error', false));
  }
  if (!Array.isArray(request)) {
    const outcome = await call(request, node, options);
    if (outcome.reply === undefined) return { status: 204, body: undefined };
    const v2 = isRecord(request) && request['jsonrpc'] === '2.0';
    return { status: v2 ? 200 : statusOf(outcome.code), body: JSON.stringify(outcome.reply) };
  }
  const maxBatch = options.maxBatch ?? 100;
  if (request.length > maxBatch) {
    return legacy(
      errorReply(null, RPC_ERROR.INVALID_REQUEST, `Batch of ${request.length} requests is over the limit of ${maxBatch}`, false),
    );
  }
  const replies: Record<string, unknown>[] = [];
  for (const item of request) {
    const outcome = await call(item, node, options);
    if (outcome.reply !== undefined) replies.push(outcome.reply);
  }
  return { status: 200, body: JSON.stringify(replies) };
}

async function call(request: unknown, node: RpcNode, options: HandleJsonRpcOptions): Promise<Outcome> {
  if (!isRecord(request)) return errorOutcome(null, RPC_ERROR.INVALID_REQUEST, 'Invalid Request object', false);
  const v2 = request['jsonrpc'] === '2.0';
  if (request['jsonrpc'] !== undefined && !v2)
    return errorOutcome(null, RPC_ERROR.INVALID_REQUEST, 'jsonrpc field must be "2.0" when present', false);
  const rawId = request['id'];
  const notification = v2 && !Object.hasOwn(request, 'id');
  const id: Id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
  const name = request['method'];
  let result: unknown;
  try {
    if (typeof name !== 'string') throw new RpcError(RPC_ERROR.INVALID_REQUEST, 'Method must be a string');
    const method = options.methods.get(name);
    if (method === undefined) {
      throw new RpcError(RPC_ERROR.METHOD_NOT_FOUND, `Method not found: ${JSON.stringify(name.slice(0, 60))}`);
    }
    const args = readParams(name, method.params, request['params']);
    result = await method.run(node, args);
  } catch (error) {
    if (notification) return { reply: undefined, code: undefined };
    if (error instanceof RpcError) return errorOutcome(id, error.code, error.message, v2);
    options.onInternalError?.(String(name), error);
    return errorOutcome(id, RPC_ERROR.INTERNAL_ERROR, `Internal error: ${error instanceof Error ? error.message : String(error)}`, v2);
  }
  if (notification) return { reply: undefined, code: undefined };
  return { reply: v2 ? { jsonrpc: '2.0', result: result ?? null, id } : { result: result ?? null, error: null, id }, code: undefined };
}

function errorOutcome(id: Id, code: number, message: string, v2: boolean): Outcome {
  return { reply: errorReply(id, code, message, v2), code };
}

function errorReply(id: Id, code: number, message: string, v2: boolean): Record<string, unknown> {
  return v2 ? { jsonrpc: '2.0', error: { code, message }, id } : { result: null, error: { code, message }, id };
}

function legacy(reply: Record<string, unknown>): JsonRpcReply {
  const code = (reply['error'] as { code: number }).code;
  return { status: statusOf(code), body: JSON.stringify(reply) };
}

/** Core's HTTP status of a 1.0 reply. */
function statusOf(code: number | undefined): number {
  if (code === undefined) return 200;
  if (code === RPC_ERROR.INVALID_REQUEST) return 400;
  if (code === RPC_ERROR.METHOD_NOT_FOUND) return 404;
  return 500;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
