// An HDR histogram (Gil Tene's HdrHistogram layout): values are integers
// (the generator records nanoseconds), kept to 3 significant decimal digits
// over the whole range with a fixed-size counts array, so recording is O(1)
// and a 10-second run at a million requests per second costs no memory.
//
// Layout: bucket 0 holds values [0, 2048) at unit resolution; bucket b > 0
// holds [1024 << b, 2048 << b) in 1024 sub-buckets of width 1 << b. The
// counts array stores bucket 0 whole and only the upper half of every other
// bucket (the lower half would repeat the previous bucket's range), which is
// HdrHistogram's `countsArrayIndex`. Relative error is at most 1/1024.

const SUB_BUCKET_HALF_MAGNITUDE = 10;
const SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_MAGNITUDE; // 1024
const SUB_BUCKET_COUNT = SUB_BUCKET_HALF * 2; // 2048: 3 significant digits need >= 2000
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
const TWO_32 = 4294967296;

/** Index of the highest set bit of a non-negative integer up to 2^53. */
function msb(v: number): number {
  if (v >= TWO_32) return 63 - Math.clz32(Math.floor(v / TWO_32));
  return 31 - Math.clz32(v);
}

function bucketOf(v: number): number {
  return msb(v < TWO_32 ? (v | SUB_BUCKET_MASK) >>> 0 : v) - SUB_BUCKET_HALF_MAGNITUDE;
}

/** The serialisable form (sparse counts) that crosses thread boundaries and goes into JSON. */
export interface HistogramData {
  highest: number;
  total: number;
  min: number;
  max: number;
  sum: number;
  /** [countsIndex, count] pairs for the non-zero counts. */
  counts: [number, number][];
}

export class Histogram {
  readonly highest: number;
  private counts: Float64Array;
  total = 0;
  min = Infinity;
  max = 0;
  sum = 0;

  /** Tracks values in [0, highest]; larger values are clamped (and still set `max`). */
  constructor(highest = 3_600_000_000_000) {
    this.highest = highest;
    let buckets = 1;
    for (let untrackable = SUB_BUCKET_COUNT; untrackable <= highest; untrackable *= 2) buckets++;
    this.counts = new Float64Array((buckets + 1) * SUB_BUCKET_HALF);
  }

  static indexOf(v: number): number {
    if (v < 0x80000000) {
      // The common case in integer arithmetic: no float division.
      const b = 31 - Math.clz32(v | SUB_BUCKET_MASK) - SUB_BUCKET_HALF_MAGNITUDE;
      return ((b + 1) << SUB_BUCKET_HALF_MAGNITUDE) + ((v >>> b) - SUB_BUCKET_HALF);
    }
    const b = bucketOf(v);
    const sub = Math.floor(v / 2 ** b);
    return ((b + 1) << SUB_BUCKET_HALF_MAGNITUDE) + (sub - SUB_BUCKET_HALF);
  }

  /** The smallest value counted at `index`. */
  static valueAt(index: number): number {
    let b = (index >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
    let sub = (index & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
    if (b < 0) {
      sub -= SUB_BUCKET_HALF;
      b = 0;
    }
    return sub * 2 ** b;
  }

  /** The largest value that shares `v`'s count (what percentiles report, as HdrHistogram does). */
  static highestEquivalent(v: number): number {
    const b = bucketOf(v);
    return Histogram.valueAt(Histogram.indexOf(v)) + 2 ** b - 1;
  }

  record(v: number): void {
    if (v < 0) v = 0;
    v = Math.floor(v);
    if (v > this.max) this.max = v;
    if (v < this.min) this.min = v;
    this.sum += v;
    this.total++;
    this.counts[Histogram.indexOf(v > this.highest ? this.highest : v)]++;
  }

  /** The value below which `p` percent of the recorded values fall (nearest rank). */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    if (p >= 100) return this.max;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total - 1e-9));
    let seen = 0;
    const c = this.counts;
    for (let i = 0; i < c.length; i++) {
      seen += c[i];
      if (seen >= rank) return Math.min(Histogram.highestEquivalent(Histogram.valueAt(i)), this.max);
    }
    return this.max;
  }

  mean(): number { return this.total ? this.sum / this.total : 0; }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.min = Infinity;
    this.max = 0;
    this.sum = 0;
  }

  add(other: Histogram | HistogramData): void {
    const o = other instanceof Histogram ? other.toData() : other;
    for (const [i, n] of o.counts) this.counts[i] += n;
    this.total += o.total;
    this.sum += o.sum;
    if (o.total) {
      this.min = Math.min(this.min, o.min);
      this.max = Math.max(this.max, o.max);
    }
  }

  toData(): HistogramData {
    const counts: [number, number][] = [];
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]) counts.push([i, this.counts[i]]);
    return { highest: this.highest, total: this.total, min: this.total ? this.min : 0, max: this.max, sum: this.sum, counts };
  }

  static from(data: HistogramData): Histogram {
    const h = new Histogram(data.highest);
    h.add(data);
    return h;
  }
}
