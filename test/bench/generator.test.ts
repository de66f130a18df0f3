// bench/generator.ts: the seeded random source, and the shapes of the key
// distributions (Zipfian frequencies against 1/k^theta, uniform flatness,
// sequential order and striding across worker threads).
import { describe, it, expect } from 'vitest';
import { Rng, ZipfianKeys, UniformKeys, SequentialKeys, makeKeyGen, zeta } from '../../bench/generator.js';

function counts(next: () => number, n: number, draws: number): Float64Array {
  const c = new Float64Array(n);
  for (let i = 0; i < draws; i++) c[next()]++;
  return c;
}

describe('Rng', () => {
  it('is repeatable for a seed and differs between seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 10 }, () => a.u32());
    expect(Array.from({ length: 10 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c.u32())).not.toEqual(xs);
  });

  it('draws floats in [0, 1) and integers below n', () => {
    const r = new Rng(1);
    let min = 1;
    let max = 0;
    let bad = 0;
    for (let i = 0; i < 100000; i++) {
      const f = r.float();
      min = Math.min(min, f);
      max = Math.max(max, f);
      const k = r.below(10);
      if (!(k >= 0 && k < 10 && Number.isInteger(k))) bad++;
    }
    expect(bad).toBe(0);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(min).toBeLessThan(0.001);
    expect(max).toBeLessThan(1);
    expect(max).toBeGreaterThan(0.999);
  });
});

describe('Zipfian keys', () => {
  const n = 1000;
  const theta = 0.99;
  const draws = 400000;
  const z = new ZipfianKeys(n, new Rng(3), theta);
  const c = counts(() => z.next(), n, draws);

  it('gives rank k a share of 1/(k+1)^theta / zeta(n, theta)', () => {
    const zn = zeta(n, theta);
    for (const k of [0, 1, 2, 3, 4, 9, 49, 99, 499, 999]) {
      const p = 1 / Math.pow(k + 1, theta) / zn;
      const sd = Math.sqrt(draws * p * (1 - p));
      expect(Math.abs(c[k] - draws * p), `rank ${k}`).toBeLessThan(5 * sd);
    }
    // Chi-square over the 100 hottest ranks and the rest pooled (100 degrees
    // of freedom: the 99.9th percentile is about 149).
    let chi2 = 0;
    let restObserved = draws;
    let restP = 1;
    for (let k = 0; k < 100; k++) {
      const p = 1 / Math.pow(k + 1, theta) / zn;
      chi2 += (c[k] - draws * p) ** 2 / (draws * p);
      restObserved -= c[k];
      restP -= p;
    }
    chi2 += (restObserved - draws * restP) ** 2 / (draws * restP);
    expect(chi2).toBeLessThan(149);
  });

  it('falls off as a power law with exponent -theta', () => {
    // Least squares of log(count) on log(rank) over the ranks with enough samples.
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; k < 200; k++) {
      xs.push(Math.log(k + 1));
      ys.push(Math.log(c[k]));
    }
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    expect(slope).toBeGreaterThan(-theta - 0.08);
    expect(slope).toBeLessThan(-theta + 0.08);
  });

  it('stays in range and reaches the cold end', () => {
    expect(c.reduce((a, b) => a + b)).toBe(draws);
    expect(c.slice(n / 2).reduce((a, b) => a + b)).toBeGreaterThan(0);
    const tiny = new ZipfianKeys(2, new Rng(1), theta);
    for (let i = 0; i < 1000; i++) expect(tiny.next()).toBeLessThan(2);
  });

  it('works at theta 1 and beyond', () => {
    for (const t of [1, 1.5]) {
      const g = new ZipfianKeys(100, new Rng(5), t);
      const cc = counts(() => g.next(), 100, 100000);
      const p0 = 1 / zeta(100, t);
      expect(Math.abs(cc[0] / 100000 - p0)).toBeLessThan(0.01);
    }
  });

  it('is skewed more by a larger theta', () => {
    const mild = new ZipfianKeys(n, new Rng(3), 0.5);
    const cm = counts(() => mild.next(), n, 100000);
    expect(cm[0] / 100000).toBeLessThan(c[0] / draws);
    expect(() => new ZipfianKeys(n, new Rng(1), 0)).toThrow();
  });
});

describe('uniform and sequential keys', () => {
  it('spreads uniform keys evenly (chi-square)', () => {
    const n = 100;
    const draws = 200000;
    const u = new UniformKeys(n, new Rng(9));
    const c = counts(() => u.next(), n, draws);
    const e = draws / n;
    const chi2 = c.reduce((a, x) => a + (x - e) ** 2 / e, 0);
    // 99 degrees of freedom: the 99.9th percentile of chi-square is about 149.
    expect(chi2).toBeLessThan(149);
  });

  it('walks sequential keys in order and wraps', () => {
    const s = new SequentialKeys(5);
    expect(Array.from({ length: 12 }, () => s.next())).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]);
  });

  it('strides sequential keys across workers so that together they cover the space in order', () => {
    const workers = [0, 1, 2].map((w) => makeKeyGen('sequential', 10, new Rng(1), { start: w, step: 3 }));
    const rounds = Array.from({ length: 4 }, () => workers.map((g) => g.next())).flat();
    expect(rounds.slice(0, 9)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(rounds).size).toBe(10);
  });

  it('rejects an unknown distribution', () => {
    expect(() => makeKeyGen('pareto' as never, 10, new Rng(1))).toThrow(/unknown distribution/);
  });
});
