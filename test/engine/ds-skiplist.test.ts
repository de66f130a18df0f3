// assembly/ds/skiplist.ts on its own: random inserts, deletes, score updates
// and rank-range deletes checked against a sorted array, with every
// invariant (order, backward links, tail, length, spans, levels) verified
// after each step by dsZslCheck.
import { describe, it, expect } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { Prng } from '../helpers/prng.js';

type Item = { score: number; m: string; node: number };
const cmp = (a: Item, b: Item) => (a.score !== b.score ? a.score - b.score : Buffer.compare(Buffer.from(a.m), Buffer.from(b.m)));

class Zsl {
  zsl: number;
  constructor(private e: Engine) { this.zsl = e.x.dsZslNew(); }
  private put(s: string): number {
    const b = Buffer.from(s);
    this.e.bytes().set(b, this.e.x.hostArg(b.length));
    return b.length;
  }
  insert(score: number, m: string): number { return this.e.x.dsZslInsert(this.zsl, score, this.put(m)); }
  del(score: number, m: string): boolean { return this.e.x.dsZslDelete(this.zsl, score, this.put(m)) === 1; }
  rank(score: number, m: string): number { return this.e.x.dsZslRank(this.zsl, score, this.put(m)); }
  byRank(r: number): string | null {
    const n = this.e.x.dsZslByRank(this.zsl, r);
    return n < 0 ? null : Buffer.from(this.e.bytes().subarray(this.e.x.dsOut(), this.e.x.dsOut() + n)).toString();
  }
  check(): number { return this.e.x.dsZslCheck(this.zsl); }
}

describe('skiplist', () => {
  it('matches a sorted array under random operations, invariants after every step', () => {
    const e = new Engine({ databases: 1, debug: true, hashSeed: 1, randomSeed: 7n });
    const z = new Zsl(e);
    const model: Item[] = [];
    const rnd = new Prng(11);
    for (let step = 0; step < 3000; step++) {
      const op = rnd.int(10);
      if (op < 5 || model.length === 0) {
        const m = `m${rnd.int(400)}`;
        if (model.some((x) => x.m === m)) continue;
        // Few distinct scores, so ties ordered by member bytes are common.
        const score = rnd.int(20) - 5;
        model.push({ score, m, node: z.insert(score, m) });
      } else if (op < 7) {
        const i = rnd.int(model.length);
        expect(z.del(model[i].score, model[i].m)).toBe(true);
        expect(z.del(model[i].score, model[i].m)).toBe(false);
        model.splice(i, 1);
      } else if (op < 9) {
        const it = model[rnd.int(model.length)];
        it.score = rnd.int(20) - 5 + (rnd.int(2) ? 0.5 : 0);
        e.x.dsZslUpdate(z.zsl, it.node, it.score);
        expect(e.x.dsZslNodeScore(it.node)).toBe(it.score);
      } else {
        model.sort(cmp);
        const a = 1 + rnd.int(model.length);
        const b = Math.min(model.length, a + rnd.int(5));
        expect(e.x.dsZslDeleteRanks(z.zsl, a, b)).toBe(b - a + 1);
        model.splice(a - 1, b - a + 1);
      }
      expect(z.check()).toBe(0);
      expect(e.x.dsZslLength(z.zsl)).toBe(model.length);
    }
    model.sort(cmp);
    model.forEach((it, i) => {
      expect(z.rank(it.score, it.m)).toBe(i + 1);
      expect(z.byRank(i + 1)).toBe(it.m);
    });
    expect(z.byRank(model.length + 1)).toBe(null);
    expect(z.byRank(0)).toBe(null);
    expect(z.rank(1000, 'nope')).toBe(0);
    // Score ranges: first and last in [min, max].
    for (let t = 0; t < 50; t++) {
      const lo = rnd.int(24) - 6, hi = lo + rnd.int(6);
      const inside = model.map((x, i) => [x, i + 1] as const).filter(([x]) => x.score >= lo && x.score <= hi);
      const want = inside.length === 0 ? 0 : inside[0][1] * 4294967296 + inside[inside.length - 1][1];
      expect(e.x.dsZslScoreRange(z.zsl, lo, hi)).toBe(want);
    }
    e.x.dsZslFree(z.zsl);
  });
});
