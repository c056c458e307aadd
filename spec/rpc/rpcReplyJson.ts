/** Core's error member of a JSON-RPC reply. */
export interface RpcErrorJson {
  readonly code: number;
  readonly message: string;
}

/**
 * A JSON-RPC reply body as the specs read it. `R` is the shape a spec expects of `result` for the
 * method it called — the spec's own assertions check it; `unknown` unless the spec says. A 1.0
 * reply carries both members (one `null`), a 2.0 reply only one, so both are optional here.
 */
export interface RpcReplyJson<R = unknown> {
  readonly result?: R;
  readonly error?: RpcErrorJson | null;
  readonly id?: unknown;
}

/** Parses one JSON-RPC reply body (not a batch) for a spec to inspect. */
export function parseRpcReply<R = unknown>(text: string): RpcReplyJson<R> {
  return JSON.parse(text) as RpcReplyJson<R>;
}
