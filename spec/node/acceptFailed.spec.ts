import { expect } from 'chai';
import type { Socket } from 'node:net';
import { map } from 'rxjs';
import { BanList } from '../../lib/ban/BanList.js';
import type { Transport } from '../../lib/transport/Transport.js';
import { virtualNodes } from './virtualNodes.js';

/**
 * A socket a `Peer` cannot be built on used to vanish in a silent `catch`: a TypeError there once
 * turned into every node spec hanging. Now it is a typed event, the socket is destroyed, and the
 * node keeps accepting — all in virtual time, on the in-memory network.
 */
describe('Node acceptFailed: an accepted socket that breaks Peer is reported, destroyed, and the node goes on', () => {
  const h = virtualNodes();

  /** A function that throws a TypeError with `message`. */
  const thrower = (message: string) => (): never => {
    throw new TypeError(message);
  };

  /** The network's transport, but the first accepted socket is broken: each of its `traps` throws (`on` when called, others when read). */
  const breaking = (traps: readonly string[]): { transport: Transport; broken: Socket[] } => {
    const inner = h.net.transport();
    const broken: Socket[] = [];
    const transport: Transport = {
      dial: (addr, options) => inner.dial(addr, options),
      listen: (options) =>
        inner.listen(options).pipe(
          map((socket) => {
            if (broken.push(socket) > 1) return socket;
            // `on` is what Peer calls first.
            for (const name of traps)
              Object.defineProperty(socket, name, name === 'on' ? { value: thrower(`no ${name}`) } : { get: thrower(`no ${name}`) });
            return socket;
          }),
        ),
    };
    return { transport, broken };
  };

  it('emits acceptFailed with the remote and the error, destroys the socket, then admits the next conn', async () => {
    const { transport, broken } = breaking(['on']);
    const { node: b, target } = await h.start({ host: '127.0.0.3', targetOutbound: 0, transport });
    const client = h.silent(target, '127.0.0.4'); // its conn gets the broken socket on b's side
    await h.time.until(() => h.of(b, 'acceptFailed').length === 1, 1_000, 'acceptFailed');
    const [failed] = h.of(b, 'acceptFailed');
    expect(failed!.remote).to.match(/^127\.0\.0\.4:\d+$/);
    expect(failed!.error).to.be.instanceOf(TypeError).with.property('message', 'no on');
    expect(broken[0]!.destroyed, "b's end destroyed").to.equal(true);
    await h.time.until(() => client[0]?.destroyed === true, 1_000, "the client's end closed too");
    // Nothing reached the manager: no inbound conn, no refusal.
    expect(b.manager.state.inbound.size).to.equal(0);
    expect(h.of(b, 'refused')).to.deep.equal([]);
    // And the node goes on: the next conn is a peer.
    const { node: a } = await h.start({ host: '127.0.0.2', listen: false, connectPeers: [target] });
    await h.time.until(() => b.peers().length === 1 && a.peers().length === 1, 1_000, 'a and b peers');
    expect(b.peers()[0]!.remote.host).to.equal('127.0.0.2');
    expect(h.of(b, 'acceptFailed')).to.have.length(1);
  });

  it('a socket that throws even from its remote address is reported with remote "?", and destroyed', async () => {
    const { transport, broken } = breaking(['on', 'remoteAddress']);
    const { node: b, target } = await h.start({ host: '127.0.0.3', targetOutbound: 0, transport });
    await h.start({ host: '127.0.0.2', listen: false, connectPeers: [target] });
    await h.time.until(() => h.of(b, 'acceptFailed').length === 1, 1_000, 'acceptFailed');
    expect(h.of(b, 'acceptFailed')[0]).to.include({ remote: '?' });
    expect(broken[0]!.destroyed).to.equal(true);
    // The dialer's redial (its permanent request's backoff) gets a good socket: b still accepts.
    await h.time.until(() => b.peers().length === 1, 2_000, 'b has the peer on the redial');
  });

  it('a check that throws while the arrival facts are read (the ban list) is acceptFailed too; the listener stays bound', async () => {
    /** A ban list that breaks on one host. */
    class BrokenBanList extends BanList {
      override isBanned(host: string): boolean {
        if (host === '127.0.0.4') throw new RangeError(`ban list broken for ${host}`);
        return super.isBanned(host);
      }
    }
    const { node: b, target } = await h.start({ host: '127.0.0.3', targetOutbound: 0, bans: new BrokenBanList() });
    const client = h.silent(target, '127.0.0.4');
    await h.time.until(() => h.of(b, 'acceptFailed').length === 1, 1_000, 'acceptFailed');
    const [failed] = h.of(b, 'acceptFailed');
    expect(failed!.remote).to.match(/^127\.0\.0\.4:\d+$/);
    expect(failed!.error).to.be.instanceOf(RangeError);
    await h.time.until(() => client[0]?.destroyed === true, 1_000, "the client's end closed");
    expect(h.net.listening, 'the same listener, not re-bound').to.deep.equal([target]);
    const { node: a } = await h.start({ host: '127.0.0.2', listen: false, connectPeers: [target] });
    await h.time.until(() => b.peers().length === 1 && a.peers().length === 1, 1_000, 'a and b peers');
    expect(h.of(b, 'acceptFailed')).to.have.length(1);
  });
});
