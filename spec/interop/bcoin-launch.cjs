#!/usr/bin/env node
/*
 * Starts a bcoin full node (bcoin/bin/node) held to loopback, for the interop specs and
 * `npm run interop`. Arguments are bcoin's own (`--network=regtest --port=… …`).
 *
 * bcoin reaches outside the machine in three places even with `--seeds=,`: it asks OpenDNS's
 * resolvers for its external IP (bdns.getIPv4/getIPv6, on every start with --listen), it
 * reverse-resolves peers for RPC `getpeerinfo` (bdns.lookupService), and it dials whatever
 * routable address a peer announced in `addr` (its loader peer is added even with one outbound
 * slot). Here every one of them is cut before a packet leaves: the DNS calls fail or answer
 * locally, and a TCP connect to any host outside 127.0.0.0/8 and ::1 fails with EHOSTUNREACH
 * (logged on stderr as `[interop] blocked …`).
 *
 * NODE_BACKEND defaults to `js`: bcoin's native modules (bcrypto, mrmr, …) need their install
 * scripts, and bcrypto 0.3 does not build on Node 20 at all; the pure-JS backends always load.
 */
'use strict';

process.env.NODE_BACKEND = process.env.NODE_BACKEND || 'js';

// Started with a pipe on stdin (bcoin.ts does so): when the parent goes, however it goes (even
// SIGKILL), the pipe ends and so does this node, instead of living on as an orphan.
if (process.env.INTEROP_EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

const net = require('node:net');

function isLoopback(host) {
  if (host === undefined || host === null || host === '' || host === 'localhost') return true;
  const h = String(host)
    .replace(/^\[|\]$/g, '')
    .replace(/^::ffff:/i, '');
  if (net.isIPv4(h)) return h.startsWith('127.');
  return h === '::1';
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0];
  let host;
  let path = false;
  if (Array.isArray(first)) {
    // Node's internal normalized form: [options, cb].
    const options = first[0] || {};
    host = options.host;
    path = options.path !== undefined;
  } else if (first !== null && typeof first === 'object') {
    host = first.host;
    path = first.path !== undefined;
  } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
    path = true; // a unix socket path
  } else if (typeof args[1] === 'string') {
    host = args[1];
  }
  if (!path && !isLoopback(host)) {
    process.stderr.write(`[interop] blocked a connection to ${host}: not loopback\n`);
    const error = Object.assign(new Error(`connect EHOSTUNREACH ${host} (interop: loopback only)`), { code: 'EHOSTUNREACH' });
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

// The bdns that bcoin itself loads (resolved from bcoin's folder, in case it is not hoisted).
const path = require('node:path');
const bcoinDir = path.dirname(require.resolve('bcoin/package.json'));
const dns = require(require.resolve('bdns', { paths: [bcoinDir] }));
const noExternalDns = async () => {
  throw Object.assign(new Error('interop: no external DNS'), { code: 'ENOTFOUND' });
};
dns.getIPv4 = noExternalDns;
dns.getIPv6 = noExternalDns;
dns.resolve = noExternalDns;
dns.reverse = noExternalDns;
// getpeerinfo's reverse lookup: answer with the address itself rather than ask a DNS server.
dns.lookupService = async (addr) => ({ hostname: addr, service: '' });
dns.lookup = async (host) => {
  if (net.isIP(host)) return [host];
  if (host === 'localhost') return ['127.0.0.1'];
  return noExternalDns();
};

require('bcoin/bin/node');
