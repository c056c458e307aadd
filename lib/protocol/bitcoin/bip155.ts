/**
 * BIP155's table of networks: the id each has in `addrv2` and the length its addresses must have.
 *
 * @packageDocumentation
 */
import type { AddrV2Network } from './messages.js';

/**
 * The networks this codec decodes, with their BIP155 network id and address length in bytes.
 *
 * @example
 * ```ts
 * BIP155_NETWORKS.torv3; // { id: 4, length: 32 }
 * ```
 */
export const BIP155_NETWORKS: Readonly<Record<AddrV2Network, { readonly id: number; readonly length: number }>> = Object.freeze({
  ipv4: { id: 1, length: 4 },
  ipv6: { id: 2, length: 16 },
  torv3: { id: 4, length: 32 },
  i2p: { id: 5, length: 32 },
  cjdns: { id: 6, length: 16 },
});

/** TorV2's id (10-byte addresses): ignored on receive, never sent (BIP155, Core 22+). */
export const BIP155_TORV2_ID = 3;

/** The longest address field BIP155 allows, whatever the network: 512 bytes. Longer is a malformed message. */
export const MAX_ADDRV2_ADDRESS_LENGTH = 512;

const BY_ID: ReadonlyMap<number, AddrV2Network> = new Map(
  Object.entries(BIP155_NETWORKS).map(([name, { id }]) => [id, name as AddrV2Network]),
);

/**
 * The network of a BIP155 id, or `undefined` for TorV2 and ids this codec does not know.
 *
 * @example
 * ```ts
 * bip155Network(5); // 'i2p'
 * bip155Network(3); // undefined (TorV2)
 * ```
 */
export function bip155Network(id: number): AddrV2Network | undefined {
  return BY_ID.get(id);
}

const IPV4_IN_IPV6 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff);
const ONIONCAT = Uint8Array.of(0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43);

/**
 * Whether a well-formed entry is one Core would use: an `ipv6` entry must not carry an IPv4-mapped
 * (`::ffff:0:0/96`) or OnionCat (`fd87:d87e:eb43::/48`, old Tor) address — those have their own
 * ids — and a `cjdns` one must be in `fc00::/8`. Other entries are usable.
 *
 * @example
 * ```ts
 * isUsableAddrV2('cjdns', Uint8Array.of(0xfc, ...new Uint8Array(15))); // true
 * ```
 */
export function isUsableAddrV2(network: AddrV2Network, addr: Uint8Array): boolean {
  if (network === 'cjdns') return addr[0] === 0xfc;
  if (network === 'ipv6') return !startsWith(addr, IPV4_IN_IPV6) && !startsWith(addr, ONIONCAT);
  return true;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
