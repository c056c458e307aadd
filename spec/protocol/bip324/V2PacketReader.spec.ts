import { expect } from 'chai';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import { V2DecryptError } from '../../../lib/protocol/bip324/errors.js';
import { V2PacketReader } from '../../../lib/protocol/bip324/V2PacketReader.js';
import { concat, toHex } from '../bitcoin/helpers.js';
import { establishedPair } from './vectors.js';

describe('protocol/bip324/V2PacketReader', () => {
  it('returns packets one at a time, decoys flagged, only once all their bytes are in', () => {
    const { initiator, responder } = establishedPair(1, NETWORKS.regtest.magic);
    const bytes = concat(initiator.encrypt(Uint8Array.of(1)), initiator.encrypt(new Uint8Array(5), { ignore: true }));
    const reader = new V2PacketReader(responder);
    reader.push(bytes.subarray(0, 2)); // not even the length field
    expect(reader.next()).to.equal(undefined);
    reader.push(bytes.subarray(2, 20)); // first packet (21 bytes) not complete
    expect(reader.next()).to.equal(undefined);
    reader.push(bytes.subarray(20));
    expect(reader.next()).to.deep.include({ ignore: false });
    expect(reader.next()).to.deep.include({ ignore: true });
    expect(reader.next()).to.equal(undefined);
  });

  it('authenticates the first packet with the aad given, and only the first', () => {
    const { initiator, responder } = establishedPair(2, NETWORKS.regtest.magic);
    const garbage = Uint8Array.of(9, 9);
    const reader = new V2PacketReader(responder, { aad: garbage });
    reader.push(concat(initiator.encrypt(Uint8Array.of(1), { aad: garbage }), initiator.encrypt(Uint8Array.of(2))));
    expect(Array.from(reader.next()?.contents ?? [])).to.deep.equal([1]);
    expect(Array.from(reader.next()?.contents ?? [])).to.deep.equal([2]);
  });

  it('fails a first packet sealed without the garbage as aad (V2DecryptError naming packet 0)', () => {
    const { initiator, responder } = establishedPair(3, NETWORKS.regtest.magic);
    const reader = new V2PacketReader(responder, { aad: Uint8Array.of(1) });
    reader.push(initiator.encrypt(Uint8Array.of(1)));
    expect(() => reader.next()).to.throw(V2DecryptError, 'packet 0');
  });

  it('gives back the bytes after the last whole packet with takeRest', () => {
    const { initiator, responder } = establishedPair(4, NETWORKS.regtest.magic);
    const first = initiator.encrypt(Uint8Array.of(1));
    const second = initiator.encrypt(Uint8Array.of(2));
    const reader = new V2PacketReader(responder);
    reader.push(concat(first, second));
    reader.next();
    expect(toHex(reader.takeRest())).to.equal(toHex(second));
  });
});
