import { expect } from 'chai';
import type { Socket } from 'node:net';
import { sendWrongMagic } from '../../examples/sendWrongMagic.js';
import { InvalidPermissionError } from '../../lib/ban/permissions.js';
import { bitcoinProtocol } from '../../lib/protocol/bitcoin/bitcoinProtocol.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { createNode, type Node } from '../../lib/node/index.js';
import { virtualNodes } from './virtualNodes.js';

/** `sendWrongMagic`, but only on the first handshake: the peer misbehaves once, then behaves. */
function wrongMagicOnce(): (peer: unknown, socket: Socket) => void {
  const send = sendWrongMagic();
  let sent = false;
  return (peer, socket) => {
    if (sent) return;
    sent = true;
    send(peer, socket);
  };
}

/** An `onPeerUp` hook that sends two `addr` messages of 1,000 public addresses each: twice Core's burst. */
function twoFullAddrMessages(): (peer: unknown, socket: Socket) => void {
  const protocol = bitcoinProtocol({ magic: NETWORKS.regtest.magic });
  const message = (from: number) => ({
    command: 'addr' as const,
    addresses: Array.from({ length: 1_000 }, (_, i) => ({
      timestamp: 1_700_000_000,
      services: 1n,
      ip: SocketAddress.from(`11.${(from + i) >> 8}.${(from + i) & 255}.1`, 8333).toBytes16(),
      port: 8333,
    })),
  });
  return (_peer, socket) => {
    socket.write(protocol.encode(message(0)));
    socket.write(protocol.encode(message(1_000)));
  };
}

/**
 * The operator's wiring of a node, in virtual time (MemoryNetwork + VirtualTime): who may be
 * banned automatically, discouragement, the permission table, networking on and off, and the
 * facts `peers()` gives for getpeerinfo.
 */
describe('Node: the operator surface (virtual time)', () => {
  const h = virtualNodes();
  const { of, start } = h;

  describe('misbehaviour: banned, discouraged, or only reported', () => {
    it('a manual (connect) peer that misbehaves is only reported (exempt), never banned, and redialed', async () => {
      const { target } = await start({ host: '127.0.0.3', targetOutbound: 0, onPeerUp: sendWrongMagic() });
      const { node: a } = await start({ host: '127.0.0.2', listen: false, connectPeers: [target] });
      await h.time.until(() => of(a, 'misbehaving').length >= 2, 2_000, 'two misbehaviours reported');
      for (const e of of(a, 'misbehaving'))
        expect(e).to.include({ remote: target, cost: 100, banned: false, discouraged: false, exempt: true });
      expect(a.banList.isBanned('127.0.0.3')).to.equal(false);
      expect(a.banList.scoreOf('127.0.0.3')).to.equal(0);
      expect(of(a, 'peerUp').length).to.be.greaterThan(1); // the permanent request came back
    });

    it('an automatic outbound peer that misbehaves the same way is banned', async () => {
      const { target } = await start({ host: '127.0.0.3', targetOutbound: 0, onPeerUp: sendWrongMagic() });
      const { node: a } = await start({ host: '127.0.0.2', listen: false, targetOutbound: 1, seeds: [target] });
      await h.time.until(() => a.banList.isBanned('127.0.0.3'), 2_000, 'b banned');
      // 100 points per wrong magic, banned above the threshold of 100: on the second.
      expect(of(a, 'misbehaving').map((e) => [e.banned, e.exempt])).to.deep.equal([
        [false, false],
        [true, false],
      ]);
    });

    it('a `noban` host (permissions, or the ban list whitelist) is only reported, and shows `noban` in PeerInfo', async () => {
      const { node: b, target } = await start({ host: '127.0.0.3', targetOutbound: 0, permissions: 'noban,relay@127.0.0.2' });
      const { node: w, target: wTarget } = await start({ host: '127.0.0.5', targetOutbound: 0, bans: { whitelist: ['127.0.0.2'] } });
      await start({ host: '127.0.0.2', listen: false, connectPeers: [target, wTarget], onPeerUp: sendWrongMagic() });
      await h.time.until(() => of(b, 'misbehaving').length >= 1 && of(w, 'misbehaving').length >= 1, 2_000, 'misbehaviour seen');
      for (const node of [b, w]) {
        expect(of(node, 'misbehaving')[0]).to.include({ remote: of(node, 'misbehaving')[0]!.remote, banned: false, exempt: true });
        expect(node.banList.isBanned('127.0.0.2')).to.equal(false);
      }
      expect(of(b, 'peerUp')[0]!.peer.permissions).to.deep.equal(['noban', 'relay']);
      expect(of(w, 'peerUp')[0]!.peer.permissions).to.deep.equal(['noban']);
    });

    it('misbehaviour below the ban threshold discourages the host; loopback only with `discourageLoopback`', async () => {
      const { node: plain, target: plainTarget } = await start({ host: '127.0.0.3', targetOutbound: 0, bans: { threshold: 1_000 } });
      const { node: strict, target } = await start({
        host: '127.0.0.4',
        targetOutbound: 0,
        bans: { threshold: 1_000 },
        discouragement: { discourageLoopback: true },
      });
      await start({ host: '127.0.0.2', listen: false, connectPeers: [plainTarget, target], onPeerUp: sendWrongMagic() });
      await h.time.until(() => of(plain, 'misbehaving').length >= 1 && of(strict, 'misbehaving').length >= 1, 2_000, 'misbehaviour seen');
      expect(of(plain, 'misbehaving')[0]).to.include({ banned: false, discouraged: false, exempt: false });
      expect(plain.discouragement.isDiscouraged('127.0.0.2')).to.equal(false);
      expect(of(strict, 'misbehaving')[0]).to.include({ banned: false, discouraged: true, exempt: false });
      expect(strict.discouragement.isDiscouraged('127.0.0.2')).to.equal(true);
      expect(strict.banList.isBanned('127.0.0.2')).to.equal(false); // discouraged peers are admitted
    });

    it('with inbound full, a discouraged peer is evicted first — where eviction alone would refuse the newcomer', async () => {
      const { node: b, target } = await start({
        host: '127.0.0.3',
        maxPeers: 2,
        targetOutbound: 0,
        bans: { threshold: 1_000 },
        discouragement: { discourageLoopback: true },
      });
      await start({ host: '127.2.0.1', listen: false, connectPeers: [target], onPeerUp: wrongMagicOnce() });
      await h.time.until(() => b.discouragement.isDiscouraged('127.2.0.1'), 1_000, 'discouraged');
      await start({ host: '127.2.1.1', listen: false, connectPeers: [target], retryDuration: 60_000 });
      await h.time.until(() => b.peers().length === 2, 2_000, 'two inbound, the discouraged one back');
      await start({ host: '127.2.2.1', listen: false, connectPeers: [target], retryDuration: 60_000 });
      await h.time.until(() => of(b, 'evicted').length === 1, 1_000, 'an eviction');
      expect(of(b, 'evicted')[0]!.peer.remote.host).to.equal('127.2.0.1');
      expect(of(b, 'refused').filter((e) => e.reason === 'full')).to.deep.equal([]);
    });
  });

  it('forceinbound: a newcomer from the network is admitted by evicting the youngest peer, where others are refused as full', async () => {
    const { node: b, target } = await start({
      host: '127.0.0.3',
      maxPeers: 2,
      targetOutbound: 0,
      permissions: ['forceinbound@127.5.0.0/16'],
    });
    for (let i = 0; i < 2; i++) {
      await start({ host: `127.2.${i}.1`, listen: false, connectPeers: [target], retryDuration: 60_000 });
      await h.time.until(() => b.peers().length === i + 1, 1_000, 'inbound up');
      await h.time.advance(10); // 127.2.1.1 is the younger
    }
    await start({ host: '127.4.0.1', listen: false, connectPeers: [target], retryDuration: 60_000 });
    await h.time.until(() => of(b, 'refused').length === 1, 1_000, 'a plain newcomer refused');
    expect(of(b, 'refused')[0]).to.include({ reason: 'full' });
    await start({ host: '127.5.0.1', listen: false, connectPeers: [target], retryDuration: 60_000 });
    await h.time.until(() => b.peers().some((p) => p.remote.host === '127.5.0.1'), 1_000, 'the forced one up');
    expect(of(b, 'evicted').map((e) => e.peer.remote.host)).to.deep.equal(['127.2.1.1']);
    expect(b.peers().find((p) => p.remote.host === '127.5.0.1')!.permissions).to.deep.equal(['forceinbound']);
  });

  it("addr: a peer with the permission skips the addr rate limits; one without is held to its source group's trickle", async () => {
    const { node: limited, target: t1 } = await start({ host: '127.0.0.3', targetOutbound: 0 });
    const { node: free, target: t2 } = await start({ host: '127.0.0.4', targetOutbound: 0, permissions: 'addr@127.0.0.2' });
    await start({ host: '127.0.0.2', listen: false, connectPeers: [t1, t2], onPeerUp: twoFullAddrMessages() });
    const learned = (node: Node) => of(node, 'addressesLearned').filter((e) => e.origin === 'peer');
    await h.time.until(() => learned(limited).length === 2 && learned(free).length === 2, 1_000, 'both messages read');
    // Unsolicited (the node sent it no getaddr: it dialed us), so its group's allowance is 1 token (Core).
    expect(learned(limited).map((e) => e.announced)).to.deep.equal([1, 0]);
    expect(learned(free).map((e) => e.announced)).to.deep.equal([1_000, 1_000]);
    expect(free.peers()[0]!.permissions).to.deep.equal(['addr']);
  });

  it('a bad permission rule fails at createNode with a typed error naming it', () => {
    expect(() => createNode({ listen: false, permissions: 'nobann@127.0.0.0/8' })).to.throw(InvalidPermissionError, /nobann/);
    expect(() => createNode({ listen: false, permissions: ['noban@127.0.0.0/33'] })).to.throw(InvalidPermissionError, /33/);
  });

  it('setNetworkActive(false) closes every peer, refuses inbound and dials nothing; true brings manual and automatic peers back', async () => {
    const servers: string[] = [];
    for (let i = 0; i < 3; i++) servers.push((await start({ host: `127.0.${10 + i}.1`, targetOutbound: 0 })).target);
    const { node: a, target } = await start({ host: '127.0.0.2', targetOutbound: 2, addPeers: [servers[0]!], seeds: servers.slice(1) });
    await start({ host: '127.0.0.9', listen: false, connectPeers: [target], retryDuration: 100, maxRetryDuration: 100 });
    await h.time.until(() => a.peers().length === 4, 2_000, 'a: 1 manual + 2 automatic + 1 inbound');
    expect(a.networkActive).to.equal(true);
    let dials = 0;
    a.manager.events$.subscribe((e) => e.type === 'dialing' && dials++);

    expect(a.setNetworkActive(false)).to.equal(false);
    await h.time.advance(2_000);
    expect(a.networkActive).to.equal(false);
    expect(a.peers()).to.deep.equal([]);
    expect(dials).to.equal(0);
    expect(of(a, 'refused').map((e) => e.reason)).to.include('networkInactive'); // the inbound peer's redials
    expect(a.addedPeers()).to.deep.equal([servers[0]]); // set aside, not forgotten
    expect(a.addPeer(servers[0]!)).to.equal(false);

    expect(a.setNetworkActive(true)).to.equal(true);
    await h.time.until(() => a.peers().length === 4, 2_000, 'all four back');
    const directions = a.peers().map((p) => `${p.direction}${p.permanent ? '/manual' : ''}`);
    expect(directions.sort()).to.deep.equal(['inbound', 'outbound', 'outbound', 'outbound/manual']);
    expect(a.addedPeers()).to.deep.equal([servers[0]]);
    expect(a.manager.state.automaticCount).to.equal(2); // the target, not more
  });

  it('addPeer/removePeer/addedPeers/tryPeer/disconnectPeer manage manual peers by address and peers by numeric id', async () => {
    const { target: b } = await start({ host: '127.0.0.3', targetOutbound: 0 });
    const { target: c } = await start({ host: '127.0.0.4', targetOutbound: 0 });
    const { node: a } = await start({ host: '127.0.0.2', listen: false, targetOutbound: 0 });
    expect(a.addPeer(b)).to.equal(true);
    expect(a.addPeer(SocketAddress.parse(b))).to.equal(false);
    expect(a.addedPeers()).to.deep.equal([b]);
    a.tryPeer(c);
    await h.time.until(() => a.peers().length === 2, 1_000, 'both up');
    const manual = a.peers().find((p) => p.remote.toString() === b)!;
    expect(manual.permanent).to.equal(true);
    expect(a.disconnectPeer(manual.id)).to.equal(true);
    expect(a.disconnectPeer(999)).to.equal(false);
    await h.time.until(() => a.peers().some((p) => p.remote.toString() === b && p.id !== manual.id), 1_000, 'the manual peer redialed');
    expect(a.removePeer(b)).to.equal(true);
    expect(a.removePeer(b)).to.equal(false);
    await h.time.advance(1_000);
    expect(a.peers().map((p) => p.remote.toString())).to.deep.equal([c]);
    expect(a.addedPeers()).to.deep.equal([]);
    expect(() => a.addPeer('nonsense')).to.throw(/nonsense/);
  });

  it("peers(): numeric ids, the remote's services and version, ping and byte counters that move", async () => {
    const { node: b, target } = await start({ host: '127.0.0.3', targetOutbound: 0, services: 9n, pingInterval: 500 });
    const { node: a } = await start({ host: '127.0.0.2', listen: false, connectPeers: [target], pingInterval: 500 });
    await h.time.until(() => a.peers().length === 1 && b.peers().length === 1, 1_000, 'up');
    const first = a.peers()[0]!;
    expect(first).to.include({ id: 0, services: 9n | 2048n, version: 70016 }); // + NODE_P2P_V2: v2 is on by default
    expect(first.bytesSent).to.be.greaterThan(0);
    expect(first.bytesRecv).to.be.greaterThan(0);
    expect(first.minPingMs).to.equal(undefined);
    await h.time.advance(1_200); // two pings
    const later = a.peers()[0]!;
    expect(later.bytesSent).to.be.greaterThan(first.bytesSent);
    expect(later.minPingMs).to.be.a('number');
    expect(later.pingMs).to.be.a('number');
    expect(a.userAgent).to.match(/^\/rx-connmgr:/);
    expect(b.localServices).to.equal(9n);
    expect(a.protocolVersion).to.equal(70016);
    expect(a.banList.now()).to.be.a('number');
  });
});
