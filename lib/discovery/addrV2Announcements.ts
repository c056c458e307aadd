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
 * Converts `addrv2` entries for the book: IPv4 and IPv6 entries become
 * socket addresses, TorV3, I2P and CJDNS ones {@link OverlayAddress}es;
 * timestamps go from seconds to milliseconds (the book clamps implausible
 * ones). Order is kept within each list, so a rate limit that keeps "the
 * first n" of a message can be applied before or after.
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
  for (const { network, addr, port, services, timestamp } of addresses) {
    const facts = { services, timestamp: timestamp * 1000 };
    try {
      if (network === 'ipv4' || network === 'ipv6') {
        const bytes16 = network === 'ipv4' ? Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...addr) : addr;
        if (addr.length !== (network === 'ipv4' ? 4 : 16)) throw new InvalidAddressError(`${network} of ${addr.length} bytes`, 'wrong length');
        ip.push({ addr: SocketAddress.fromBytes16(bytes16, port), ...facts });
      } else {
        overlay.push({ addr: OverlayAddress.fromBytes(network, addr, port), ...facts });
      }
    } catch (error) {
      if (!(error instanceof InvalidAddressError)) throw error;
      invalid += 1;
    }
  }
  return { ip, overlay, invalid };
}
