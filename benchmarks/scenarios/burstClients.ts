/**
 * The far side of the inbound burst, run as a child process (forked by `tcp.ts`) so that opening
 * thousands of sockets does not load the event loop being measured.
 *
 * Protocol over IPC: the parent sends `{ type: 'open', host, port, count }` (answered at once
 * with `opened`), `{ type: 'report' }` (answered with `{ type: 'report', closed, errors }`:
 * connections the server has closed, and error codes seen), and `{ type: 'close' }` (destroys
 * every socket, answers `closed` once all are gone, and exits). It exits by itself after 60 s.
 */
import { connect, type Socket } from 'node:net';

type Message = { type: 'open'; host: string; port: number; count: number } | { type: 'report' } | { type: 'close' };

const sockets: Socket[] = [];
let closed = 0;
const errors: Record<string, number> = {};
const send = (message: object) => process.send?.(message);

// A child must never outlive its parent's run.
setTimeout(() => process.exit(2), 60_000).unref();
process.on('disconnect', () => process.exit(0));

process.on('message', (message: Message) => {
  switch (message.type) {
    case 'open':
      for (let i = 0; i < message.count; i++) {
        const socket = connect({ host: message.host, port: message.port });
        socket.on('error', (e: NodeJS.ErrnoException) => {
          const code = e.code ?? 'unknown';
          errors[code] = (errors[code] ?? 0) + 1;
        });
        socket.once('close', () => closed++);
        sockets.push(socket);
      }
      send({ type: 'opened' });
      break;
    case 'report':
      send({ type: 'report', closed, errors });
      break;
    case 'close': {
      for (const socket of sockets) socket.destroy();
      const done = () => {
        if (closed < sockets.length) return void setTimeout(done, 5);
        process.send?.({ type: 'closed' }, undefined, {}, () => process.exit(0));
      };
      done();
      break;
    }
  }
});

send({ type: 'ready' });
