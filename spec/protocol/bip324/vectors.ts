import { readFileSync } from 'node:fs';
import type { V2Cipher } from '../../../lib/protocol/bip324/V2Cipher.js';
import { V2Handshake } from '../../../lib/protocol/bip324/V2Handshake.js';

/**
 * The rows of one of the BIP324 vector files in `fixtures/` (see its README), as objects keyed by
 * the header. The files have no quoted fields, so a plain split is exact.
 */
export function readVectors(file: string): Record<string, string>[] {
  const text = readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
  const [head, ...rows] = text.trim().split(/\r?\n/);
  const names = (head ?? '').split(',');
  return rows.map((row) => {
    const cells = row.split(',');
    return Object.fromEntries(names.map((name, i) => [name, cells[i] ?? '']));
  });
}

/** The named column of a vector row (fails loudly on a typo). */
export function column(row: Record<string, string>, name: string): string {
  const value = row[name];
  if (value === undefined) throw new Error(`no column ${name}`);
  return value;
}

/** A deterministic "random" source for keys and garbage: xorshift32 bytes from `seed`. */
export function seededRandom(seed: number): (length: number) => Uint8Array {
  // Mixed with a constant: xorshift32 is stuck at 0 when started from 0.
  let state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return (length) =>
    Uint8Array.from({ length }, () => {
      // xorshift32: deterministic and good enough to walk the encoder's retry loop.
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return state & 0xff;
    });
}

/**
 * Two ends of an established v2 session, made by running both handshakes against each other in
 * memory (the initiator's key, the responder's reply, the initiator's terminator and version).
 */
export function establishedPair(seed: number, magic: number): { initiator: V2Cipher; responder: V2Cipher } {
  const initiator = new V2Handshake({ initiating: true, magic, randomBytes: seededRandom(seed), garbageLength: 7 });
  const responder = new V2Handshake({ initiating: false, magic, randomBytes: seededRandom(seed + 1), garbageLength: 9 });
  responder.start();
  const reply = responder.push(initiator.start());
  const answer = initiator.push(reply.send);
  const done = responder.push(answer.send);
  if (answer.outcome?.transport !== 'v2' || done.outcome?.transport !== 'v2') throw new Error('handshake did not complete');
  return { initiator: answer.outcome.cipher, responder: done.outcome.cipher };
}
