// Seeded random numbers and key distributions for the load generator.
//
// Every worker thread and connection gets its own seeded stream, so a run is
// repeatable for a given --seed and the choice of keys costs a few integer
// operations per request (no Math.random, no allocation).

/** sfc32 (Chris Doty-Humphrey's small fast counter): 128-bit state, 32-bit output. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads a small seed over the whole state.
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number { return this.u32() / 4294967296; }

  /** Uniform integer in [0, n). */
  below(n: number): number { return Math.floor(this.float() * n); }
}

/** A source of key indices in [0, n). */
export interface KeyGen {
  readonly n: number;
  next(): number;
}

export class UniformKeys implements KeyGen {
  constructor(readonly n: number, private rng: Rng) {}
  next(): number { return this.rng.below(this.n); }
}

/**
 * Keys taken in order, wrapping at n. Worker w of W starts at w and steps by
 * W, so W workers together still walk the key space in order.
 */
export class SequentialKeys implements KeyGen {
  private i: number;
  constructor(readonly n: number, start = 0, private step = 1) { this.i = start % n; }
  next(): number {
    const k = this.i;
    this.i += this.step;
    if (this.i >= this.n) this.i %= this.n;
    return k;
  }
}

/** zeta(n, theta) = sum over i in [1, n] of 1 / i^theta: the Zipfian normalising constant. */
export function zeta(n: number, theta: number): number {
  let z = 0;
  for (let i = 1; i <= n; i++) z += 1 / Math.pow(i, theta);
  return z;
}

/**
 * Zipfian ranks: P(rank k) is proportional to 1 / (k + 1)^theta, so key 0 is
 * the hottest (YCSB's skew; theta 0.99 by default). Drawn exactly, in O(1)
 * per draw, by rejection-inversion (Hörmann and Derflinger, "Rejection-
 * inversion to generate variates from monotone discrete distributions",
 * 1996, as Apache Commons' ZipfRejectionInversionSampler) rather than by
 * Gray et al.'s approximation, which overweights ranks 2 to 10 by up to 16%.
 */
export class ZipfianKeys implements KeyGen {
  private readonly hX1: number;
  private readonly hN: number;
  private readonly s: number;

  constructor(readonly n: number, private rng: Rng, readonly theta = 0.99) {
    if (!(theta > 0)) throw new Error('zipf theta must be above 0');
    this.hX1 = this.hIntegral(1.5) - 1;
    this.hN = this.hIntegral(n + 0.5);
    this.s = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  next(): number {
    for (;;) {
      const u = this.hN + this.rng.float() * (this.hX1 - this.hN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.s || u >= this.hIntegral(k + 0.5) - this.h(k)) return k - 1;
    }
  }

  private h(x: number): number { return Math.exp(-this.theta * Math.log(x)); }

  /** The integral of h from 1 to x (up to a constant). */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.theta) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.theta);
    if (t < -1) t = -1;
    return Math.exp(helper1(t) * x);
  }
}

/** log1p(x) / x, accurate near 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x) / x, accurate near 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}

export type Distribution = 'uniform' | 'zipf' | 'sequential';

export function makeKeyGen(dist: Distribution, n: number, rng: Rng, opts: { theta?: number; start?: number; step?: number } = {}): KeyGen {
  switch (dist) {
    case 'uniform': return new UniformKeys(n, rng);
    case 'zipf': return new ZipfianKeys(n, rng, opts.theta ?? 0.99);
    case 'sequential': return new SequentialKeys(n, opts.start ?? 0, opts.step ?? 1);
    default: throw new Error(`unknown distribution ${dist as string} (uniform, zipf, sequential)`);
  }
}
