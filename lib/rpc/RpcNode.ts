import type { BanEntry } from '../ban/BanEntry.js';

/**
 * Core's `connection_type` of a peer (getpeerinfo).
 */
export type RpcConnectionType = 'outbound-full-relay' | 'block-relay-only' | 'inbound' | 'manual' | 'addr-fetch' | 'feeler';

/**
 * One connected peer as the RPC methods need it. Times are ms on the node's clock
 * ({@link RpcNode.now}); the fields a node does not track are optional and shown as Core's zero.
 */
export interface RpcPeer {
  /** Unique among the node's peers, stable while the peer is connected (Core's `nodeid`). */
  readonly id: number;
  /** `host:port` (`[v6]:port`) of the remote end. */
  readonly addr: string;
  readonly inbound: boolean;
  readonly connectionType: RpcConnectionType;
  /** The peer's user agent (`subver`). */
  readonly subver: string;
  /** When the connection was made, ms. */
  readonly connectedAt: number;
  readonly startingHeight: number;
  /** The peer's advertised service bits. Default 0. */
  readonly services?: bigint;
  /** Its protocol version. Default 0. */
  readonly version?: number;
  /** Last ping round trip and best one, ms. Omitted from the reply when unknown (Core). */
  readonly pingMs?: number;
  readonly minPingMs?: number;
  readonly bytesSent?: number;
  readonly bytesRecv?: number;
  /** Its misbehaviour score. Default 0. */
  readonly banScore?: number;
  /** Its permission flags (`noban`, …). Default none. */
  readonly permissions?: readonly string[];
  /** `'v1'` (plaintext) or `'v2'` (BIP324): getpeerinfo's `transport_protocol_type`. Default `'v1'`. */
  readonly transport?: 'v1' | 'v2';
  /** The BIP324 session id (64 hex digits), `''` on v1: getpeerinfo's `session_id`. Default `''`. */
  readonly sessionId?: string;
}

/** One address of the node's address book (getnodeaddresses). */
export interface RpcKnownAddress {
  /** IP (no port, no brackets). */
  readonly host: string;
  readonly port: number;
  readonly services: bigint;
  /** When it was last known alive, ms. */
  readonly time: number;
}

/** The bans the RPC methods manage: the subset of `BanList` they call. */
export interface RpcBans {
  banSubnet(subnet: string, reason?: string, duration?: number): BanEntry | undefined;
  unbanSubnet(subnet: string): boolean;
  getSubnet(subnet: string): BanEntry | undefined;
  entries(): BanEntry[];
  clear(): number;
}

/**
 * What the RPC methods need from a node — small on purpose, so any node (or a test double) can
 * serve Core's network RPCs. `peers`, `bans` and `now` are required; each optional member is a
 * capability: a method that needs one the node lacks answers `-32601` naming it.
 */
export interface RpcNode {
  /** The connected (handshaken) peers. */
  peers(): readonly RpcPeer[];
  /** Its ban list (`setban`, `listbanned`, `clearbanned`). */
  readonly bans: RpcBans;
  /** The node's clock in ms — the one its ban list uses. */
  now(): number;
  /** For getnetworkinfo; missing fields take Core-like defaults. */
  networkInfo?(): {
    readonly version?: number;
    readonly subversion?: string;
    readonly protocolVersion?: number;
    readonly localServices?: bigint;
  };
  /** Closes the peer with this id; `false` if there is none. */
  disconnect?(id: number): boolean;
  /** `addnode add`: a permanent peer. `false` if it is already added. Throws for a bad address. */
  addNode?(address: string): boolean;
  /** `addnode remove`. `false` if it was not added. */
  removeNode?(address: string): boolean;
  /** `addnode onetry`: one connection attempt, not retried. */
  tryNode?(address: string): void;
  /** The added (permanent) peers, as `host:port`. */
  addedNodes?(): readonly string[];
  /** Whether P2P networking is on (getnetworkinfo's `networkactive`). */
  networkActive?(): boolean;
  /** Turns P2P networking on or off; returns the new state. */
  setNetworkActive?(active: boolean): boolean;
  /** The address book. */
  knownAddresses?(): readonly RpcKnownAddress[];
}
