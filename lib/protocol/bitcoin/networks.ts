import { createHash } from 'node:crypto';
import { encodeVarInt } from './varint.js';

/**
 * What the wire protocol needs to know about a Bitcoin network: its message-start magic and the
 * port its nodes listen on by default.
 *
 * @example
 * ```ts
 * const { magic, defaultPort } = NETWORKS.regtest; // 0xdab5bffa, 18444
 * ```
 */
export interface BitcoinNetwork {
  /** Short name, as in `bitcoind -chain=<name>` (except `testnet3`, which Core calls `test`). */
  readonly name: string;
  /**
   * The 4 message-start bytes that open every frame, read as a little-endian uint32: mainnet sends
   * `f9 be b4 d9` on the wire, which reads as `0xd9b4bef9`.
   */
  readonly magic: number;
  /** The default P2P listening port. */
  readonly defaultPort: number;
}

// Source for all values: Bitcoin Core src/kernel/chainparams.cpp (pchMessageStart, nDefaultPort),
// cross-checked with btcd wire/protocol.go (MainNet 0xd9b4bef9, TestNet3 0x0709110b,
// TestNet (regtest) 0xdab5bffa, SigNet 0x40cf030a). The signet value is not written down in Core:
// it is derived from the default challenge (see `signetMagic`), and a spec recomputes it.

/**
 * The built-in Bitcoin networks, keyed by name. `testnet4` (BIP94, Bitcoin Core 28+) is included
 * next to the long-standing four.
 *
 * | network  | wire bytes    | magic        | port  |
 * |----------|---------------|--------------|-------|
 * | mainnet  | `f9 be b4 d9` | `0xd9b4bef9` | 8333  |
 * | testnet3 | `0b 11 09 07` | `0x0709110b` | 18333 |
 * | testnet4 | `1c 16 3f 28` | `0x283f161c` | 48333 |
 * | regtest  | `fa bf b5 da` | `0xdab5bffa` | 18444 |
 * | signet   | `0a 03 cf 40` | `0x40cf030a` | 38333 |
 *
 * @example
 * ```ts
 * const protocol = bitcoinProtocol({ magic: NETWORKS.regtest.magic });
 * ```
 */
export const NETWORKS = {
  mainnet: { name: 'mainnet', magic: 0xd9b4bef9, defaultPort: 8333 },
  testnet3: { name: 'testnet3', magic: 0x0709110b, defaultPort: 18333 },
  testnet4: { name: 'testnet4', magic: 0x283f161c, defaultPort: 48333 },
  regtest: { name: 'regtest', magic: 0xdab5bffa, defaultPort: 18444 },
  signet: { name: 'signet', magic: 0x40cf030a, defaultPort: 38333 },
} as const satisfies Record<string, BitcoinNetwork>;

/**
 * The name of a built-in network, a key of {@link NETWORKS}.
 *
 * @example
 * ```ts
 * const chain: BitcoinNetworkName = 'regtest';
 * ```
 */
export type BitcoinNetworkName = keyof typeof NETWORKS;

/**
 * The built-in network whose magic is `magic`, or `undefined`: lets an error say that a peer is on
 * testnet rather than merely "wrong magic".
 *
 * @example
 * ```ts
 * networkByMagic(0x0709110b)?.name; // 'testnet3'
 * networkByMagic(0x12345678);       // undefined
 * ```
 */
export function networkByMagic(magic: number): BitcoinNetwork | undefined {
  return Object.values(NETWORKS).find((network) => network.magic === magic);
}

/**
 * The magic of a signet with the given block challenge (a script), as Bitcoin Core derives it
 * (BIP325): the first 4 bytes of SHA256(SHA256(compact-size length ‖ challenge)), read little-endian.
 * Custom signets have their own magic, so a node joining one needs this.
 *
 * @example
 * ```ts
 * const magic = signetMagic(Buffer.from('5121…52ae', 'hex')); // the default challenge → 0x40cf030a
 * ```
 */
export function signetMagic(challenge: Uint8Array): number {
  // The challenge is hashed as a serialized byte vector: CompactSize length, then the bytes.
  const once = createHash('sha256').update(encodeVarInt(challenge.length)).update(challenge).digest();
  const twice = createHash('sha256').update(once).digest();
  return twice.readUInt32LE(0);
}
