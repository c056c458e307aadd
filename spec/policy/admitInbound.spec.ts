import { expect } from 'chai';
import { SocketAddress } from '../../lib/net/SocketAddress.js';
import { admitInbound, DEFAULT_MAX_INBOUND_PER_GROUP, DEFAULT_MAX_INBOUND_PER_IP } from '../../lib/policy/admitInbound.js';
import type { Admission, InboundLimits } from '../../lib/policy/admitInbound.js';
import { PolicyArgumentError } from '../../lib/policy/errors.js';
import { InboundCounts } from '../../lib/policy/InboundCounts.js';

const at = (text: string): SocketAddress => SocketAddress.parse(text);

/** A tally of connections, each given as address text. */
function countsOf(...texts: string[]): InboundCounts {
  return texts.reduce((counts, text) => counts.add(at(text)), InboundCounts.empty());
}

/** `n` connections from one IP, on different ports. */
const fromIp = (ip: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${ip}:${1000 + i}`);
/** `n` connections from different IPs of one /16. */
const fromGroup = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}.${i >> 8}.${i & 255}:1`);

describe('admitInbound', () => {
  it('has documented defaults: 8 per IP, no per-group cap', () => {
    expect(DEFAULT_MAX_INBOUND_PER_IP).to.equal(8);
    expect(DEFAULT_MAX_INBOUND_PER_GROUP).to.equal(Infinity);
  });

  const table: ReadonlyArray<{ name: string; state: string[]; addr: string; limits: InboundLimits; verdict: Admission }> = [
    { name: 'admits into an empty node', state: [], addr: '8.8.8.8:1', limits: { maxInbound: 1 }, verdict: { admit: true } },
    {
      name: 'refuses when inbound is full',
      state: ['1.1.1.1:1'],
      addr: '8.8.8.8:1',
      limits: { maxInbound: 1 },
      verdict: { admit: false, reason: 'maxInbound' },
    },
    {
      name: 'refuses everyone with maxInbound 0',
      state: [],
      addr: '8.8.8.8:1',
      limits: { maxInbound: 0 },
      verdict: { admit: false, reason: 'maxInbound' },
    },
    {
      name: 'admits the 8th connection of one IP by default',
      state: fromIp('8.8.8.8', 7),
      addr: '8.8.8.8:9',
      limits: { maxInbound: 100 },
      verdict: { admit: true },
    },
    {
      name: 'refuses the 9th connection of one IP by default',
      state: fromIp('8.8.8.8', 8),
      addr: '8.8.8.8:9',
      limits: { maxInbound: 100 },
      verdict: { admit: false, reason: 'perIp' },
    },
    {
      name: 'applies a custom per-IP cap',
      state: fromIp('8.8.8.8', 2),
      addr: '8.8.8.8:9',
      limits: { maxInbound: 100, maxPerIp: 2 },
      verdict: { admit: false, reason: 'perIp' },
    },
    {
      name: 'does not cap per IP with maxPerIp Infinity',
      state: fromIp('8.8.8.8', 50),
      addr: '8.8.8.8:9',
      limits: { maxInbound: 100, maxPerIp: Infinity },
      verdict: { admit: true },
    },
    {
      name: 'does not cap a netgroup by default',
      state: fromGroup('8.8', 90),
      addr: '8.8.200.1:1',
      limits: { maxInbound: 100 },
      verdict: { admit: true },
    },
    {
      name: 'applies a per-group cap when set',
      state: fromGroup('8.8', 4),
      addr: '8.8.200.1:1',
      limits: { maxInbound: 100, maxPerGroup: 4 },
      verdict: { admit: false, reason: 'perGroup' },
    },
    {
      name: 'counts other groups separately',
      state: fromGroup('8.8', 4),
      addr: '9.9.9.9:1',
      limits: { maxInbound: 100, maxPerGroup: 4 },
      verdict: { admit: true },
    },
    // Precedence: the most specific reason wins, so 'maxInbound' means "fine, but no room".
    {
      name: 'says perIp before perGroup and maxInbound',
      state: fromIp('8.8.8.8', 2),
      addr: '8.8.8.8:9',
      limits: { maxInbound: 2, maxPerIp: 2, maxPerGroup: 2 },
      verdict: { admit: false, reason: 'perIp' },
    },
    {
      name: 'says perGroup before maxInbound',
      state: fromGroup('8.8', 2),
      addr: '8.8.200.1:1',
      limits: { maxInbound: 2, maxPerGroup: 2 },
      verdict: { admit: false, reason: 'perGroup' },
    },
    {
      name: 'caps loopback per IP too (the remote port is ephemeral)',
      state: fromIp('127.0.0.1', 8),
      addr: '127.0.0.1:9',
      limits: { maxInbound: 100 },
      verdict: { admit: false, reason: 'perIp' },
    },
  ];
  for (const { name, state, addr, limits, verdict } of table) {
    it(name, () => {
      expect(admitInbound(countsOf(...state), at(addr), limits)).to.deep.equal(verdict);
    });
  }

  const bad: ReadonlyArray<[argument: string, limits: InboundLimits, value: number]> = [
    ['limits.maxInbound', { maxInbound: -1 }, -1],
    ['limits.maxInbound', { maxInbound: 2.5 }, 2.5],
    ['limits.maxInbound', { maxInbound: NaN }, NaN],
    ['limits.maxPerIp', { maxInbound: 5, maxPerIp: 0 }, 0],
    ['limits.maxPerGroup', { maxInbound: 5, maxPerGroup: -3 }, -3],
  ];
  for (const [argument, limits, value] of bad) {
    it(`throws PolicyArgumentError naming ${argument} = ${value}`, () => {
      expect(() => admitInbound(InboundCounts.empty(), at('8.8.8.8:1'), limits))
        .to.throw(PolicyArgumentError)
        .that.deep.includes({ argument, value });
    });
  }
});
