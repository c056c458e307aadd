import { connect, type Socket } from 'node:net';

/**
 * The baseline's dial: `net.connect` as a Promise, what a hand-written manager would use.
 * `addr` is `host:port` (IPv4 or a name). The socket is the caller's once resolved.
 *
 * @example
 * const socket = await netDial('127.0.0.1:18444');
 */
export function netDial(addr: string): Promise<Socket> {
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon);
  const port = Number(addr.slice(colon + 1));
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host, port });
    const onError = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}
