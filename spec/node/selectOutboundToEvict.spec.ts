import { expect } from 'chai';
import { ConnReq } from '../../lib/model/ConnReq.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { outboundConnectionType } from '../../lib/node/connectionType.js';
import type { PeerInfo } from '../../lib/node/PeerInfo.js';
import { selectOutboundToEvict } from '../../lib/node/selectOutboundToEvict.js';

/** An outbound full-relay peer: id, handshake time, last useful message (none if undefined). */
function peer(id: number, since: number, lastUseful?: number, permanent = false): PeerInfo {
  return {
    id,
    key: `out#${id}`,
    direction: 'outbound',
    connectionType: permanent ? 'manual' : 'outbound-full-relay',
    remote: SocketAddress.parse(`10.0.0.${id}:8333`),
    permanent,
    userAgent: '',
    startHeight: 0,
    services: 0n,
    version: 70016,
    permissions: [],
    since,
    ...(lastUseful === undefined ? {} : { lastUseful }),
    bytesSent: 0,
    bytesRecv: 0,
    transport: 'v1',
    sessionId: '',
  };
}

describe('selectOutboundToEvict (Core: evict the extra outbound peer least useful)', () => {
  it('the oldest useful message loses; one that never sent any loses first', () => {
    expect(selectOutboundToEvict([peer(1, 0, 50), peer(2, 10, 20), peer(3, 30)])?.id).to.equal(2);
    expect(selectOutboundToEvict([peer(1, 0, 50), peer(2, 10), peer(3, 30, 99)])?.id).to.equal(2);
  });

  it('never the newest peer, even when it never sent anything useful', () => {
    expect(selectOutboundToEvict([peer(1, 0, 50), peer(2, 10, 60), peer(3, 30)])?.id).to.equal(1);
  });

  it('never a manual peer', () => {
    expect(selectOutboundToEvict([peer(1, 0, undefined, true), peer(2, 10, 60), peer(3, 30)])?.id).to.equal(2);
  });

  it('among equals, the youngest goes (Core: the highest id)', () => {
    expect(selectOutboundToEvict([peer(1, 0), peer(2, 5), peer(3, 5), peer(4, 40)])?.id).to.equal(3);
  });

  it('nobody when only the newest or manual peers are left', () => {
    expect(selectOutboundToEvict([])).to.equal(undefined);
    expect(selectOutboundToEvict([peer(1, 0)])).to.equal(undefined);
    expect(selectOutboundToEvict([peer(1, 0, undefined, true), peer(2, 5)])).to.equal(undefined);
  });
});

describe('outboundConnectionType (Core’s connection_type of an outbound request)', () => {
  const addr = SocketAddress.parse('10.0.0.1:8333');
  it('permanent → manual; a class → its type; the default class → full-relay if automatic, else manual (onetry)', () => {
    expect(outboundConnectionType(new ConnReq(addr, { permanent: true }), false)).to.equal('manual');
    expect(outboundConnectionType(new ConnReq(addr, { connClass: 'block-relay-only' }), true)).to.equal('block-relay-only');
    expect(outboundConnectionType(new ConnReq(addr, { connClass: 'feeler' }), false)).to.equal('feeler');
    expect(outboundConnectionType(new ConnReq(addr, { connClass: 'addr-fetch' }), false)).to.equal('addr-fetch');
    expect(outboundConnectionType(new ConnReq(undefined), true)).to.equal('outbound-full-relay');
    expect(outboundConnectionType(new ConnReq(addr), false)).to.equal('manual');
    expect(outboundConnectionType(new ConnReq(addr, { connClass: 'other' }), false)).to.equal('manual');
  });
});
