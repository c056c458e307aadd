import { expect } from 'chai';
import { PolicyArgumentError } from '../../lib/policy/errors.js';
import { defaultKeyedNetGroup, keyedNetGroup } from '../../lib/policy/keyedNetGroup.js';
import { fixedKey } from './helpers.js';

describe('keyedNetGroup', () => {
  const groups = Array.from({ length: 64 }, (_, i) => ({ group: `ipv4:${i + 20}.0` }));

  it('gives one group the same unsigned 32-bit rank every time', () => {
    const rank = keyedNetGroup(fixedKey());
    for (const g of groups) {
      const r = rank(g);
      expect(r).to.equal(rank({ group: g.group }));
      expect(Number.isInteger(r) && r >= 0 && r < 2 ** 32).to.equal(true);
    }
  });

  it('ranks groups differently under different keys, so the protected groups cannot be guessed', () => {
    const order = (key: Uint8Array) => {
      const rank = keyedNetGroup(key);
      return [...groups]
        .sort((a, b) => rank(b) - rank(a))
        .map((g) => g.group)
        .slice(0, 4);
    };
    expect(order(fixedKey(1))).not.to.deep.equal(order(fixedKey(2)));
    expect(order(fixedKey(1))).to.deep.equal(order(fixedKey(1)));
  });

  it('copies the key, so changing the caller buffer later does not move the ranking', () => {
    const key = fixedKey();
    const rank = keyedNetGroup(key);
    const before = rank(groups[0]!);
    key.fill(0);
    expect(rank(groups[0]!)).to.equal(before);
  });

  it('refuses a key shorter than 16 bytes, naming it', () => {
    const key = new Uint8Array(15);
    expect(() => keyedNetGroup(key))
      .to.throw(PolicyArgumentError)
      .with.property('value', key);
  });

  it('has a per-process default that is stable within the process', () => {
    expect(defaultKeyedNetGroup({ group: 'ipv4:8.8' })).to.equal(defaultKeyedNetGroup({ group: 'ipv4:8.8' }));
  });
});
