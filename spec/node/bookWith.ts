import { AddressBook } from '../../lib/addr/AddressBook.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';

/** A book that knows one address and the services it advertises (as if learnt from a peer). */
export function bookWith(addr: string, services: bigint): AddressBook {
  const book = new AddressBook();
  book.add([{ addr: SocketAddress.parse(addr), services }], SocketAddress.parse('127.0.0.250:1'));
  return book;
}
