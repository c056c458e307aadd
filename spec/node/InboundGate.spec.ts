import { expect } from 'chai';
import { linearBackoff } from '../../lib/backoff/linearBackoff.js';
import { initialState, type ConnManagerState } from '../../lib/model/state.js';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { InboundGate, type ArrivalFacts, type GatedConn, type InboundSessionFacts } from '../../lib/node/InboundGate.js';
import { inboundVerdictEvent } from '../../lib/node/inboundVerdictEvent.js';
import type { NodeConn } from '../../lib/node/NodeConn.js';
import type { PeerInfo } from '../../lib/node/PeerInfo.js';
import { reduce } from '../../lib/reducer/reduce.js';
import { PolicyArgumentError } from '../../lib/policy/errors.js';
import { createNode } from '../../lib/node/BitcoinNode.js';

type Conn = GatedConn & { readonly name: string };
type S = ConnManagerState<string, Conn>;

const facts = (remote: string, over: Partial<ArrivalFacts> = {}): ArrivalFacts => ({
  remote: SocketAddress.parse(remote),
  banned: false,
  whitelisted: false,
  rateLimited: false,
  pendingHandshakes: 0,
  sessions: [],
  ...over,
});
const conn = (remote: string, over: Partial<ArrivalFacts> = {}): Conn => ({ name: remote, arrival: facts(remote, over) });

/** A running manager state holding `conns` as admitted inbound conns (no gate). */
function holding(maxInbound: number, ...conns: Conn[]): S {
  let s = reduce(
    initialState<string, Conn>({
      targetOutbound: 0,
      maxFailedAttempts: 25,
      retryDuration: 1,
      maxInbound,
      minUptime: 0,
      backoff: linearBackoff({ step: 1, cap: 1 }),
      automatic: false,
      addressKey: (a) => a,
    }),
    { type: 'start', at: 0 },
  );
  for (const c of conns) s = reduce(s, { type: 'incoming', conn: c, listener: 0, at: 0 });
  return s;
}

const info = (key: string, remote: string): PeerInfo => ({
  id: 0,
  key,
  direction: 'inbound',
  connectionType: 'inbound',
  remote: SocketAddress.parse(remote),
  permanent: false,
  userAgent: '/x/',
  startHeight: 0,
  services: 0n,
  version: 70016,
  permissions: [],
  since: 0,
  bytesSent: 0,
  bytesRecv: 0,
  transport: 'v1',
  sessionId: '',
});
/** `n` handshaken inbound peers from distinct /16s, as eviction candidates (inbound ids 1..n). */
const sessions = (n: number): InboundSessionFacts[] =>
  Array.from({ length: n }, (_, i) => ({
    inboundId: i + 1,
    remote: SocketAddress.parse(`127.${i}.0.1:1000`),
    since: i,
    minPingMs: 100 + i,
    whitelisted: false,
    info: info(`in@${i + 1}`, `127.${i}.0.1:1000`),
  }));

describe('InboundGate.check (pure: arrival facts + the manager state → verdict)', () => {
  const gate = new InboundGate({ maxPerIp: 2, maxPerGroup: 3, maxPendingHandshakes: 4 });
  const empty = holding(10);

  it('admits a plain newcomer, and a conn without arrival facts', () => {
    expect(gate.check(conn('127.0.0.9:1'), empty)).to.equal(undefined);
    expect(gate.check({ name: 'bare' }, empty)).to.equal(undefined);
  });

  it('refuses, cheapest first: banned, then rate, then handshakes in flight', () => {
    expect(gate.check(conn('127.0.0.9:1', { banned: true, rateLimited: true }), empty)).to.deep.equal({ refuse: 'banned' });
    expect(gate.check(conn('127.0.0.9:1', { rateLimited: true, pendingHandshakes: 9 }), empty)).to.deep.equal({ refuse: 'rate' });
    expect(gate.check(conn('127.0.0.9:1', { pendingHandshakes: 4 }), empty)).to.deep.equal({ refuse: 'pendingHandshakes' });
    expect(gate.check(conn('127.0.0.9:1', { pendingHandshakes: 3 }), empty)).to.equal(undefined);
  });

  it('counts the admitted conns per IP and per group from the state', () => {
    // Public addresses as plain values (nothing is dialed): loopback ones are each their own group.
    const s = holding(10, conn('93.184.0.9:1'), conn('93.184.0.9:2'), conn('93.184.5.1:1'));
    expect(gate.check(conn('93.184.0.9:3'), s)).to.deep.equal({ refuse: 'perIp' });
    expect(gate.check(conn('93.184.7.7:1'), s)).to.deep.equal({ refuse: 'perGroup' }); // 93.184/16 holds 3
    expect(gate.check(conn('151.101.0.1:1'), s)).to.equal(undefined);
  });

  it('lets a whitelisted host past every cap but the ban and the slot count', () => {
    const s = holding(3, conn('127.0.0.9:1'), conn('127.0.0.9:2'));
    expect(gate.check(conn('127.0.0.9:3', { whitelisted: true, rateLimited: true, pendingHandshakes: 99 }), s)).to.equal(undefined);
    expect(gate.check(conn('127.0.0.9:3', { whitelisted: true, banned: true }), s)).to.deep.equal({ refuse: 'banned' });
  });

  it('with every slot taken: evicts a candidate when eviction finds one, else refuses as full', () => {
    const full = holding(2, conn('127.50.0.1:1'), conn('127.51.0.1:1'));
    expect(gate.check(conn('127.99.0.1:1'), full)).to.deep.equal({ refuse: 'full' }); // no handshaken candidates
    const verdict = gate.check(conn('127.99.0.1:1', { sessions: sessions(30) }), full);
    expect(verdict?.evict).to.be.a('number');
    expect(sessions(30).map((x) => x.inboundId)).to.include(verdict!.evict);
  });

  it('with every slot taken: the youngest discouraged peer goes first, even where eviction would pick another', () => {
    const full = holding(2, conn('127.50.0.1:1'), conn('127.51.0.1:1'));
    const many = sessions(30);
    const plain = gate.check(conn('127.99.0.1:1', { sessions: many }), full);
    // Two discouraged peers, neither the one plain eviction picks: the younger one (higher `since`) goes.
    const others = many.filter((x) => x.inboundId !== plain!.evict).slice(0, 2);
    const marked = many.map((x) => (others.includes(x) ? { ...x, discouraged: true } : x));
    expect(gate.check(conn('127.99.0.1:1', { sessions: marked }), full)).to.deep.equal({ evict: others[1]!.inboundId });
    // A discouraged `noban` peer is never picked: the verdict is plain eviction's over the same
    // peers with those two `noban` (not `plain` itself — whitelisting changes who Core's eviction
    // protects, and its netgroup key is random per process).
    const noban = many.map((x) => (others.includes(x) ? { ...x, discouraged: true, whitelisted: true } : x));
    const nobanOnly = many.map((x) => (others.includes(x) ? { ...x, whitelisted: true } : x));
    const verdict = gate.check(conn('127.99.0.1:1', { sessions: noban }), full);
    expect(verdict).to.deep.equal(gate.check(conn('127.99.0.1:1', { sessions: nobanOnly }), full));
    expect(others.map((x) => x.inboundId)).not.to.include(verdict?.evict);
  });

  it('forceinbound: evicts the youngest non-noban peer when eviction protects everyone; refused as full when all are noban', () => {
    const full = holding(2, conn('127.50.0.1:1'), conn('127.51.0.1:1'));
    const few = sessions(2); // too few for Core's eviction: every one is protected
    expect(gate.check(conn('127.99.0.1:1', { sessions: few }), full)).to.deep.equal({ refuse: 'full' });
    expect(gate.check(conn('127.99.0.1:1', { sessions: few, forceInbound: true }), full)).to.deep.equal({ evict: 2 });
    const younger = few.map((x) => (x.inboundId === 2 ? { ...x, whitelisted: true } : x));
    expect(gate.check(conn('127.99.0.1:1', { sessions: younger, forceInbound: true }), full)).to.deep.equal({ evict: 1 });
    const allNoban = few.map((x) => ({ ...x, whitelisted: true }));
    expect(gate.check(conn('127.99.0.1:1', { sessions: allNoban, forceInbound: true }), full)).to.deep.equal({ refuse: 'full' });
  });

  it('networking off refuses everyone, before the ban and the whitelist', () => {
    expect(gate.check(conn('127.0.0.9:1', { networkInactive: true, whitelisted: true, banned: true }), empty)).to.deep.equal({
      refuse: 'networkInactive',
    });
  });

  it('checks its limits once, at construction (a node with a bad limit fails at createNode, not at an accept)', () => {
    expect(() => new InboundGate({ maxPerIp: 0 })).to.throw(PolicyArgumentError, /maxInboundPerIp/);
    expect(() => new InboundGate({ maxPerGroup: 1.5 })).to.throw(PolicyArgumentError, /maxInboundPerGroup/);
    expect(() => new InboundGate({ maxPendingHandshakes: -1 })).to.throw(PolicyArgumentError, /maxPendingHandshakes/);
    expect(() => createNode({ listen: false, maxInboundPerIp: -2 })).to.throw(PolicyArgumentError, /-2/);
  });

  it('is a value: the same inputs give the same verdict, and checking changes nothing', () => {
    const s = holding(10, conn('127.0.0.9:1'), conn('127.0.0.9:2'));
    const newcomer = conn('127.0.0.9:3');
    expect(gate.check(newcomer, s)).to.deep.equal(gate.check(newcomer, s));
    expect(s.inbound.size).to.equal(2);
  });
});

describe('inboundVerdictEvent', () => {
  const nodeConn = (remote: string, over: Partial<ArrivalFacts> = {}) => ({ arrival: facts(remote, over) }) as unknown as NodeConn;

  it('a gate refusal is `refused` with its reason; no slot is `full`; not running is no refusal', () => {
    const c = nodeConn('127.0.0.9:1');
    expect(inboundVerdictEvent({ type: 'rejected', conn: c, listener: 0, reason: 'perIp' })).to.deep.equal({
      type: 'refused',
      remote: '127.0.0.9:1',
      reason: 'perIp',
    });
    expect(inboundVerdictEvent({ type: 'rejected', conn: c, listener: 0, reason: 'maxInbound' })).to.deep.include({ reason: 'full' });
    expect(inboundVerdictEvent({ type: 'rejected', conn: c, listener: 0, reason: 'notRunning' })).to.equal(undefined);
  });

  it("an eviction is `evicted` with the victim's PeerInfo from the newcomer's snapshot", () => {
    const newcomer = nodeConn('127.99.0.1:5', { sessions: sessions(3) });
    const event = inboundVerdictEvent({
      type: 'inboundClosed',
      conn: nodeConn('127.1.0.1:1000'),
      inboundId: 2,
      reason: 'evicted',
      for: newcomer,
    });
    expect(event).to.deep.equal({ type: 'evicted', peer: sessions(3)[1]!.info, for: '127.99.0.1:5' });
    expect(inboundVerdictEvent({ type: 'inboundClosed', conn: newcomer, inboundId: 2, reason: 'closed' })).to.equal(undefined);
  });
});
