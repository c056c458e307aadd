import { expect } from 'chai';
import { bitcoinProtocol } from '../../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import { transportInfo } from '../../../lib/protocol/bip324/transportInfo.js';
import { v2Protocol } from '../../../lib/protocol/bip324/v2Protocol.js';
import { toHex } from '../bitcoin/helpers.js';
import { establishedPair } from './vectors.js';

describe('protocol/bip324/transportInfo', () => {
  it('shows a v1 protocol as Core does: type v1, empty session id', () => {
    expect(transportInfo(bitcoinProtocol())).to.deep.equal({ transport_protocol_type: 'v1', session_id: '' });
  });

  it('shows a v2 session with its session id in hex', () => {
    const { initiator } = establishedPair(5, NETWORKS.regtest.magic);
    expect(transportInfo(v2Protocol(initiator))).to.deep.equal({
      transport_protocol_type: 'v2',
      session_id: toHex(initiator.sessionId),
    });
  });
});
