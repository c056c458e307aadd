import { expect } from 'chai';
import * as backoff from '../../lib/backoff/index.js';
import { decorrelatedJitterBackoff } from '../../lib/backoff/decorrelatedJitterBackoff.js';
import { exponentialBackoff } from '../../lib/backoff/exponentialBackoff.js';
import { linearBackoff } from '../../lib/backoff/linearBackoff.js';
import { retryJitter } from '../../lib/backoff/retryJitter.js';
import { seededRandom } from '../../lib/backoff/seededRandom.js';

describe('backoff/index', () => {
  it('re-exports the policies, the generator and the reconnect jitter, and nothing internal', () => {
    expect(backoff).to.deep.equal({ decorrelatedJitterBackoff, exponentialBackoff, linearBackoff, seededRandom, retryJitter });
  });
});
