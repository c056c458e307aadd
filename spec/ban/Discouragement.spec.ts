import { expect } from 'chai';
import { Discouragement } from '../../lib/ban/Discouragement.js';
import { InvalidHostError } from '../../lib/ban/errors.js';
import { selectDiscouragedToEvict } from '../../lib/ban/selectDiscouragedToEvict.js';

describe('ban/Discouragement', () => {
  it('remembers a discouraged host in any spelling', () => {
    const d = new Discouragement({ seed: 1 });
    expect(d.discourage('203.0.113.7')).to.equal(true);
    expect(d.isDiscouraged('::ffff:203.0.113.7')).to.equal(true);
    expect(d.isDiscouraged('203.0.113.8')).to.equal(false);
  });

  it('never discourages loopback unless configured', () => {
    const d = new Discouragement({ seed: 1 });
    expect(d.discourage('127.0.0.5')).to.equal(false);
    expect(d.discourage('::1')).to.equal(false);
    expect(d.isDiscouraged('127.0.0.5')).to.equal(false);
    const strict = new Discouragement({ seed: 1, discourageLoopback: true });
    expect(strict.discourage('127.0.0.5')).to.equal(true);
    expect(strict.isDiscouraged('127.0.0.5')).to.equal(true);
  });

  it('clear() forgets; a non-IP throws InvalidHostError', () => {
    const d = new Discouragement({ seed: 1 });
    d.discourage('10.0.0.1');
    d.clear();
    expect(d.isDiscouraged('10.0.0.1')).to.equal(false);
    expect(() => d.discourage('example.com')).to.throw(InvalidHostError, 'example.com');
  });
});

describe('ban/selectDiscouragedToEvict', () => {
  const c = (id: number, connectedAt: number, extra: { whitelisted?: boolean; outbound?: boolean } = {}) => ({ id, connectedAt, ...extra });

  it('picks the youngest discouraged inbound peer, skipping whitelisted and outbound ones', () => {
    const bad = new Set([1, 2, 3, 4]);
    const candidates = [c(1, 10), c(2, 30), c(3, 50, { whitelisted: true }), c(4, 60, { outbound: true }), c(5, 99)];
    expect(selectDiscouragedToEvict(candidates, (x) => bad.has(x.id))?.id).to.equal(2);
  });

  it('undefined when nobody is discouraged (fall back to Core eviction)', () => {
    expect(selectDiscouragedToEvict([c(1, 1), c(2, 2)], () => false)).to.equal(undefined);
  });
});
