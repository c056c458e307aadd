import type { BitcoinMessage } from '../../lib/protocol/bitcoin/messages.js';

/** A regtest `version` message from a raw client, for specs that speak to a node by hand. */
export function versionMessage(nonce: bigint, userAgent: string): BitcoinMessage {
  return {
    command: 'version',
    protocolVersion: 70016,
    services: 0n,
    timestamp: 0n,
    addrRecv: { services: 0n, ip: new Uint8Array(16), port: 0 },
    addrFrom: { services: 0n, ip: new Uint8Array(16), port: 0 },
    nonce,
    userAgent,
    startHeight: 0,
    relay: false,
  };
}
