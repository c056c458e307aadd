import { expect } from 'chai';
import { InvalidManualPeerError, ManualPeersConflictError } from '../../lib/discovery/errors.js';
import { manualPeers, type ManualPeersConfig } from '../../lib/discovery/manualPeers.js';

describe('manualPeers', () => {
  const table: [string, ManualPeersConfig | undefined, string[], boolean][] = [
    ['nothing configured', undefined, [], false],
    ['empty config', {}, [], false],
    [
      'addnode: permanent, extra to the automatic target',
      { addnode: ['203.0.113.7:8333', '[2001:db8::1]:18444'] },
      ['203.0.113.7:8333', '[2001:db8::1]:18444'],
      false,
    ],
    ['connect: only those, connect mode', { connect: ['203.0.113.7:8333'] }, ['203.0.113.7:8333'], true],
    ['connect: [] is normal mode', { connect: [], addnode: ['1.2.3.4:8333'] }, ['1.2.3.4:8333'], false],
    ['addnode: [] beside connect', { addnode: [], connect: ['1.2.3.4:8333'] }, ['1.2.3.4:8333'], true],
    [
      'duplicates (any spelling) kept once, in order',
      { addnode: ['5.6.7.8:1', '[::ffff:1.2.3.4]:8333', '1.2.3.4:8333', '5.6.7.8:1'] },
      ['5.6.7.8:1', '1.2.3.4:8333'],
      false,
    ],
    ['a different port is a different peer', { connect: ['1.2.3.4:8333', '1.2.3.4:8334'] }, ['1.2.3.4:8333', '1.2.3.4:8334'], true],
  ];
  for (const [name, config, permanent, connectMode] of table) {
    it(`${name} → ${JSON.stringify({ permanent, connectMode })}`, () => {
      const plan = manualPeers(config);
      expect(plan.permanent.map(String)).to.deep.equal(permanent);
      expect(plan.connectMode).to.equal(connectMode);
    });
  }

  it('throws an InvalidManualPeerError naming the option and the bad entry', () => {
    const bad: [ManualPeersConfig, 'addnode' | 'connect', unknown][] = [
      [{ addnode: ['1.2.3.4:8333', 'node.example.org:8333'] }, 'addnode', 'node.example.org:8333'],
      [{ addnode: ['1.2.3.4'] }, 'addnode', '1.2.3.4'],
      [{ connect: ['1.2.3.4:0'] }, 'connect', '1.2.3.4:0'],
      [{ connect: ['[fe80::1%eth0]:8333'] }, 'connect', '[fe80::1%eth0]:8333'],
      [{ connect: [7 as unknown as string] }, 'connect', 7],
      [{ addnode: '1.2.3.4:8333' as unknown as string[] }, 'addnode', '1.2.3.4:8333'],
    ];
    for (const [config, option, entry] of bad) {
      expect(() => manualPeers(config))
        .to.throw(InvalidManualPeerError)
        .that.satisfies(
          (e: InvalidManualPeerError) => e.option === option && e.entry === entry && e.message.includes(JSON.stringify(entry)),
        );
    }
  });

  it('refuses addnode and connect together, as btcd does', () => {
    expect(() => manualPeers({ addnode: ['1.2.3.4:8333'], connect: ['5.6.7.8:8333'] }))
      .to.throw(ManualPeersConflictError)
      .that.deep.includes({ addnode: ['1.2.3.4:8333'], connect: ['5.6.7.8:8333'] });
  });

  it('is pure: the same input gives equal plans, and the input is not changed', () => {
    const config = { addnode: ['1.2.3.4:8333'] };
    const frozen = Object.freeze({ addnode: Object.freeze([...config.addnode]) });
    expect(manualPeers(frozen).permanent.map(String)).to.deep.equal(manualPeers(frozen).permanent.map(String));
    expect(frozen.addnode).to.deep.equal(['1.2.3.4:8333']);
  });
});
