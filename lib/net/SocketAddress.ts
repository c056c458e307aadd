/**
 * An IP literal and a port, in one canonical form so that two spellings of
 * the same endpoint compare and hash alike.
 *
 * @packageDocumentation
 */
import { isIPv4, isIPv6 } from 'node:net';
import { InvalidAddressError } from './InvalidAddressError.js';
import { formatIp, parseIp } from './ipAddress.js';

export { InvalidAddressError } from './InvalidAddressError.js';

/** The 12-byte prefix of an IPv4-mapped IPv6 address (`::ffff:0:0/96`). */
const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] as const;

/**
 * An IP literal plus a TCP port. Immutable: every instance is frozen and
 * {@link SocketAddress.toBytes16} hands out a copy.
 *
 * The host is always kept canonical, so {@link SocketAddress.equals} is plain
 * text comparison:
 * - IPv4 in dotted decimal (`1.2.3.4`);
 * - IPv6 in RFC 5952 form: lowercase, no leading zeros, the longest run of two
 *   or more zero groups (the first one on a tie) shortened to `::`, and no
 *   dotted-quad tail;
 * - IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes plain IPv4, because on the
 *   wire and in the kernel they are the same peer.
 *
 * Host names are not accepted (no DNS here), nor IPv6 zone ids (`fe80::1%eth0`),
 * which the 16-byte wire form cannot carry.
 *
 * @example
 * ```ts
 * const a = SocketAddress.parse('[2001:DB8:0:0::1]:8333');
 * a.host;       // '2001:db8::1'
 * a.family;     // 6
 * a.toString(); // '[2001:db8::1]:8333'
 * SocketAddress.from('::ffff:10.0.0.1', 18444).toString(); // '10.0.0.1:18444'
 * ```
 */
export class SocketAddress {
  /** Canonical IP text, without brackets. */
  readonly host: string;
  /** TCP port, an integer in 0..65535 (0 means "any", as in a listen request). */
  readonly port: number;
  /** 4 for IPv4 (including normalised IPv4-mapped IPv6), else 6. */
  readonly family: 4 | 6;
  readonly #bytes: Uint8Array;

  private constructor(bytes: Uint8Array, port: number) {
    this.#bytes = bytes;
    this.port = port;
    if (isV4Mapped(bytes)) {
      this.family = 4;
      this.host = `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
    } else {
      this.family = 6;
      this.host = formatIp(bytes);
    }
    Object.freeze(this);
  }

  /**
   * Reads `host:port` (IPv4) or `[host]:port` (IPv6; the brackets are
   * required, since an unbracketed `::1:8333` is ambiguous). The port is plain
   * decimal without leading zeros.
   *
   * @param text - the address text.
   * @returns the address, with the host canonicalised.
   * @throws {@link InvalidAddressError} naming `text` when it is not of that shape,
   * the host is not an IP literal, or the port is not an integer in 0..65535.
   *
   * @example
   * ```ts
   * SocketAddress.parse('127.0.0.1:18444').port; // 18444
   * SocketAddress.parse('[::1]:8333').host;      // '::1'
   * ```
   */
  static parse(text: string): SocketAddress {
    let host: string;
    let portText: string;
    if (text.startsWith('[')) {
      const close = text.indexOf(']');
      if (close < 0) throw new InvalidAddressError(text, "missing ']'");
      if (text[close + 1] !== ':') throw new InvalidAddressError(text, "expected ':port' after ']'");
      host = text.slice(1, close);
      portText = text.slice(close + 2);
      if (!isIPv6(host)) throw new InvalidAddressError(text, 'the bracketed host is not an IPv6 literal');
    } else {
      const colon = text.lastIndexOf(':');
      if (colon < 0) throw new InvalidAddressError(text, "missing ':port'");
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
      if (host.includes(':')) throw new InvalidAddressError(text, 'an IPv6 host must be written in brackets');
      if (!isIPv4(host)) throw new InvalidAddressError(text, 'the host is not an IPv4 literal');
    }
    // Plain decimal only (no sign, no leading zeros), so every port has one spelling.
    if (!/^(0|[1-9][0-9]{0,4})$/.test(portText)) throw new InvalidAddressError(text, 'the port is not a decimal number');
    const port = Number(portText);
    if (port > 65535) throw new InvalidAddressError(text, 'the port is above 65535');
    const bytes = hostBytes(host);
    if (bytes === undefined) throw new InvalidAddressError(text, 'the host is not an IP literal');
    return new SocketAddress(bytes, port);
  }

  /**
   * Builds an address from a bare IP literal (no brackets) and a port.
   *
   * @param host - an IPv4 or IPv6 literal, in any valid spelling.
   * @param port - an integer in 0..65535.
   * @throws {@link InvalidAddressError} naming the host or the port, whichever is wrong.
   *
   * @example
   * ```ts
   * SocketAddress.from('2001:0DB8::0001', 8333).host; // '2001:db8::1'
   * ```
   */
  static from(host: string, port: number): SocketAddress {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidAddressError(String(port), 'the port is not an integer in 0..65535');
    }
    const bytes = hostBytes(host);
    if (bytes === undefined) throw new InvalidAddressError(host, 'the host is not an IPv4 or IPv6 literal');
    return new SocketAddress(bytes, port);
  }

  /**
   * The inverse of {@link SocketAddress.toBytes16}: the 16-byte IP of the
   * Bitcoin wire format (IPv4 as IPv4-mapped IPv6) and a port.
   *
   * @param bytes - exactly 16 bytes, network order; copied, not kept.
   * @param port - an integer in 0..65535.
   * @throws {@link InvalidAddressError} naming the bytes (as hex) or the port.
   *
   * @example
   * ```ts
   * SocketAddress.fromBytes16(SocketAddress.parse('1.2.3.4:1').toBytes16(), 8333).toString(); // '1.2.3.4:8333'
   * ```
   */
  static fromBytes16(bytes: Uint8Array, port: number): SocketAddress {
    if (bytes.length !== 16) {
      throw new InvalidAddressError(Buffer.from(bytes).toString('hex'), `expected 16 bytes, got ${bytes.length}`);
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidAddressError(String(port), 'the port is not an integer in 0..65535');
    }
    return new SocketAddress(Uint8Array.from(bytes), port);
  }

  /**
   * The IP as 16 bytes in network order, IPv4 as IPv4-mapped IPv6
   * (`::ffff:a.b.c.d`), as the Bitcoin `addr` message carries it.
   *
   * @returns a fresh copy; changing it does not change the address.
   *
   * @example
   * ```ts
   * SocketAddress.parse('1.2.3.4:8333').toBytes16(); // [0,0,0,0,0,0,0,0,0,0,255,255,1,2,3,4]
   * ```
   */
  toBytes16(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  /**
   * Same host and same port. Since hosts are canonical, different spellings
   * of one endpoint are equal.
   *
   * @example
   * ```ts
   * SocketAddress.parse('[::ffff:1.2.3.4]:1').equals(SocketAddress.parse('1.2.3.4:1')); // true
   * ```
   */
  equals(other: SocketAddress): boolean {
    return this.port === other.port && this.host === other.host;
  }

  /**
   * `1.2.3.4:8333` or `[2001:db8::1]:8333`; {@link SocketAddress.parse} reads it back.
   *
   * @example
   * ```ts
   * String(SocketAddress.from('::1', 8333)); // '[::1]:8333'
   * ```
   */
  toString(): string {
    return this.family === 4 ? `${this.host}:${this.port}` : `[${this.host}]:${this.port}`;
  }
}

function isV4Mapped(bytes: Uint8Array): boolean {
  return V4_MAPPED_PREFIX.every((b, i) => bytes[i] === b);
}

/** The 16 bytes of an IP literal (IPv4 as IPv4-mapped IPv6), or undefined when it is not one. */
function hostBytes(host: string): Uint8Array | undefined {
  const bytes = parseIp(host);
  if (bytes === undefined || bytes.length === 16) return bytes;
  const mapped = new Uint8Array(16);
  mapped.set(V4_MAPPED_PREFIX, 0);
  mapped.set(bytes, 12);
  return mapped;
}
