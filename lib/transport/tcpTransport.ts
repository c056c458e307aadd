import { tcpDial } from './tcpDial.js';
import { tcpListen } from './tcpListen.js';
import type { Transport } from './Transport.js';

/** The TCP transport: `tcpDial` and `tcpListen` behind the `Transport` seam. A node's default. */
export const tcpTransport: Transport = {
  dial: (addr, options) => tcpDial(addr, options),
  listen: (options) => tcpListen(options),
};
