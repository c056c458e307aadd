/**
 * An address on an overlay network — Tor v3, I2P, CJDNS — as gossiped in
 * `addrv2` (BIP155): what the address book holds besides IP addresses.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { formatIp, parseIp } from '../net/ipAddress.js';
import { InvalidAddressError } from '../net/InvalidAddressError.js';

/**
 * The overlay networks the book holds: BIP155's TorV3 (id 4), I2P (5) and CJDNS (6).
 *
 * @example
 * ```ts
 * const network: OverlayNetwork = 'i2p';
 * ```
 */
export type OverlayNetwork = 'torv3' | 'i2p' | 'cjdns';

/** Address length of each overlay network, in bytes (BIP155). */
const LENGTH: Readonly<Record<OverlayNetwork, number>> = { torv3: 32, i2p: 32, cjdns: 16 };
/** BIP155 network ids, used to keep the hashing keys of the networks apart. */
const ID: Readonly<Record<OverlayNetwork, number>> = { torv3: 4, i2p: 5, cjdns: 6 };

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const TORV3_VERSION = 3;

/** RFC 4648 base32, lower case, no padding (the form of `.onion` and `.b32.i2p` names). */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** The inverse of {@link base32}, or `undefined` for a character outside the alphabet or stray trailing bits. */
function unbase32(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const digit = BASE32.indexOf(char);
    if (digit < 0) return undefined;
    value = ((value << 5) | digit) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  // Leftover bits must be zero padding, so that each name has one spelling.
  if ((value & ((1 << bits) - 1)) !== 0) return undefined;
  return Uint8Array.from(out);
}

/** Tor's v3 checksum: the first 2 bytes of SHA3-256(".onion checksum" | pubkey | version). */
function torChecksum(pubkey: Uint8Array): Uint8Array {
  const hash = createHash('sha3-256').update('.onion checksum').update(pubkey).update(Uint8Array.of(TORV3_VERSION)).digest();
  return new Uint8Array(hash.subarray(0, 2));
}

/**
 * One overlay address: its network, its BIP155 address bytes and its port.
 * Immutable and canonical, like `SocketAddress`: two equal addresses have
 * the same {@link OverlayAddress.toString}.
 *
 * Text forms ({@link OverlayAddress.host}): Tor v3 as its `.onion` name
 * (base32 of key, checksum and version, BIP155 appendix B), I2P as its
 * `.b32.i2p` name (base32 of the 32-byte hash, appendix C), CJDNS as its
 * fc00::/8 IPv6 text (appendix D).
 *
 * @example
 * ```ts
 * const onion = OverlayAddress.parse('2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion:8333');
 * onion.network; // 'torv3'
 * OverlayAddress.fromBytes('torv3', onion.bytes, 8333).toString() === onion.toString(); // true
 * ```
 */
export class OverlayAddress {
  readonly #bytes: Uint8Array;
  /** The dialable host text: an `.onion` or `.b32.i2p` name, or a CJDNS IPv6 literal (no brackets). */
  readonly host: string;

  private constructor(
    /** The network. */
    readonly network: OverlayNetwork,
    bytes: Uint8Array,
    /** The port, 0–65535 (0 on I2P, which has none). */
    readonly port: number,
  ) {
    this.#bytes = Uint8Array.from(bytes);
    this.host = OverlayAddress.#hostOf(network, this.#bytes);
    Object.freeze(this);
  }

  /**
   * An address from its BIP155 form, e.g. an `addrv2` entry's `network`, `addr` and `port`.
   *
   * @throws InvalidAddressError when the length is not the network's (32, 32, 16), a CJDNS
   *   address is outside fc00::/8, or the port is not an integer 0–65535.
   * @example
   * ```ts
   * OverlayAddress.fromBytes('cjdns', Uint8Array.of(0xfc, ...new Uint8Array(14), 1), 8333).toString(); // '[fc00::1]:8333'
   * ```
   */
  static fromBytes(network: OverlayNetwork, bytes: Uint8Array, port: number): OverlayAddress {
    const length = Object.hasOwn(LENGTH, network) ? LENGTH[network] : undefined;
    if (length === undefined) throw new InvalidAddressError(String(network), 'not an overlay network (torv3, i2p, cjdns)');
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      throw new InvalidAddressError(
        `${network} address`,
        `must be ${length} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`,
      );
    }
    if (network === 'cjdns' && bytes[0] !== 0xfc) throw new InvalidAddressError(formatIp(bytes), 'a CJDNS address is in fc00::/8');
    if (!Number.isInteger(port) || port < 0 || port > 0xffff)
      throw new InvalidAddressError(String(port), 'the port must be an integer 0–65535');
    return new OverlayAddress(network, bytes, port);
  }

  /**
   * An address from its text, `host:port`: `<56 base32>.onion:port` (Tor v3; the checksum and
   * version are checked), `<52 base32>.b32.i2p:port`, or `[fcxx:…]:port` (CJDNS, which looks like
   * IPv6 and so must be asked for with `network: 'cjdns'`).
   *
   * @param text - the address text.
   * @param network - required for CJDNS; for the others it is inferred from the name.
   * @throws InvalidAddressError naming the text and what is wrong with it.
   * @example
   * ```ts
   * OverlayAddress.parse('[fc00::1]:8333', 'cjdns').network; // 'cjdns'
   * ```
   */
  static parse(text: string, network?: OverlayNetwork): OverlayAddress {
    if (typeof text !== 'string') throw new InvalidAddressError(String(text), 'not a string');
    const match = /^(?:\[([0-9a-f:]+)\]|([a-z2-7]+)\.(onion|b32\.i2p)):(\d{1,5})$/.exec(text);
    if (match === null) throw new InvalidAddressError(text, 'expected <name>.onion:port, <name>.b32.i2p:port or [fc..]:port (lower case)');
    const [, ip, name, suffix, portText] = match;
    const port = Number(portText);
    if (ip !== undefined) {
      const bytes = parseIp(ip);
      if (network !== 'cjdns' || bytes === undefined || bytes.length !== 16)
        throw new InvalidAddressError(text, 'an IPv6 literal is an overlay address only as CJDNS');
      return OverlayAddress.fromBytes('cjdns', bytes, port);
    }
    const decoded = unbase32(name ?? '');
    if (suffix === 'b32.i2p') {
      if (decoded === undefined || (name ?? '').length !== 52) throw new InvalidAddressError(text, 'an I2P name is 52 base32 characters');
      return OverlayAddress.fromBytes('i2p', decoded, port);
    }
    if (decoded === undefined || decoded.length !== 35) throw new InvalidAddressError(text, 'a Tor v3 name is 56 base32 characters');
    const pubkey = decoded.subarray(0, 32);
    const checksum = torChecksum(pubkey);
    if (decoded[34] !== TORV3_VERSION || decoded[32] !== checksum[0] || decoded[33] !== checksum[1]) {
      throw new InvalidAddressError(text, 'bad Tor v3 checksum or version');
    }
    return OverlayAddress.fromBytes('torv3', pubkey, port);
  }

  /** The BIP155 address bytes (a copy). */
  get bytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  /**
   * The bytes the address book hashes to place the address: BIP155 id, address, port big-endian.
   * Their lengths (35 or 19) differ from an IP key's (18), so no overlay and IP address share a key.
   */
  keyBytes(): Uint8Array {
    const key = new Uint8Array(1 + this.#bytes.length + 2);
    key[0] = ID[this.network];
    key.set(this.#bytes, 1);
    key[key.length - 2] = (this.port >>> 8) & 0xff;
    key[key.length - 1] = this.port & 0xff;
    return key;
  }

  /** `host:port`, with the CJDNS IPv6 in brackets. */
  toString(): string {
    return this.network === 'cjdns' ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  static #hostOf(network: OverlayNetwork, bytes: Uint8Array): string {
    switch (network) {
      case 'torv3':
        return `${base32(Uint8Array.of(...bytes, ...torChecksum(bytes), TORV3_VERSION))}.onion`;
      case 'i2p':
        return `${base32(bytes)}.b32.i2p`;
      case 'cjdns':
        return formatIp(bytes);
    }
  }
}

/**
 * The network group of an overlay address, as Core's `GetGroup`: the
 * network and the first 4 bits of the address (for CJDNS, whose first byte
 * is the constant fc, the first 12). Overlay addresses are keys or hashes,
 * free to make, so a finer grouping would mean nothing; 16 groups per
 * network is what bounds how many buckets one network's addresses reach.
 *
 * @example
 * ```ts
 * overlayGroup(OverlayAddress.parse('[fc12::1]:8333', 'cjdns')); // 'cjdns:fc1'
 * ```
 */
export function overlayGroup(addr: OverlayAddress): string {
  const bytes = addr.bytes;
  const hex = Array.from(bytes.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${addr.network}:${addr.network === 'cjdns' ? hex.slice(0, 3) : hex.slice(0, 1)}`;
}
