/**
 * Quick start: a ConnManager keeping 3 outbound TCP connections on loopback, plus one
 * permanent peer, through a peer that goes away and comes back. Runs for ~3 s and exits.
 *
 *   npm start            (or: npx tsx examples/quickstart.ts)
 */
import type { Socket } from 'node:net';
import { firstValueFrom, take, toArray, type Subscription } from 'rxjs';
import { ConnManager, describeEvent } from '../lib/index.js';
import { type SocketAddress } from '../lib/net/index.js';
import { tcpDial, tcpListen } from '../lib/transport/index.js';

/** A tiny peer: accepts sockets and keeps them until told to go away. */
function startPeer(port = 0): Promise<{ addr: SocketAddress; stop(): void }> {
  return new Promise((resolve) => {
    const sockets = new Set<Socket>();
    const subscription: Subscription = tcpListen({
      port,
      onListening: (addr) =>
        resolve({
          addr,
          stop: () => {
            subscription.unsubscribe(); // closes the server
            for (const s of sockets) s.destroy(); // and drops every conn
          },
        }),
    }).subscribe((socket) => {
      socket.on('error', () => socket.destroy());
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  });
}

const peers = await Promise.all([startPeer(), startPeer(), startPeer(), startPeer()]);
const pool = peers.slice(0, 3).map((p) => p.addr.toString());
let next = 0;

const cm = new ConnManager<string, Socket>({
  dial: (addr) => tcpDial(addr, { timeout: 1_000 }),
  getNewAddress: () => pool[next++ % pool.length]!, // a real node draws from its address book
  targetOutbound: 3,
  retryDuration: 250,
});
cm.events$.subscribe((event) => console.log(`${new Date().toISOString().slice(11, 23)}  ${describeEvent(event)}`));
cm.start();
const permanent = cm.connect(peers[3].addr.toString(), { permanent: true });

// Wait until all four are up, then take the permanent peer away for a moment.
await firstValueFrom(cm.connected$.pipe(take(4), toArray()));
console.log(`-- 4 connected; stopping peer ${peers[3].addr.toString()} for 600 ms`);
peers[3].stop();
await new Promise((r) => setTimeout(r, 600));
peers[3] = await startPeer(peers[3].addr.port);
await new Promise((r) => setTimeout(r, 1_500));

console.log(`-- permanent request ${permanent.toString()} is ${permanent.state} after ${permanent.retryCount} retries`);
console.log(`-- outbound established: ${cm.state.establishedCount}`);
cm.stop();
await cm.wait();
for (const p of peers) p.stop();
console.log('-- stopped cleanly');
