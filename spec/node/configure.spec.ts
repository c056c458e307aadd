import { expect } from 'chai';
import { InvalidOptionError } from '../../lib/shared/InvalidOptionError.js';
import { virtualNodes } from './virtualNodes.js';

/** `node.configure`: the outbound target and the inbound limit changed while the node runs (the manager's reducer does it). */
describe('Node configure: live target and inbound limit', () => {
  const h = virtualNodes();

  it('a lower target lets go of outbound peers and none comes back; a higher one dials again; inbound slots follow the target', async () => {
    const servers: string[] = [];
    for (let i = 0; i < 4; i++) servers.push((await h.start({ host: `127.0.${30 + i}.1`, targetOutbound: 0 })).target);
    const a = h.make({ host: '127.0.0.2', listen: false, targetOutbound: 4, maxPeers: 20, seeds: servers });
    await a.start();
    const outbound = () => a.peers().filter((p) => p.direction === 'outbound').length;
    await h.time.until(() => outbound() === 4, 2_000, 'four outbound peers');
    expect(a.manager.state.config.maxInbound).to.equal(16);

    a.configure({ targetOutbound: 2 });
    await h.time.until(() => outbound() === 2, 1_000, 'two let go');
    await h.time.advance(30_000);
    expect(outbound(), 'not replaced').to.equal(2);
    expect(a.manager.state.config).to.include({ targetOutbound: 2, maxInbound: 18 });

    a.configure({ targetOutbound: 3, maxInbound: 5 });
    await h.time.until(() => outbound() === 3, 2_000, 'a third dialed');
    expect(a.manager.state.config).to.include({ targetOutbound: 3, maxInbound: 5 });
  });

  it('a bad value throws InvalidOptionError naming it, and nothing changes', async () => {
    const a = h.make({ host: '127.0.0.2', listen: false, targetOutbound: 2, seeds: [] });
    await a.start();
    expect(() => a.configure({ targetOutbound: -1 })).to.throw(InvalidOptionError, /targetOutbound/);
    expect(a.manager.state.config.targetOutbound).to.equal(2);
  });
});
