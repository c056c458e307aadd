import { expect } from 'chai';
import { VERSION } from '../../lib/version.js';
describe('VERSION', () => {
  it('is a semver string', () => {
    expect(VERSION).to.match(/^\d+\.\d+\.\d+$/);
  });
});
