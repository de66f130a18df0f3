// Self-contained SVG charts (no scripts, no fonts or styles from elsewhere):
// grouped bars with whiskers, and percentile-spectrum lines on a "nines"
// axis, as HdrHistogram's plots draw latency.

export const PALETTE = ['#4e79a7', '#e34234', '#59a14f', '#f28e2b', '#76b7b2', '#b07aa1', '#9c755f', '#edc948'];

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1234567 -> "1.23M", 0.00042 -> "0.00042": short labels for axes and bars. */
export function short(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a >= 100) return String(Math.round(v));
  if (a === 0) return '0';
  return String(+v.toPrecision(3));
}

export interface Series {
  name: string;
  color: string;
  /** One value per category; null draws a note instead of a bar. */
  values: (number | null)[];
  lo?: (number | null)[];
  hi?: (number | null)[];
  /** Shown in place of a null value (e.g. "unsupported"). */
  notes?: (string | null)[];
}

export interface BarChart {
  title: string;
  unit: string;
  categories: string[];
  series: Series[];
  log?: boolean;
  /** A horizontal reference line (1.0 for ratios). */
  reference?: number;
  width?: number;
}

function niceTicks(max: number, log: boolean, min: number): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(10 ** e);
    return out;
  }
  const step0 = max / 5;
  const mag = 10 ** Math.floor(Math.log10(step0 || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = 0; v <= max * 1.0001 + step / 2; v += step) out.push(v);
  return out;
}

function legend(series: { name: string; color: string }[], x: number, y: number): string {
  let s = '';
  let cx = x;
  for (const se of series) {
    s += `<rect x="${cx}" y="${y - 9}" width="10" height="10" fill="${se.color}"/><text x="${cx + 14}" y="${y}" class="small">${esc(se.name)}</text>`;
    cx += 24 + se.name.length * 7;
  }
  return s;
}

export function barChart(c: BarChart): string {
  const width = c.width ?? Math.max(640, 90 + c.categories.length * (24 + c.series.length * 18));
  const height = 330;
  const left = 64;
  const right = 16;
  const top = 44;
  const bottom = 84;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = c.series.flatMap((s) => [...s.values, ...(s.hi ?? [])]).filter((v): v is number => v !== null && v > 0 && Number.isFinite(v));
  if (c.reference) all.push(c.reference);
  const max = Math.max(...all, 1e-9);
  const min = c.log ? Math.min(...all, max) : 0;
  const ticks = niceTicks(max, !!c.log, min);
  const top0 = ticks[ticks.length - 1];
  const bot0 = c.log ? ticks[0] : 0;
  const y = (v: number): number => {
    if (c.log) return top + plotH - ((Math.log10(Math.max(v, bot0)) - Math.log10(bot0)) / (Math.log10(top0) - Math.log10(bot0) || 1)) * plotH;
    return top + plotH - (v / (top0 || 1)) * plotH;
  };
  let s = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(c.title)}">`;
  s += `<text x="${left}" y="18" class="title">${esc(c.title)}</text>`;
  s += legend(c.series, left, 36);
  for (const t of ticks) {
    const ty = y(t);
    s += `<line x1="${left}" x2="${width - right}" y1="${ty}" y2="${ty}" class="grid"/><text x="${left - 6}" y="${ty + 4}" class="axis" text-anchor="end">${short(t)}</text>`;
  }
  s += `<text x="14" y="${top + plotH / 2}" class="axis" transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle">${esc(c.unit)}</text>`;
  const groupW = plotW / c.categories.length;
  const barW = Math.min(28, (groupW - 10) / c.series.length);
  c.categories.forEach((cat, i) => {
    const gx = left + i * groupW + (groupW - barW * c.series.length) / 2;
    c.series.forEach((se, j) => {
      const v = se.values[i];
      const bx = gx + j * barW;
      if (v === null || !Number.isFinite(v)) {
        const note = se.notes?.[i] ?? 'n/a';
        s += `<text x="${bx + barW / 2 + 3}" y="${top + plotH - 4}" class="note" transform="rotate(-90 ${bx + barW / 2 + 3} ${top + plotH - 4})">${esc(note)}</text>`;
        return;
      }
      const by = y(v);
      s += `<rect x="${bx + 1}" y="${by}" width="${barW - 2}" height="${Math.max(0.5, top + plotH - by)}" fill="${se.color}"><title>${esc(`${cat} · ${se.name}: ${short(v)} ${c.unit}`)}</title></rect>`;
      const lo = se.lo?.[i];
      const hi = se.hi?.[i];
      if (lo != null && hi != null && hi > lo) {
        const cx = bx + barW / 2;
        s += `<path d="M${cx} ${y(hi)}V${y(lo)}M${cx - 3} ${y(hi)}h6M${cx - 3} ${y(lo)}h6" class="whisker"/>`;
      }
    });
    const lx = left + i * groupW + groupW / 2;
    s += `<text x="${lx}" y="${top + plotH + 14}" class="axis" text-anchor="end" transform="rotate(-35 ${lx} ${top + plotH + 14})">${esc(cat)}</text>`;
  });
  if (c.reference !== undefined) {
    const ry = y(c.reference);
    s += `<line x1="${left}" x2="${width - right}" y1="${ry}" y2="${ry}" class="ref"/>`;
  }
  s += `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" class="frame"/><line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" class="frame"/>`;
  return `${s}</svg>`;
}

export interface SpectrumChart {
  title: string;
  /** Percentiles (50 ... 100) and, per series, latency in µs at each. */
  percentiles: number[];
  series: { name: string; color: string; values: number[] | null }[];
  width?: number;
}

/**
 * Latency by percentile: x is -log10(1 - p/100) (50% -> 0.3, 99% -> 2,
 * 99.9% -> 3), so the tail gets the room it deserves; y is log scale.
 */
export function spectrumChart(c: SpectrumChart): string {
  const width = c.width ?? 300;
  const height = 200;
  const left = 46;
  const right = 10;
  const top = 26;
  const bottom = 26;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const nines = (p: number): number => -Math.log10(Math.max(1e-5, 1 - p / 100));
  const xs = c.percentiles.map((p) => (p >= 100 ? nines(99.999) : nines(p)));
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  const x = (v: number): number => left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const vals = c.series.flatMap((s) => s.values ?? []).filter((v) => v > 0);
  let s = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(c.title)}">`;
  s += `<text x="${left}" y="15" class="title small">${esc(c.title)}</text>`;
  if (!vals.length) return `${s}<text x="${left}" y="${top + plotH / 2}" class="note">no data</text></svg>`;
  const lo = 10 ** Math.floor(Math.log10(Math.min(...vals)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...vals)));
  const y = (v: number): number => top + plotH - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * plotH;
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) {
    const ty = y(10 ** e);
    s += `<line x1="${left}" x2="${width - right}" y1="${ty}" y2="${ty}" class="grid"/><text x="${left - 4}" y="${ty + 3}" class="axis" text-anchor="end">${fmtUs(10 ** e)}</text>`;
  }
  const labels: [number, string][] = [[50, '50%'], [90, '90%'], [99, '99%'], [99.9, '99.9%'], [99.99, '99.99%'], [100, 'max']];
  for (const [p, l] of labels) {
    if (!c.percentiles.includes(p)) continue;
    const lx = x(p >= 100 ? nines(99.999) : nines(p));
    s += `<line x1="${lx}" x2="${lx}" y1="${top}" y2="${top + plotH}" class="grid"/><text x="${lx}" y="${top + plotH + 12}" class="axis" text-anchor="middle">${l}</text>`;
  }
  for (const se of c.series) {
    if (!se.values) continue;
    const pts = se.values.map((v, i) => `${x(xs[i]).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    s += `<polyline points="${pts}" fill="none" stroke="${se.color}" stroke-width="2"><title>${esc(se.name)}</title></polyline>`;
    se.values.forEach((v, i) => { s += `<circle cx="${x(xs[i]).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2" fill="${se.color}"><title>${esc(`${se.name} p${c.percentiles[i]}: ${fmtUs(v)}`)}</title></circle>`; });
  }
  s += `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" class="frame"/><line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" class="frame"/>`;
  return `${s}</svg>`;
}

/** Microseconds as a short human duration. */
export function fmtUs(us: number): string {
  if (us >= 1e6) return `${+(us / 1e6).toPrecision(3)}s`;
  if (us >= 1e3) return `${+(us / 1e3).toPrecision(3)}ms`;
  return `${+us.toPrecision(3)}µs`;
}

/** The style every chart uses; embedded once per HTML page or per standalone SVG. */
export const CHART_CSS = `
text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#222}
.title{font-size:14px;font-weight:600}.small{font-size:11px}.axis{font-size:10px;fill:#555}
.note{font-size:10px;fill:#999;font-style:italic}.grid{stroke:#e6e6e6}.frame{stroke:#888}
.ref{stroke:#333;stroke-dasharray:4 3}.whisker{stroke:#333;stroke-width:1}`;
