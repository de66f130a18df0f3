// Small statistics over repeated runs.

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median of the non-null values, or null if there are none. */
export function medianOrNull(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? median(v) : null;
}

export function geomean(xs: number[]): number {
  const v = xs.filter((x) => x > 0 && Number.isFinite(x));
  return v.length ? Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length) : NaN;
}

export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a != null && b != null && b !== 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b : null;
}
