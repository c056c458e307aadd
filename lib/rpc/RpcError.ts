/**
 * Bitcoin Core's JSON-RPC error codes (`src/rpc/protocol.h`) used by this server: the JSON-RPC 2.0
 * standard ones and Core's own for the network methods.
 */
export const RPC_ERROR = {
  /** The body is not JSON. */
  PARSE_ERROR: -32700,
  /** JSON, but not a request object (or a batch over the limit). */
  INVALID_REQUEST: -32600,
  /** No such method (or the node does not provide what it needs). */
  METHOD_NOT_FOUND: -32601,
  /** Missing, extra, unknown or mistyped parameters. */
  INVALID_PARAMS: -32602,
  /** The method threw something unexpected. */
  INTERNAL_ERROR: -32603,
  /** A failure with no better code. */
  MISC_ERROR: -1,
  /** A parameter with a valid type but an invalid value. */
  INVALID_PARAMETER: -8,
  /** `addnode add` of a node already added; `setban add` of a subnet already banned. */
  CLIENT_NODE_ALREADY_ADDED: -23,
  /** `addnode remove` / `getaddednodeinfo` of a node never added. */
  CLIENT_NODE_NOT_ADDED: -24,
  /** `disconnectnode` of a peer we are not connected to. */
  CLIENT_NODE_NOT_CONNECTED: -29,
  /** `setban` of text that is no IP or subnet, or `remove` of a subnet not banned. */
  CLIENT_INVALID_IP_OR_SUBNET: -30,
} as const;

/**
 * An error a JSON-RPC method reports to its caller as `{ code, message }` — thrown by methods and
 * parameter checks, turned into the reply's `error` by the server.
 *
 * @example
 * ```ts
 * throw new RpcError(RPC_ERROR.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
 * ```
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    /** The JSON-RPC error code (see {@link RPC_ERROR}). */
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
