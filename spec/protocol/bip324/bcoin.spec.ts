/**
 * v2 → v1 fallback against a real v1-only node: bcoin 1.0.2 (which predates BIP324), regtest, in
 * memory, on loopback, started by the interop harness (`spec/interop/bcoin.ts`). Skipped, with a
 * message, when bcoin is not installed or does not start.
 */
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { Peer } from '../../../lib/peer/Peer.js';
import { bitcoinHandshake } from '../../../lib/peer/bitcoin/bitcoinHandshake.js';
import type { BitcoinMessage } from '../../../lib/protocol/bitcoin/messages.js';
import { NETWORKS } from '../../../lib/protocol/bitcoin/networks.js';
import { tcpDial } from '../../../lib/transport/tcpDial.js';
import { dialWithV1Fallback } from '../../../lib/protocol/bip324/dialWithV1Fallback.js';
import { V1ResponseError } from '../../../lib/protocol/bip324/errors.js';
import { BcoinProcess, bcoinInstalled, disposeAll } from '../../interop/bcoin.js';

describe('protocol/bip324 against bcoin (v1 only, regtest, loopback)', function () {
  this.timeout(60_000);
  let bcoin: BcoinProcess | undefined;
  const peers: Peer<BitcoinMessage>[] = [];

  before(async function () {
    const installed = bcoinInstalled();
    if (!installed.ok) {
      console.warn(`      SKIPPED bip324 interop with bcoin: ${installed.reason}`);
      this.skip();
    }
    try {
      bcoin = await BcoinProcess.start({ name: 'bcoin-bip324' });
    } catch (error) {
      console.warn(`      SKIPPED bip324 interop with bcoin: bcoin did not start (${String((error as Error).message).split('\n')[0]})`);
      this.skip();
    }
  });
  after(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await disposeAll([bcoin]);
  });

  // garbageWithKey: false, because bcoin charges 10 points per bad 24-byte header and bans the IP
  // at 100: with random garbage sent along (up to 4095 bytes) our v1 retry finds 127.0.0.1 banned
  // (tried: ECONNRESET, then immediate hang-ups). With the key alone it charges 20. bcoin, as a
  // responder, sends its v1 `version` at once: that is the V1ResponseError.
  it('our v2 attempt is answered in v1, we redial once with v1 and complete the version handshake', async () => {
    const b = bcoin as BcoinProcess;
    let dials = 0;
    const connection = await firstValueFrom(
      dialWithV1Fallback(
        () => {
          dials += 1;
          return tcpDial(`${b.host}:${b.port}`, { timeout: 5_000 });
        },
        { magic: NETWORKS.regtest.magic, timeout: 10_000, garbageWithKey: false },
      ),
    );
    expect(dials).to.equal(2);
    expect(connection.fellBack).to.equal(true);
    expect(connection.transport).to.equal('v1');
    expect(connection.reason).to.be.instanceOf(V1ResponseError);
    const peer = new Peer(connection.socket, connection.protocol);
    peers.push(peer);
    const result = await firstValueFrom(
      bitcoinHandshake(peer, {
        direction: 'outbound',
        nonce: 0x1234n,
        isOwnNonce: () => false,
        services: 1n,
      }),
    );
    expect(result.userAgent).to.equal('/bcoin:v1.0.2/');
    const seen = await b.until('bcoin lists our peer', async () => (await b.getPeerInfo()).find((p) => p.version > 0));
    expect(seen.version).to.be.above(0);
  });
});
