/**
 * A node operator's JSON-RPC server, Bitcoin Core-compatible: {@link RpcServer} (HTTP, cookie or
 * user/password auth, size and time limits), Core's network methods ({@link RPC_METHODS}) over a
 * small {@link RpcNode} interface, and {@link bindNode} to serve a running `Node`.
 *
 * @example
 * ```ts
 * import { RpcServer, bindNode } from 'rx-connmgr/rpc';
 * const rpc = new RpcServer({ node: bindNode(node), auth: { cookieFile: '.cookie' } });
 * await rpc.start();
 * ```
 * @packageDocumentation
 */
export { RpcServer } from './RpcServer.js';
export type { RpcServerOptions, RpcAuth, MetricsSource } from './RpcServer.js';
export { RPC_METHODS } from './rpcMethods.js';
export type { RpcMethod } from './rpcMethods.js';
export { handleJsonRpc } from './handleJsonRpc.js';
export type { JsonRpcReply, HandleJsonRpcOptions } from './handleJsonRpc.js';
export { readParams, MAX_PARAM_STRING } from './readParams.js';
export type { ParamSpec, ParamType } from './readParams.js';
export { RpcError, RPC_ERROR } from './RpcError.js';
export type { RpcNode, RpcPeer, RpcBans, RpcKnownAddress, RpcConnectionType } from './RpcNode.js';
export { bindNode } from './bindNode.js';
export { writeRpcCookie, removeRpcCookie, COOKIE_USER } from './rpcCookie.js';
export { checkBasicAuth } from './checkBasicAuth.js';
