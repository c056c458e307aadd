import fc from 'fast-check';
import type { MessageDecoder } from '../../../lib/protocol/WireProtocol.js';
import type {
  AddrMessage,
  AddrV2Address,
  AddrV2Network,
  Addrv2Message,
  BitcoinMessage,
  GetblocksMessage,
  GetdataMessage,
  GetheadersMessage,
  HeadersMessage,
  InvVector,
  NetAddress,
  NotfoundMessage,
  PingMessage,
  PongMessage,
  TimestampedNetAddress,
  VersionMessage,
} from '../../../lib/protocol/bitcoin/messages.js';

/** Fixed seed for every fast-check run in the protocol specs. */
export const SEED = 20_261_124;

/** Bytes from hex text; whitespace is ignored so vectors can be laid out field by field. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** Lower-case hex of some bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Concatenates byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** The IPv4-mapped IPv6 bytes of a dotted quad. */
export function ipv4(text: string): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  text.split('.').forEach((part, i) => (out[12 + i] = Number(part)));
  return out;
}

/** Pushes `chunks` in order and returns every message produced. */
export function feed<M>(decoder: MessageDecoder<M>, chunks: Iterable<Uint8Array>): M[] {
  const out: M[] = [];
  for (const chunk of chunks) out.push(...decoder.push(chunk));
  return out;
}

/** Splits `bytes` at the given (sorted, deduplicated) positions. */
export function splitAt(bytes: Uint8Array, positions: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(positions)].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** Calls `fn` and returns what it threw (or fails if it did not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, got none');
}

const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const int32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const uint32 = fc.integer({ min: 0, max: 0xffff_ffff });
const ip16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const port = fc.integer({ min: 0, max: 0xffff });

/** Any encodable {@link NetAddress}. */
export const netAddressArb: fc.Arbitrary<NetAddress> = fc.record({ services: uint64, ip: ip16, port });

/** Any encodable addr entry. */
export const timestampedArb: fc.Arbitrary<TimestampedNetAddress> = fc.record({
  timestamp: uint32,
  services: uint64,
  ip: ip16,
  port,
});

/** Any encodable `version`, with or without its relay byte. */
export const versionArb: fc.Arbitrary<VersionMessage> = fc
  .record({
    protocolVersion: int32,
    services: uint64,
    timestamp: int64,
    addrRecv: netAddressArb,
    addrFrom: netAddressArb,
    nonce: uint64,
    // Up to 64 code points of any plane keeps the UTF-8 form within the 256-byte limit.
    userAgent: fc.string({ unit: 'grapheme', maxLength: 64 }).filter((s) => Buffer.byteLength(s) <= 256),
    startHeight: int32,
    relay: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map(({ relay, ...rest }): VersionMessage =>
    relay === undefined ? { command: 'version', ...rest } : { command: 'version', ...rest, relay },
  );

/** Any `ping`. */
export const pingArb: fc.Arbitrary<PingMessage> = uint64.map((nonce) => ({ command: 'ping', nonce }));

/** Any `pong`. */
export const pongArb: fc.Arbitrary<PongMessage> = uint64.map((nonce) => ({ command: 'pong', nonce }));

/** Any encodable `addr` (kept short so property runs stay fast; the 1,000 bound has its own specs). */
export const addrArb: fc.Arbitrary<AddrMessage> = fc
  .array(timestampedArb, { maxLength: 40 })
  .map((addresses) => ({ command: 'addr', addresses }));

/** Any usable `addrv2` entry: the address has its network's length, and IPv6 / CJDNS ones the prefixes Core accepts. */
export const addrV2Arb: fc.Arbitrary<AddrV2Address> = fc
  .constantFrom<[AddrV2Network, number]>(['ipv4', 4], ['ipv6', 16], ['torv3', 32], ['i2p', 32], ['cjdns', 16])
  .chain(([network, length]) =>
    fc.record({
      timestamp: uint32,
      services: uint64,
      network: fc.constant(network),
      addr: fc.uint8Array({ minLength: length, maxLength: length }).map((addr) => {
        // 0x2a: a global-unicast first byte, so no IPv4-mapped or OnionCat prefix; 0xfc: CJDNS's range.
        if (network === 'ipv6') addr[0] = 0x2a;
        if (network === 'cjdns') addr[0] = 0xfc;
        return addr;
      }),
      port,
    }),
  );

/** Any encodable `addrv2` (as decoded: with `skipped: 0`). */
export const addrv2Arb: fc.Arbitrary<Addrv2Message> = fc
  .array(addrV2Arb, { maxLength: 20 })
  .map((addresses) => ({ command: 'addrv2', addresses, skipped: 0 }));

const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** Any encodable `getheaders` or `getblocks`. */
export const locatorArb: fc.Arbitrary<GetheadersMessage | GetblocksMessage> = fc.record({
  command: fc.constantFrom('getheaders' as const, 'getblocks' as const),
  version: uint32,
  locator: fc.array(hash32, { maxLength: 12 }),
  hashStop: hash32,
});

const invVectorArb: fc.Arbitrary<InvVector> = fc.record({ type: uint32, hash: hash32 });

/** Any encodable `getdata` or `notfound`. */
export const inventoryArb: fc.Arbitrary<GetdataMessage | NotfoundMessage> = fc.record({
  command: fc.constantFrom('getdata' as const, 'notfound' as const),
  inventory: fc.array(invVectorArb, { maxLength: 12 }),
});

/** Any encodable `headers`. */
export const headersArb: fc.Arbitrary<HeadersMessage> = fc
  .array(fc.uint8Array({ minLength: 80, maxLength: 80 }), { maxLength: 6 })
  .map((headers) => ({ command: 'headers', headers }));

const UNMODELLED = ['inv', 'tx', 'block', 'feefilter', 'sendcmpct', 'a b', ''] as const;

/** Any message of a command the codec does not model, with a random payload. */
export const rawArb: fc.Arbitrary<BitcoinMessage> = fc.record({
  command: fc.constantFrom(...UNMODELLED),
  payload: fc.uint8Array({ maxLength: 80 }),
});

/** Any message of any kind. */
export const messageArb: fc.Arbitrary<BitcoinMessage> = fc.oneof(
  versionArb,
  pingArb,
  pongArb,
  addrArb,
  addrv2Arb,
  locatorArb,
  inventoryArb,
  headersArb,
  rawArb,
  fc.constantFrom<BitcoinMessage>(
    { command: 'verack' },
    { command: 'getaddr' },
    { command: 'sendheaders' },
    { command: 'wtxidrelay' },
    { command: 'sendaddrv2' },
  ),
);

/** XORs one byte in place (corrupting a frame on purpose). */
export function xorByte(bytes: Uint8Array, at: number, mask: number): void {
  if (at >= bytes.length) throw new RangeError(`no byte ${at} in ${bytes.length}`);
  bytes[at] = (bytes[at] as number) ^ mask;
}
