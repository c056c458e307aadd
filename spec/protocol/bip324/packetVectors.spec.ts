import { expect } from 'chai';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { deriveV2Keys } from '../../../lib/protocol/bip324/deriveV2Keys.js';
import { ellswiftDecode } from '../../../lib/protocol/bip324/ellswift.js';
import { V2Cipher } from '../../../lib/protocol/bip324/V2Cipher.js';
import { ellswiftEcdhXonly, v2SharedSecret } from '../../../lib/protocol/bip324/v2Ecdh.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import { hex, toHex } from '../bitcoin/helpers.js';
import { column, readVectors } from './vectors.js';

// BIP324 packet_encoding_test_vectors.csv, every row, checked step by step as the BIP's own
// run_test_vectors.py does: keys, ECDH, derivation, then the in_idx-th packet (so the rows with
// in_idx ≥ 223 go through one or more rekeyings of both ciphers). The vectors use mainnet's magic.
describe('protocol/bip324 packet encoding vectors', () => {
  const rows = readVectors('packet_encoding_test_vectors.csv');

  it('has all 7 rows', () => {
    expect(rows.map((row) => Number(column(row, 'in_idx')))).to.deep.equal([1, 999, 0, 223, 448, 673, 1024]);
  });

  for (const row of rows) {
    const idx = Number(column(row, 'in_idx'));
    const initiating = column(row, 'in_initiating') === '1';
    it(`in_idx ${idx} (${initiating ? 'initiator' : 'responder'}): keys, secret, terminators, session id and ciphertext`, () => {
      const priv = hex(column(row, 'in_priv_ours'));
      const ours = hex(column(row, 'in_ellswift_ours'));
      const theirs = hex(column(row, 'in_ellswift_theirs'));
      expect(toHex(secp256k1.getPublicKey(priv, true).subarray(1))).to.equal(column(row, 'mid_x_ours'));
      expect(toHex(ellswiftDecode(ours))).to.equal(column(row, 'mid_x_ours'));
      expect(toHex(ellswiftDecode(theirs))).to.equal(column(row, 'mid_x_theirs'));
      expect(toHex(ellswiftEcdhXonly(theirs, priv))).to.equal(column(row, 'mid_x_shared'));
      const secret = v2SharedSecret(priv, theirs, ours, initiating);
      expect(toHex(secret)).to.equal(column(row, 'mid_shared_secret'));

      const keys = deriveV2Keys(secret, NETWORKS.mainnet.magic);
      expect(toHex(keys.initiatorL)).to.equal(column(row, 'mid_initiator_l'));
      expect(toHex(keys.initiatorP)).to.equal(column(row, 'mid_initiator_p'));
      expect(toHex(keys.responderL)).to.equal(column(row, 'mid_responder_l'));
      expect(toHex(keys.responderP)).to.equal(column(row, 'mid_responder_p'));
      expect(toHex(keys.sessionId)).to.equal(column(row, 'out_session_id'));

      const cipher = new V2Cipher(keys, initiating);
      expect(toHex(cipher.sendGarbageTerminator)).to.equal(column(row, 'mid_send_garbage_terminator'));
      expect(toHex(cipher.recvGarbageTerminator)).to.equal(column(row, 'mid_recv_garbage_terminator'));
      for (let i = 0; i < idx; i += 1) cipher.encrypt(new Uint8Array(0));
      const unit = hex(column(row, 'in_contents'));
      const times = Number(column(row, 'in_multiply'));
      const contents = new Uint8Array(unit.length * times);
      for (let i = 0; i < times; i += 1) contents.set(unit, i * unit.length);
      const ciphertext = toHex(
        cipher.encrypt(contents, {
          aad: hex(column(row, 'in_aad')),
          ignore: column(row, 'in_ignore') === '1',
        }),
      );
      const exact = column(row, 'out_ciphertext');
      const suffix = column(row, 'out_ciphertext_endswith');
      expect(exact !== '' || suffix !== '').to.equal(true);
      if (exact !== '') expect(ciphertext).to.equal(exact);
      if (suffix !== '') expect(ciphertext.endsWith(suffix)).to.equal(true);
    });
  }
});
