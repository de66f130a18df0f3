// bench/histogram.ts: percentiles checked against a sorted array of the same
// values (nearest rank, reported as the top of the value's bucket, as
// HdrHistogram does), the 3-significant-digit bucket layout, merging and the
// serialised form that crosses worker threads.
import { describe, it, expect } from 'vitest';
import { Histogram } from '../../bench/histogram.js';
import { Rng } from '../../bench/generator.js';

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

/** The nearest-rank percentile of sorted values, in the histogram's resolution. */
function expected(sorted: number[], p: number): number {
  if (p >= 100) return sorted[sorted.length - 1];
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return Math.min(Histogram.highestEquivalent(sorted[rank - 1]), sorted[sorted.length - 1]);
}

function check(values: number[]): void {
  const h = new Histogram();
  for (const v of values) h.record(v);
  const sorted = [...values].sort((a, b) => a - b);
  for (const p of PERCENTILES) {
    const got = h.percentile(p);
    expect(got, `p${p}`).toBe(expected(sorted, p));
    // And within 1/1024 of the exact value.
    const exact = p >= 100 ? sorted[sorted.length - 1] : sorted[Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9)) - 1];
    expect(Math.abs(got - exact)).toBeLessThanOrEqual(exact / 1024 + 1);
  }
  expect(h.total).toBe(values.length);
  expect(h.min).toBe(sorted[0]);
  expect(h.max).toBe(sorted[sorted.length - 1]);
  expect(h.mean()).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
}

describe('HDR histogram', () => {
  const rng = new Rng(42);

  it('matches a sorted array: uniform values', () => {
    check(Array.from({ length: 20000 }, () => rng.below(1_000_000)));
  });

  it('matches a sorted array: latency-like (log-normal with a heavy tail)', () => {
    check(Array.from({ length: 20000 }, () => {
      const g = Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
      const base = Math.exp(11 + 0.6 * g); // about 60 µs in ns
      return Math.floor(rng.float() < 0.01 ? base * 200 : base);
    }));
  });

  it('matches a sorted array: small values are exact', () => {
    const values = Array.from({ length: 5000 }, () => rng.below(2048));
    check(values);
    const h = new Histogram();
    for (const v of values) h.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    expect(h.percentile(50)).toBe(sorted[Math.ceil(0.5 * sorted.length) - 1]);
  });

  it('matches a sorted array: values past 2^32 (minutes in ns)', () => {
    check(Array.from({ length: 3000 }, () => 2 ** 32 + rng.below(2 ** 20) * 1000));
  });

  it('matches a sorted array: one value, and repeated values', () => {
    check([12345]);
    check(Array.from({ length: 1000 }, () => 777));
  });

  it('keeps every value within 1/1024 of its bucket', () => {
    for (const v of [0, 1, 2047, 2048, 2049, 4095, 4096, 123456, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 1e12]) {
      const i = Histogram.indexOf(v);
      const lo = Histogram.valueAt(i);
      const hi = Histogram.highestEquivalent(v);
      expect(lo).toBeLessThanOrEqual(v);
      expect(hi).toBeGreaterThanOrEqual(v);
      expect(hi - lo + 1).toBeLessThanOrEqual(Math.max(1, v / 1024));
      if (v > 0) expect(Histogram.indexOf(v - 1)).toBeLessThanOrEqual(i);
    }
  });

  it('indexes monotonically across bucket boundaries', () => {
    let last = -1;
    let backwards = 0;
    for (let v = 0; v < 1 << 20; v += 3) {
      const i = Histogram.indexOf(v);
      if (i < last) backwards++;
      last = i;
    }
    expect(backwards).toBe(0);
  });

  it('merges, and survives its serialised form', () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 0; i < 5000; i++) {
      const v = rng.below(10_000_000);
      (i % 3 ? a : b).record(v);
      all.record(v);
    }
    const merged = Histogram.from(JSON.parse(JSON.stringify(a.toData())));
    merged.add(b.toData());
    for (const p of PERCENTILES) expect(merged.percentile(p)).toBe(all.percentile(p));
    expect(merged.total).toBe(all.total);
    expect(merged.min).toBe(all.min);
    expect(merged.max).toBe(all.max);
  });

  it('clamps values past its highest trackable value but keeps the true max', () => {
    const h = new Histogram(1_000_000);
    h.record(5);
    h.record(10_000_000);
    expect(h.max).toBe(10_000_000);
    expect(h.percentile(100)).toBe(10_000_000);
    expect(h.percentile(99)).toBeLessThanOrEqual(10_000_000);
  });

  it('is empty after reset', () => {
    const h = new Histogram();
    h.record(10);
    h.reset();
    expect(h.total).toBe(0);
    expect(h.percentile(50)).toBe(0);
    expect(h.toData().counts).toEqual([]);
  });
});
