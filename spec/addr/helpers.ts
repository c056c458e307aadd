/**
 * Deterministic fixtures for the address book specs: a seeded generator, a
 * fixed key, a settable clock and public IPv4 addresses.
 */
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { AddressBook, type AddressBookOptions } from '../../lib/addr/AddressBook.js';

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-byte key filled with `byte`. */
export function fixedKey(byte = 7): Uint8Array {
  return new Uint8Array(32).fill(byte);
}

/** A clock the spec moves by hand. */
export class Clock {
  constructor(public time = 1_700_000_000_000) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/**
 * First octets of ordinary unicast space: no 0, 10, 100 (CGNAT lives there),
 * 127, 169, 172, 192, 198, 203 (private, test and benchmark ranges) or 224+.
 */
const PUBLIC_FIRST_OCTETS = Array.from({ length: 223 }, (_, i) => i + 1).filter(
  (a) => ![10, 100, 127, 169, 172, 192, 198, 203].includes(a),
);

/** Address number `i` (i < 65,536) inside the /16 `a.b`. */
export function inGroup(a: number, b: number, i: number, port = 8333): SocketAddress {
  return SocketAddress.from(`${a}.${b}.${(i >>> 8) & 255}.${i & 255}`, port);
}

/** An address in /16 number `g` (a distinct public /16 for each g < 54,000 or so). */
export function inSpreadGroup(g: number, i = 1, port = 8333): SocketAddress {
  const a = PUBLIC_FIRST_OCTETS[g % PUBLIC_FIRST_OCTETS.length] as number;
  const b = Math.floor(g / PUBLIC_FIRST_OCTETS.length) % 256;
  return inGroup(a, b, i, port);
}

/** A book with a fixed key, a seeded generator and the given clock. */
export function makeBook(clock: Clock, extra: AddressBookOptions = {}): AddressBook {
  return new AddressBook({ key: fixedKey(), now: clock.now, random: seeded(42), ...extra });
}

/** The value, or a failed assertion if it is undefined. */
export function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value, got undefined');
  return value;
}

/** The reason `promise` rejects with, or a failed assertion if it fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
