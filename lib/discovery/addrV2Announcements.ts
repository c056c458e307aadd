/**
 * From an `addrv2` message's entries to what the address book takes.
 *
 * @packageDocumentation
 */
import type { AddressAnnouncement, OverlayAnnouncement } from '../addr/AddressBook.js';
import { OverlayAddress } from '../addr/OverlayAddress.js';
import { InvalidAddressError } from '../net/InvalidAddressError.js';
import { SocketAddress } from '../net/SocketAddress.js';
import type { AddrV2Address } from '../protocol/bitcoin/messages.js';

/**
 * The entries of an `addrv2` message, split by what the book does with
 * them: `ip` for `AddressBook.add`, `overlay` for `AddressBook.addOverlay`.
 * `invalid` counts entries that are not addresses at all (a hand-built
 * message with a bad length or port; decoded messages never have them).
 *
 * @example
 * ```ts
 * const { ip, overlay } = addrV2Announcements(message.addresses);
 * ```
 */
export interface AddrV2Split {
  readonly ip: AddressAnnouncement[];
  readonly overlay: OverlayAnnouncement[];
  readonly invalid: number;
}

/**
 * One `addrv2` entry converted for the book: `{ ip }` for an IPv4 or IPv6
 * entry, `{ overlay }` for TorV3, I2P and CJDNS; `undefined` when it is not
 * an address at all (a bad length, port or network). The timestamp goes from
 * seconds to milliseconds (the book clamps implausible ones).
 *
 * @param entry - one entry of a decoded `addrv2`.
 * @returns the announcement, tagged by kind, or `undefined`.
 * @example
 * ```ts
 * addrV2Announcement({ timestamp: 1, services: 1n, network: 'ipv4', addr: Uint8Array.of(1, 2, 3, 4), port: 8333 });
 * // { ip: { addr: 1.2.3.4:8333, services: 1n, timestamp: 1000 } }
 * ```
 */
export function addrV2Announcement(
  entry: AddrV2Address,
): { readonly ip: AddressAnnouncement } | { readonly overlay: OverlayAnnouncement } | undefined {
  const { network, addr, port, services, timestamp } = entry;
  const facts = { services, timestamp: timestamp * 1000 };
  try {
    if (network === 'ipv4' || network === 'ipv6') {
      if (!(addr instanceof Uint8Array) || addr.length !== (network === 'ipv4' ? 4 : 16)) return undefined;
      const bytes16 = network === 'ipv4' ? Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...addr) : addr;
      return { ip: { addr: SocketAddress.fromBytes16(bytes16, port), ...facts } };
    }
    return { overlay: { addr: OverlayAddress.fromBytes(network, addr, port), ...facts } };
  } catch (error) {
    if (error instanceof InvalidAddressError) return undefined;
    throw error;
  }
}

/**
 * Converts `addrv2` entries for the book with {@link addrV2Announcement}:
 * IPv4 and IPv6 entries become socket addresses, TorV3, I2P and CJDNS ones
 * {@link OverlayAddress}es. Order is kept within each list.
 *
 * @param addresses - the `addresses` of a decoded `addrv2`.
 * @returns see {@link AddrV2Split}.
 * @example
 * ```ts
 * const { ip, overlay } = addrV2Announcements(message.addresses.slice(0, accepted));
 * book.add(ip, peer.address);
 * book.addOverlay(overlay, peer.address);
 * ```
 */
export function addrV2Announcements(addresses: readonly AddrV2Address[]): AddrV2Split {
  const ip: AddressAnnouncement[] = [];
  const overlay: OverlayAnnouncement[] = [];
  let invalid = 0;
  for (const entry of addresses) {
    const converted = addrV2Announcement(entry);
    if (converted === undefined) invalid += 1;
    else if ('ip' in converted) ip.push(converted.ip);
    else overlay.push(converted.overlay);
  }
  return { ip, overlay, invalid };
}
