import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { createNode, type NodeEvent } from '../../lib/node/index.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { NETWORKS } from '../../lib/protocol/bitcoin/networks.js';
import { startDnsTestServer } from '../discovery/dnsTestServer.js';
import { settleTcpHandles, tcpHandles } from '../transport/loopback.js';

describe('Node address sources (DNS seeds, the book on disk)', function () {
  this.timeout(10_000);
  let baseline = 0;
  let dir = '';
  beforeEach(async () => {
    baseline = tcpHandles();
    dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-node-'));
  });
  afterEach(async () => {
    await settleTcpHandles(baseline);
    await rm(dir, { recursive: true, force: true });
  });

  it('fills its book from DNS seeds served by a real DNS server on loopback; a failing seed is skipped', async () => {
    const dns = await startDnsTestServer({
      'seed.test': { A: ['127.0.0.50', '127.0.0.51'], AAAA: ['::1'] },
      'gone.test': 'nxdomain',
    });
    const node = createNode({
      host: '127.0.0.2',
      targetOutbound: 0,
      listen: false,
      dnsSeeds: ['seed.test', 'gone.test'],
      dnsServers: [dns.address],
    });
    try {
      const learned: NodeEvent[] = [];
      node.events$.subscribe((e) => learned.push(e));
      const done = firstValueFrom(
        node.events$.pipe(
          filter((e) => e.type === 'dnsSeedFailed' || e.type === 'addressesLearned'),
          take(2),
          toArray(),
        ),
      );
      await node.start();
      await done;
      const port = NETWORKS.regtest.defaultPort;
      expect(learned.find((e) => e.type === 'dnsSeedFailed')).to.deep.include({ host: 'gone.test' });
      expect(learned.find((e) => e.type === 'addressesLearned')).to.deep.include({ origin: 'dns', announced: 3, added: 3 });
      expect(node.book.has(SocketAddress.from('127.0.0.50', port))).to.equal(true);
      expect(node.book.has(SocketAddress.from('127.0.0.51', port))).to.equal(true);
      expect(node.book.has(SocketAddress.from('::1', port))).to.equal(true);
      expect(node.book.size).to.equal(3);
    } finally {
      await node.stop();
      await dns.close();
    }
  });

  it('keeps its address book in a file: saved on stop, loaded on start (and then the seeds are not needed)', async () => {
    const file = join(dir, 'peers.json');
    const first = createNode({
      host: '127.0.0.2',
      targetOutbound: 0,
      listen: false,
      addressFile: file,
      seeds: ['127.0.0.60:18444', '127.0.0.61:18444'],
    });
    await first.start();
    expect(first.book.size).to.equal(2);
    await first.stop();
    expect(JSON.parse(await readFile(file, 'utf8'))).to.have.property('version');
    const second = createNode({ host: '127.0.0.2', targetOutbound: 0, listen: false, addressFile: file, seeds: ['127.0.0.62:18444'] });
    await second.start();
    expect(second.book.size).to.equal(2); // from the file; the seed is for an empty book only
    expect(second.book.has(SocketAddress.parse('127.0.0.62:18444'))).to.equal(false);
    await second.stop();
  });
});
