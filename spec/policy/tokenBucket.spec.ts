import { expect } from 'chai';
import fc from 'fast-check';
import { bucketFullAt, fullBucket, takeTokens, tokensAt, type TokenBucket } from '../../lib/policy/tokenBucket.js';

const core = { capacity: 1_000, ratePerSecond: 0.1 } as const;

describe('tokenBucket', () => {
  it('starts full, grants the burst, then one token per 10 s (Core: 1,000, then 0.1/s)', () => {
    const a = takeTokens(undefined, 1_001, 0, core);
    expect(a.granted).to.equal(1_000);
    expect(takeTokens(a.bucket, 1, 9_999, core).granted).to.equal(0);
    const b = takeTokens(a.bucket, 1, 10_000, core);
    expect(b.granted).to.equal(1);
    expect(takeTokens(b.bucket, 1, 10_000, core).granted).to.equal(0);
    expect(takeTokens(b.bucket, 5, 40_000, core).granted).to.equal(3);
  });

  it('spreads the burst over several takes', () => {
    const a = takeTokens(undefined, 400, 0, core);
    const b = takeTokens(a.bucket, 400, 0, core);
    const c = takeTokens(b.bucket, 400, 0, core);
    expect([a.granted, b.granted, c.granted]).to.deep.equal([400, 400, 200]);
  });

  it('carries fractions of a token over, so the long-run rate is exact', () => {
    let bucket = takeTokens(undefined, 1_000, 0, core).bucket;
    const steps: Array<[wanted: number, now: number]> = [
      [1, 10_000], // one token
      [5, 35_000], // 2.5 tokens: 2 granted, 0.5 kept
      [5, 40_000], // 0.5 + 0.5 = 1
      [1_000, 40_000 + 100 * 10_000], // 100 tokens
    ];
    const granted = steps.map(([wanted, now]) => {
      const step = takeTokens(bucket, wanted, now, core);
      bucket = step.bucket;
      return step.granted;
    });
    expect(granted).to.deep.equal([1, 2, 1, 100]);
  });

  it('never holds more than its capacity, however long it rested', () => {
    const { bucket } = takeTokens(undefined, 1_000, 0, core);
    expect(takeTokens(bucket, 5_000, 1e12, core).granted).to.equal(1_000);
    expect(takeTokens(undefined, 7, 86_400_000, { capacity: 5, ratePerSecond: 5 }).granted).to.equal(5); // the accept limiter's default shape
    expect(tokensAt(bucket, 1e12, core)).to.equal(1_000);
    expect(tokensAt(fullBucket(5, core), 5, core)).to.equal(1_000);
  });

  it('is full again at bucketFullAt, not before', () => {
    const { bucket } = takeTokens(undefined, 10, 0, core);
    const at = bucketFullAt(bucket, core);
    expect(at).to.equal(100_000);
    expect(tokensAt(bucket, at - 1, core)).to.be.below(1_000);
    expect(tokensAt(bucket, at, core)).to.equal(1_000);
  });

  it('grants nothing for a clock that went backwards, and nothing for non-positive requests', () => {
    const { bucket } = takeTokens(undefined, 1_000, 50_000, core);
    expect(takeTokens(bucket, 1, 0, core).granted).to.equal(0);
    expect(takeTokens(undefined, 0, 0, core).granted).to.equal(0);
    expect(takeTokens(undefined, -3, 0, core).granted).to.equal(0);
    expect(takeTokens(undefined, 2.9, 0, core).granted).to.equal(2);
  });

  it('does not lose a token to floating-point rounding at awkward rates', () => {
    const config = { capacity: 1, ratePerSecond: 0.3 }; // a token every 3333.33… ms
    let bucket: TokenBucket = takeTokens(undefined, 1, 0, config).bucket;
    let granted = 0;
    for (let i = 1; i <= 3_000; i++) {
      const step = takeTokens(bucket, 1, (i * 10_000) / 3, config);
      bucket = step.bucket;
      granted += step.granted;
    }
    expect(granted).to.equal(3_000);
  });

  it('matches an exact integer model on random message sequences (rate 0.1/s, whole ms)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 1_500 })), { maxLength: 60 }),
        (capacity, steps) => {
          const config = { capacity, ratePerSecond: 0.1 };
          // Model: tokens × 10,000 (one token per 10,000 ms), all integers.
          let scaled = capacity * 10_000;
          let bucket: TokenBucket | undefined;
          let now = 0;
          for (const [dt, wanted] of steps) {
            now += dt;
            scaled = Math.min(capacity * 10_000, scaled + dt);
            const expected = Math.min(wanted, Math.floor(scaled / 10_000));
            scaled -= expected * 10_000;
            const step = takeTokens(bucket, wanted, now, config);
            bucket = step.bucket;
            if (step.granted !== expected) return false;
          }
          return true;
        },
      ),
    );
  });
});
