import { expect } from 'chai';
import { runManagerTest } from '../lib/testing/index.js';

// The README's testing example, verbatim: if this changes, change the README too.
describe('README examples', () => {
  it('the rx-connmgr/testing example prints the log the README shows', () => {
    const log = runManagerTest((t) => {
      t.net.script('a', '--#', '-c'); // first dial to a fails after 2 frames, the next succeeds
      const cm = t.manager({ retryDuration: 10 });
      const log = t.log(cm);
      t.at(0, () => {
        cm.start();
        cm.connect('a', { permanent: true });
      });
      t.at(100, () => cm.stop());
      return () => log; // read after the virtual clock has run
    });
    expect(log).to.deep.equal([
      '0 started', '0 dialing #1 a', '2 failed #1 a willRetry', '2 retryScheduled #1 +10',
      '12 dialing #1 a', '13 connected #1 a', '100 disconnected #1 a stop', '100 stopped',
    ]);
  });
});
