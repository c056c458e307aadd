import { expect } from 'chai';
import { FSChaCha20 } from '../../../lib/protocol/bip324/FSChaCha20.js';
import { FSChaCha20Poly1305 } from '../../../lib/protocol/bip324/FSChaCha20Poly1305.js';
import { toHex } from '../bitcoin/helpers.js';

// The byte-exact checks (both ciphers through several rekeyings) are the BIP's packet vectors in
// packetVectors.spec.ts; these pin the behaviour around them.
describe('protocol/bip324/FSChaCha20Poly1305 and FSChaCha20', () => {
  const key = new Uint8Array(32).fill(7);

  it('a receiver with the same key opens 500 packets in a row, across rekeyings', () => {
    const send = new FSChaCha20Poly1305(key);
    const receive = new FSChaCha20Poly1305(key);
    for (let i = 0; i < 500; i += 1) {
      const plaintext = Uint8Array.of(i & 0xff, i >> 8);
      expect(toHex(receive.decrypt(Uint8Array.of(1), send.encrypt(Uint8Array.of(1), plaintext)) ?? new Uint8Array(0))).to.equal(
        toHex(plaintext),
      );
    }
  });

  it('never reuses a nonce: the same plaintext encrypts differently each time', () => {
    const send = new FSChaCha20Poly1305(key);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i += 1) seen.add(toHex(send.encrypt(new Uint8Array(0), new Uint8Array(4))));
    expect(seen.size).to.equal(300);
  });

  it('returns undefined for a tampered packet, a wrong aad or a packet shorter than the tag, and moves on', () => {
    const send = new FSChaCha20Poly1305(key);
    const receive = new FSChaCha20Poly1305(key);
    const sealed = send.encrypt(new Uint8Array(0), Uint8Array.of(1, 2, 3));
    sealed[0] = (sealed[0] as number) ^ 1;
    expect(receive.decrypt(new Uint8Array(0), sealed)).to.equal(undefined);
    expect(receive.decrypt(Uint8Array.of(9), send.encrypt(new Uint8Array(0), Uint8Array.of(4)))).to.equal(undefined);
    expect(receive.decrypt(new Uint8Array(0), new Uint8Array(15))).to.equal(undefined);
    send.encrypt(new Uint8Array(0), new Uint8Array(0)); // the packet the short one stood for
    // The counter advanced on every failure, so the next good packet still opens.
    expect(Array.from(receive.decrypt(new Uint8Array(0), send.encrypt(new Uint8Array(0), Uint8Array.of(5))) ?? [])).to.deep.equal([5]);
  });

  it('FSChaCha20: decryption is encryption, chunk by chunk, across rekeyings', () => {
    const a = new FSChaCha20(key);
    const b = new FSChaCha20(key);
    for (let i = 0; i < 500; i += 1) {
      const chunk = Uint8Array.of(i & 0xff, 1, 2);
      expect(toHex(b.crypt(a.crypt(chunk)))).to.equal(toHex(chunk));
    }
  });

  it('rejects keys that are not 32 bytes with a RangeError naming the length', () => {
    expect(() => new FSChaCha20Poly1305(new Uint8Array(31))).to.throw(RangeError, 'got 31');
    expect(() => new FSChaCha20(new Uint8Array(33))).to.throw(RangeError, 'got 33');
  });
});
