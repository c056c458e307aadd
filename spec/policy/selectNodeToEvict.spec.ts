import { expect } from 'chai';
import fc from 'fast-check';
import { InvalidEvictionCandidateError } from '../../lib/policy/errors.js';
import { keyedNetGroup } from '../../lib/policy/keyedNetGroup.js';
import { EVICTION_PROTECTION, MIN_CANDIDATES_TO_EVICT, selectNodeToEvict } from '../../lib/policy/selectNodeToEvict.js';
import type { EvictionCandidate } from '../../lib/policy/selectNodeToEvict.js';
import { compare, fixedKey, peer, rankByGroupNumber } from './helpers.js';
import type { CandidateFields } from './helpers.js';

const options = { keyedGroup: rankByGroupNumber };

/** Ids 1..n, all in group 0, connected at id seconds: every rule ties and falls back to uptime. */
function crowd(n: number, tweak: Record<number, CandidateFields> = {}, groupOf: (id: number) => number = () => 0) {
  return Array.from({ length: n }, (_, i) => peer(i + 1, groupOf(i + 1), tweak[i + 1] ?? {}));
}

describe('selectNodeToEvict', () => {
  describe('the rules, one at a time', () => {
    // Baseline: 30 peers in one group, nothing known about them. Netgroup,
    // ping, tx and block all tie, so they protect by uptime: ids 1–20. Of the
    // 10 left, the oldest 5 (21–25) are protected by uptime, and the youngest
    // of the rest, 30, is evicted.
    it('evicts the youngest of an undistinguished crowd (the baseline)', () => {
      expect(selectNodeToEvict(crowd(30), options)?.id).to.equal(30);
    });

    const table: ReadonlyArray<{ rule: string; tweak: Record<number, CandidateFields>; groupOf?: (id: number) => number; victim: number }> =
      [
        { rule: 'never evicts a whitelisted peer', tweak: { 30: { whitelisted: true } }, victim: 29 },
        { rule: 'never evicts an outbound peer', tweak: { 30: { outbound: true } }, victim: 29 },
        { rule: 'protects the peer in the highest-ranked netgroup', tweak: {}, groupOf: (id) => (id === 30 ? 9 : 0), victim: 29 },
        { rule: 'protects a peer with one of the 8 lowest pings', tweak: { 30: { minPingMs: 250 } }, victim: 29 },
        { rule: 'protects a peer that recently sent a new transaction', tweak: { 30: { lastTxTime: 1 } }, victim: 29 },
        { rule: 'protects a peer that recently sent a new block', tweak: { 30: { lastBlockTime: 1 } }, victim: 29 },
        {
          rule: 'does not protect the 9th-best ping',
          tweak: {
            22: { minPingMs: 1 },
            23: { minPingMs: 2 },
            24: { minPingMs: 3 },
            25: { minPingMs: 4 },
            26: { minPingMs: 5 },
            27: { minPingMs: 6 },
            28: { minPingMs: 7 },
            29: { minPingMs: 8 },
            30: { minPingMs: 9 },
          },
          victim: 30,
        },
        {
          rule: 'does not protect the 5th most recent transaction',
          tweak: { 26: { lastTxTime: 5 }, 27: { lastTxTime: 4 }, 28: { lastTxTime: 3 }, 29: { lastTxTime: 2 }, 30: { lastTxTime: 1 } },
          victim: 30,
        },
        {
          rule: 'does not protect the 5th most recent block',
          tweak: {
            26: { lastBlockTime: 5 },
            27: { lastBlockTime: 4 },
            28: { lastBlockTime: 3 },
            29: { lastBlockTime: 2 },
            30: { lastBlockTime: 1 },
          },
          victim: 30,
        },
        { rule: 'evicts among preferEvict peers only, once the protections are done', tweak: { 26: { preferEvict: true } }, victim: 26 },
        { rule: 'still protects a preferEvict peer that is protected by a rule', tweak: { 1: { preferEvict: true } }, victim: 30 },
        // Equal connection times: the larger id counts as the younger.
        { rule: 'breaks a tie in connection time by id', tweak: { 29: { connectedAt: 30_000 } }, victim: 30 },
      ];
    for (const { rule, tweak, groupOf, victim } of table) {
      it(rule, () => {
        expect(selectNodeToEvict(crowd(30, tweak, groupOf), options)?.id).to.equal(victim);
      });
    }

    // A filler of 20 old peers in the top-ranked group 9 soaks up the four
    // fixed rules; `rest` then faces the uptime rule and the group choice.
    const filler = Array.from({ length: 20 }, (_, i) => peer(i + 1, 9));
    const groupTable: ReadonlyArray<{ rule: string; rest: Array<[id: number, group: number]>; victim: number }> = [
      {
        // 21–23 in group 1 would make it the largest; the uptime rule protects
        // 21 and 22 (half of 5, rounded down), so group 2 is larger.
        rule: 'protects the older half (rounded down) of the rest by uptime',
        rest: [
          [21, 1],
          [22, 1],
          [23, 1],
          [24, 2],
          [25, 2],
        ],
        victim: 25,
      },
      {
        rule: 'picks the group with the most remaining peers, even if another has the youngest',
        rest: [
          [21, 8],
          [22, 8],
          [23, 8],
          [24, 8],
          [25, 8],
          [26, 1],
          [27, 1],
          [28, 1],
          [29, 2],
          [30, 2],
        ],
        victim: 28,
      },
      {
        rule: 'on a tie in size, picks the group whose youngest peer is youngest',
        rest: [
          [21, 8],
          [22, 8],
          [23, 8],
          [24, 8],
          [25, 1],
          [26, 2],
          [27, 2],
          [28, 1],
        ],
        victim: 28,
      },
      {
        rule: 'evicts the youngest of the chosen group',
        rest: [
          [21, 8],
          [22, 8],
          [23, 8],
          [24, 8],
          [25, 3],
          [26, 3],
          [27, 3],
          [28, 2],
          [29, 2],
          [30, 3],
        ],
        victim: 30,
      },
    ];
    for (const { rule, rest, victim } of groupTable) {
      it(rule, () => {
        const candidates = [...filler, ...rest.map(([id, g]) => peer(id, g))];
        expect(selectNodeToEvict(candidates, options)?.id).to.equal(victim);
      });
    }

    it('returns the very candidate object passed in', () => {
      const candidates = crowd(30);
      expect(selectNodeToEvict(candidates, options)).to.equal(candidates[29]);
    });
  });

  describe('when eviction happens at all', () => {
    it('protects exactly 4 + 8 + 4 + 4 = 20 by the fixed rules, so the threshold is 21', () => {
      const { netGroup, ping, tx, block } = EVICTION_PROTECTION;
      expect(netGroup + ping + tx + block + 1).to.equal(MIN_CANDIDATES_TO_EVICT);
    });

    const table: ReadonlyArray<[eligible: number, ineligible: number, evicts: boolean]> = [
      [0, 0, false],
      [1, 0, false],
      [20, 0, false],
      [20, 30, false], // whitelisted and outbound peers do not count
      [21, 0, true],
      [29, 0, true],
      [125, 0, true],
    ];
    for (const [eligible, ineligible, evicts] of table) {
      it(`${evicts ? 'evicts' : 'does not evict'} with ${eligible} eligible and ${ineligible} ineligible peers`, () => {
        const candidates = [
          ...crowd(eligible),
          ...Array.from({ length: ineligible }, (_, i) => peer(1000 + i, 1, i % 2 === 0 ? { whitelisted: true } : { outbound: true })),
        ];
        expect(selectNodeToEvict(candidates, options) !== undefined).to.equal(evicts);
      });
    }
  });

  describe('bad input', () => {
    const table: ReadonlyArray<[what: string, candidates: EvictionCandidate[], field: string, value: unknown]> = [
      ['a duplicate id', [peer(1, 0), peer(1, 1)], 'id', 1],
      ['a NaN ping', [peer(1, 0, { minPingMs: NaN })], 'minPingMs', NaN],
      ['a negative ping', [peer(1, 0, { minPingMs: -1 })], 'minPingMs', -1],
      ['an infinite connection time', [peer(1, 0, { connectedAt: Infinity })], 'connectedAt', Infinity],
      ['a NaN transaction time', [peer(1, 0, { lastTxTime: NaN })], 'lastTxTime', NaN],
      ['an infinite block time', [peer(1, 0, { lastBlockTime: -Infinity })], 'lastBlockTime', -Infinity],
    ];
    for (const [what, candidates, field, value] of table) {
      it(`throws InvalidEvictionCandidateError for ${what}`, () => {
        expect(() => selectNodeToEvict(candidates, options))
          .to.throw(InvalidEvictionCandidateError)
          .that.deep.includes({ id: 1, field, value });
      });
    }

    it('throws InvalidEvictionCandidateError for a keyedGroup rank that is not finite', () => {
      expect(() => selectNodeToEvict([peer(3, 0)], { keyedGroup: () => NaN }))
        .to.throw(InvalidEvictionCandidateError)
        .that.deep.includes({ id: 3, field: 'keyedGroup', value: NaN });
    });

    it('accepts an unknown (Infinity) ping', () => {
      expect(() => selectNodeToEvict([peer(1, 0, { minPingMs: Infinity })])).not.to.throw();
    });
  });

  describe('properties', () => {
    // Memoized: the independent checks below call it inside sort comparators.
    const hmac = keyedNetGroup(fixedKey());
    const ranks = new Map<string, number>();
    const keyedGroup = (c: EvictionCandidate): number => {
      let rank = ranks.get(c.group);
      if (rank === undefined) ranks.set(c.group, (rank = hmac(c)));
      return rank;
    };

    /** A random candidate set: ids 1..n, few groups (so they crowd), ties in every field. */
    const candidatesArb = fc
      .array(
        fc.record({
          g: fc.integer({ min: 0, max: 7 }),
          connectedAt: fc.integer({ min: 0, max: 50 }),
          minPingMs: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 20 })),
          lastTxTime: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
          lastBlockTime: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
          whitelisted: fc.boolean(),
          outbound: fc.boolean(),
          preferEvict: fc.boolean(),
        }),
        { maxLength: 60, size: 'max' },
      )
      .map((rows) =>
        rows.map(({ g, ...fields }, i) =>
          peer(i + 1, g, {
            ...fields,
            // Make whitelisted/outbound/preferEvict rarer than one in two.
            whitelisted: fields.whitelisted && i % 3 === 0,
            outbound: fields.outbound && i % 4 === 0,
            preferEvict: fields.preferEvict && i % 5 === 0,
          }),
        ),
      );

    const eligibleOf = (cs: readonly EvictionCandidate[]) => cs.filter((c) => !c.whitelisted && !c.outbound);

    it(`evicts if and only if at least ${MIN_CANDIDATES_TO_EVICT} candidates are eligible (so never at ≤ 20, always at ≥ 29)`, () => {
      const seen = { evicted: 0, kept: 0, atThreshold: 0 };
      fc.assert(
        fc.property(candidatesArb, (cs) => {
          const evicted = selectNodeToEvict(cs, { keyedGroup }) !== undefined;
          const eligible = eligibleOf(cs).length;
          expect(evicted).to.equal(eligible >= MIN_CANDIDATES_TO_EVICT);
          if (eligible <= 20) expect(evicted).to.equal(false);
          if (eligible >= 29) expect(evicted).to.equal(true);
          seen[evicted ? 'evicted' : 'kept'] += 1;
          if (eligible === 20 || eligible === 21) seen.atThreshold += 1;
        }),
        { seed: 20240601, numRuns: 1000 },
      );
      // The generator must reach both sides, and the boundary itself, often.
      expect(seen.evicted).to.be.greaterThan(200);
      expect(seen.kept).to.be.greaterThan(200);
      expect(seen.atThreshold).to.be.greaterThan(20);
    });

    it('always evicts one of the candidates, never a whitelisted or outbound one', () => {
      fc.assert(
        fc.property(candidatesArb, (cs) => {
          const victim = selectNodeToEvict(cs, { keyedGroup });
          if (victim === undefined) return;
          expect(cs).to.include(victim);
          expect(victim.whitelisted).to.equal(false);
          expect(victim.outbound).to.equal(false);
        }),
        { seed: 20240602, numRuns: 1000 },
      );
    });

    it('never evicts a peer among the best 4 by netgroup, 8 by ping, 4 by tx or 4 by block', () => {
      fc.assert(
        fc.property(candidatesArb, (cs) => {
          const victim = selectNodeToEvict(cs, { keyedGroup });
          if (victim === undefined) return;
          expect(protectedByFixedRules(cs, keyedGroup)).not.to.include(victim);
        }),
        { seed: 20240603, numRuns: 1000 },
      );
    });

    it('does not depend on the order of the candidates', () => {
      const arb = candidatesArb.chain((cs) =>
        fc.tuple(fc.constant(cs), fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length })),
      );
      fc.assert(
        fc.property(arb, ([cs, shuffled]) => {
          expect(selectNodeToEvict(shuffled, { keyedGroup })).to.equal(selectNodeToEvict(cs, { keyedGroup }));
        }),
        { seed: 20240604, numRuns: 1000 },
      );
    });

    // A flood: a peers from one netgroup (group 0), all connected after every
    // honest peer, free to be the best at ping, tx and block relay. Honest
    // peers are spread so that no honest group has more than m members.
    // Derivation: the fixed rules protect at most 20 flood peers, so at least
    // a − 20 ≥ m ≥ 1 remain. Uptime protects the oldest, i.e. honest peers
    // first: either it protects all remaining honest peers (and only flood
    // peers are left) or it protects no flood peer (and group 0 has a − 20 or
    // more left, at least any honest group, and holds the youngest peer to win
    // a tie). Either way the victim is a flood peer.
    it('a flood from one netgroup (20 + m or more peers, m = largest honest group) always evicts one of its own', () => {
      const honestArb = fc.array(
        fc.record({
          g: fc.integer({ min: 1, max: 12 }),
          connectedAt: fc.integer({ min: 0, max: 999_999 }),
          minPingMs: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 500 })),
          lastTxTime: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined }),
          lastBlockTime: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined }),
        }),
        { maxLength: 40, size: 'max' },
      );
      const floodArb = fc.record({
        extra: fc.integer({ min: 0, max: 20 }),
        connectedAt: fc.array(fc.integer({ min: 1_000_000, max: 2_000_000 }), { minLength: 80, maxLength: 80 }),
        minPingMs: fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 80, maxLength: 80 }),
        relay: fc.array(fc.integer({ min: 0, max: 2e6 }), { minLength: 80, maxLength: 80 }),
        preferEvict: fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }),
      });
      fc.assert(
        fc.property(honestArb, floodArb, (honestRows, flood) => {
          const honest = honestRows.map(({ g, ...fields }, i) => peer(i + 1, g, fields));
          const perGroup = new Map<string, number>();
          for (const c of honest) perGroup.set(c.group, (perGroup.get(c.group) ?? 0) + 1);
          const m = Math.max(1, ...perGroup.values());
          const a = 20 + m + flood.extra;
          const attackers = Array.from({ length: a }, (_, i) =>
            peer(1000 + i, 0, {
              connectedAt: flood.connectedAt[i] ?? 1_000_000,
              minPingMs: flood.minPingMs[i] ?? 0,
              lastTxTime: flood.relay[i] ?? 2e6,
              lastBlockTime: flood.relay[i] ?? 2e6,
              preferEvict: flood.preferEvict[i] ?? false,
            }),
          );
          const all = [...honest, ...attackers];
          const victim = selectNodeToEvict(all, { keyedGroup });
          expect(victim).not.to.equal(undefined);
          expect(attackers).to.include(victim);
          expect(protectedByFixedRules(all, keyedGroup)).not.to.include(victim);
        }),
        { seed: 20240605, numRuns: 1000 },
      );
    });

    it('works with the default per-process key', () => {
      fc.assert(
        fc.property(candidatesArb, (cs) => {
          const victim = selectNodeToEvict(cs);
          expect(victim !== undefined).to.equal(eligibleOf(cs).length >= MIN_CANDIDATES_TO_EVICT);
        }),
        { seed: 20240606, numRuns: 200 },
      );
    });
  });
});

/**
 * The peers the four fixed rules always protect, computed independently of the
 * implementation: each rule's best k among all eligible peers. (A peer in the
 * overall best k of a rule is either protected by an earlier rule or still in
 * the best k of those left, since removing others only moves it up.) Ties go
 * to the older peer, then the smaller id, as documented.
 */
function protectedByFixedRules(cs: readonly EvictionCandidate[], keyedGroup: (c: EvictionCandidate) => number): EvictionCandidate[] {
  const eligible = cs.filter((c) => !c.whitelisted && !c.outbound);
  const older = (a: EvictionCandidate, b: EvictionCandidate) => compare(a.connectedAt, b.connectedAt) || compare(a.id, b.id);
  const best = (k: number, order: (a: EvictionCandidate, b: EvictionCandidate) => number) =>
    [...eligible].sort((a, b) => order(a, b) || older(a, b)).slice(0, k);
  return [
    ...best(4, (a, b) => compare(keyedGroup(b), keyedGroup(a)) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)),
    ...best(8, (a, b) => compare(a.minPingMs, b.minPingMs)),
    ...best(4, (a, b) => compare(b.lastTxTime ?? -Infinity, a.lastTxTime ?? -Infinity)),
    ...best(4, (a, b) => compare(b.lastBlockTime ?? -Infinity, a.lastBlockTime ?? -Infinity)),
  ];
}
