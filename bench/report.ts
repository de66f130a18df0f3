// The results document (one JSON shape for every mode) and its renderings:
// a terminal table, Markdown (the README's performance section), and a
// self-contained HTML page or SVG with charts.
import { Machine, describeMachine } from './machine.js';
import { RunSettings, SPECTRUM } from './runner.js';
import { TargetInfo, WorkloadResult } from './suite.js';
import { MemoryDatasetResult } from './memory.js';
import { MicroResult } from './micro.js';
import { CalibrationRow } from './calibrate.js';
import { geomean } from './stats.js';
import { barChart, spectrumChart, esc, fmtUs, PALETTE, CHART_CSS, Series } from './charts.js';

export interface BenchResults {
  tool: string;
  version: string;
  machine: Machine;
  /** The command line that reproduces every figure in this document. */
  command: string;
  elapsedSeconds: number;
  load?: {
    settings: Omit<RunSettings, 'pipeline'> & { repeats: number; pipelines: number[] };
    elapsedSeconds: number;
    targets: TargetInfo[];
    /** One entry per workload and pipeline depth. */
    workloads: WorkloadResult[];
  };
  calibration?: {
    target: TargetInfo;
    settings: { connections: number; keyspace: number; valueSize: number; requests: number; repeats: number; threads: number };
    rows: CalibrationRow[];
  };
  memory?: { scale: number; targets: TargetInfo[]; datasets: MemoryDatasetResult[] };
  micro?: { timeMs: number; scale: number; results: MicroResult[] };
}

// ---- number formats

const int = (v: number): string => Math.round(v).toLocaleString('en-US');
/** Bytes in MiB: Redis's `100mb` is 100 MiB (100 * 2^20 bytes). */
const mb = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;
const ms = (us: number): string => {
  const m = us / 1000;
  return m >= 100 ? m.toFixed(0) : m >= 10 ? m.toFixed(1) : m >= 1 ? m.toFixed(2) : m.toFixed(3);
};
const x2 = (v: number | null | undefined): string => (v == null ? '–' : `${v.toFixed(2)}×`);
const num1 = (v: number | null | undefined): string => (v == null ? '–' : v.toFixed(1));
const nsFmt = (v: number | null): string => (v == null ? '–' : v >= 100 ? int(v) : v.toFixed(1));

function wlLabel(r: BenchResults, w: { name: string; pipeline: number }): string {
  return r.load && r.load.settings.pipelines.length > 1 ? `${w.name} -P${w.pipeline}` : w.name;
}

/**
 * Aligned plain-text table. Columns whose cells are numbers are right-aligned.
 * A row shorter than the header ends in a free-form cell (a reason) that is
 * printed as is and does not widen its column.
 */
export function textTable(header: string[], rows: string[][]): string {
  const fixed = (r: string[], i: number): boolean => i < r.length && (r.length === header.length || i < r.length - 1);
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (fixed(r, i) ? r[i].length : 0))));
  const right = header.map((_, i) => rows.some((r) => fixed(r, i) && /^[-–]?[\d.,]+[×%]?$|^–$/.test(r[i])));
  const line = (cells: string[]): string => cells.map((c, i) => {
    if (!fixed(cells, i) && cells !== header) return c;
    return right[i] ? c.padStart(width[i]) : c.padEnd(width[i]);
  }).join('  ').trimEnd();
  return [line(header), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function mdTable(header: string[], rows: string[][], rightFrom = 1): string {
  const sep = header.map((_, i) => (i >= rightFrom ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function shortReason(reason: string | undefined): string {
  const r = (reason ?? '').replace(/, with args beginning with:.*$/, '');
  return r.length > 60 ? `${r.slice(0, 57)}...` : r;
}

function settingsLine(r: BenchResults): string {
  const s = r.load!.settings;
  const dist = s.distribution === 'zipf' ? `zipf θ=${s.zipfTheta}` : s.distribution;
  const amount = s.requests > 0 ? `${int(s.requests)} requests` : `${s.warmupMs / 1000} s warm-up + ${s.durationMs / 1000} s measured`;
  const mix = s.readRatio != null ? `, ${Math.round(s.readRatio * 100)}% reads in every mix` : '';
  const ps = [...s.pipelines].sort((a, b) => a - b);
  const pipes = ps.length > 1 ? `pipelines ${ps.slice(0, -1).join(', ')} and ${ps[ps.length - 1]}` : `pipeline ${ps[0]}`;
  return `${s.connections} connections, ${pipes}, ${int(s.keyspace)} keys (${dist}), ${s.valueSize}-byte values${mix}, ` +
    `${amount}, median of ${s.repeats} runs alternating the targets' order, ${s.threads} generator thread${s.threads > 1 ? 's' : ''}`;
}

/** Geometric mean of each target's ops/s ratio over the workloads every target ran. */
function overall(r: BenchResults): { target: string; ratio: number; count: number }[] {
  const l = r.load!;
  return l.targets.slice(1).map((t, j) => {
    const ratios = l.workloads.map((w) => w.results[j + 1].ratio?.opsPerSec).filter((x): x is number => x != null);
    return { target: t.name, ratio: geomean(ratios), count: ratios.length };
  });
}

/** A warning when other work was running: a busy machine makes every figure noisy. */
export function busyNote(m: Machine): string | null {
  if (m.loadAverage <= m.cores * 0.5) return null;
  return `The machine was busy when this was measured (load average ${m.loadAverage} on ${m.cores} cores): ` +
    'other processes competed with the servers and the generator, so these figures are noisy. Rerun on an idle machine.';
}

// ---- terminal

export function renderText(r: BenchResults): string {
  const out: string[] = [`vermilion-benchmark ${r.version} · ${describeMachine(r.machine)}`];
  const busy = busyNote(r.machine);
  if (busy) out.push(busy);
  if (r.load) {
    const l = r.load;
    out.push('', settingsLine(r), '');
    const rows: string[][] = [];
    for (const w of l.workloads) {
      w.results.forEach((res, i) => {
        const name = i === 0 ? wlLabel(r, w) : '';
        if (!res.median) {
          rows.push([name, res.target, `${res.status}: ${shortReason(res.reason)}`]);
          return;
        }
        const m = res.median;
        const extra: string[] = [];
        if (m.hitRatio != null) extra.push(`hit ${(m.hitRatio * 100).toFixed(1)}%`);
        if (m.deliveredPerSec != null) extra.push(`${int(m.deliveredPerSec)} msg/s, delivery p99 ${m.delivery ? ms(m.delivery.p99) : '–'} ms`);
        if (m.usedMemoryMax != null) extra.push(`used_memory at most ${mb(m.usedMemoryMax)}`);
        if (m.errors) extra.push(`${m.errors} errors`);
        rows.push([name, res.target, int(m.opsPerSec), i === 0 ? '1.00×' : x2(res.ratio?.opsPerSec), ms(m.latency.p50), ms(m.latency.p99),
          ms(m.latency.p999), ms(m.latency.max), num1(m.serverCpuUs), i === 0 ? '1.00×' : x2(res.ratio?.serverCpuUs), num1(m.clientCpuUs), extra.join(', ')]);
      });
    }
    out.push(textTable(['workload', 'target', 'ops/s', '×', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'srv µs/op', '×', 'gen µs/op', ''], rows));
    for (const o of overall(r)) if (o.count) out.push('', `${o.target}: ${o.ratio.toFixed(2)}× the ops/s of ${l.targets[0].name} (geometric mean over ${o.count} workloads)`);
  }
  if (r.calibration) {
    out.push('', `Generator vs redis-benchmark on ${r.calibration.target.name} (${r.calibration.target.server}):`);
    out.push(textTable(['test', '-P', 'redis-benchmark req/s', 'vermilion-benchmark req/s', '×', 'rb µs/req', 'ours µs/req', 'server µs/req rb', 'ours'],
      r.calibration.rows.map((c) => [c.test, String(c.pipeline), int(c.redisBenchmarkRps), int(c.generatorRps), x2(c.ratio), num1(c.redisBenchmarkCpuUs), num1(c.generatorCpuUs),
        num1(c.serverCpuUsRedisBenchmark), num1(c.serverCpuUsGenerator)])));
  }
  if (r.memory) {
    out.push('', `Memory (bytes per item; RSS growth and the server's used_memory growth), scale ${r.memory.scale}:`);
    const rows: string[][] = [];
    for (const d of r.memory.datasets) {
      d.results.forEach((res, i) => {
        const name = i === 0 ? `${d.name} (${int(d.items)})` : '';
        if (res.status !== 'ok') rows.push([name, res.target, `${res.status}: ${shortReason(res.reason)}`]);
        else rows.push([name, res.target, num1(res.rssBytesPerItem), num1(res.usedBytesPerItem), i ? x2(res.ratio?.rss) : '1.00×', i ? x2(res.ratio?.used) : '1.00×', int(res.loadPerSec ?? 0)]);
      });
    }
    out.push(textTable(['dataset', 'target', 'RSS B/item', 'used B/item', 'RSS ×', 'used ×', 'load items/s'], rows));
  }
  if (r.micro) {
    out.push('', `In-process micro-benchmarks (tinybench, ${r.micro.timeMs} ms each):`);
    out.push(textTable(['group', 'case', 'ops/s', 'median ns', 'mean ns', 'p99 ns'],
      r.micro.results.map((m) => (m.status === 'ok'
        ? [m.group, m.name, int(m.opsPerSec!), nsFmt(m.medianNs), nsFmt(m.meanNs), nsFmt(m.p99Ns)]
        : [m.group, m.name, `unsupported: ${shortReason(m.reason)}`]))));
  }
  out.push('', `Reproduce: ${r.command}`);
  return out.join('\n');
}

// ---- Markdown

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  out.push(`<!-- Generated by vermilion-benchmark ${r.version}: \`${r.command}\`. Do not edit by hand; rerun it. -->`, '');
  out.push(`Measured on ${describeMachine(r.machine)}, ${r.machine.date.slice(0, 10)}. Reproduce every number below with:`, '');
  out.push('```sh', r.command, '```');
  const busy = busyNote(r.machine);
  if (busy) out.push('', `**${busy}**`);
  if (r.load) {
    const l = r.load;
    out.push('', '### Throughput and latency', '');
    out.push(`${settingsLine(r)}. Targets: ${l.targets.map((t) => `${t.name} = ${t.server}${t.started ? ' started by the harness' : ` at ${t.address}`}`).join('; ')}. ` +
      `Ratios (×) are over ${l.targets[0].name}: above 1.0 means more ops/s, or more server CPU time per op. ` +
      'An op is one command, except a MULTI/EXEC transaction (one op: the whole transaction, 4 commands for ratelimit, 12 for multi-incr10).', '');
    const header = ['workload'];
    l.targets.forEach((t, i) => {
      header.push(`${t.name} ops/s`);
      if (i > 0) header.push('×');
      header.push(`${t.name} p50 / p99 ms`);
    });
    if (l.targets.length > 1) header.push(...l.targets.slice(1).map((t) => `${t.name} CPU/op ×`));
    const rows = l.workloads.map((w) => {
      const row = [`${wlLabel(r, w)} (${w.type})`];
      w.results.forEach((res, i) => {
        if (!res.median) {
          row.push(res.status === 'unsupported' ? 'unsupported' : res.status);
          if (i > 0) row.push('–');
          row.push('–');
          return;
        }
        row.push(int(res.median.opsPerSec));
        if (i > 0) row.push(x2(res.ratio?.opsPerSec));
        row.push(`${ms(res.median.latency.p50)} / ${ms(res.median.latency.p99)}`);
      });
      if (l.targets.length > 1) row.push(...w.results.slice(1).map((res) => x2(res.ratio?.serverCpuUs)));
      return row;
    });
    out.push(mdTable(header, rows));
    for (const o of overall(r)) {
      if (o.count) out.push('', `${o.target}: ${o.ratio.toFixed(2)}× the ops/s of ${l.targets[0].name}, geometric mean over the ${o.count} workloads both ran.`);
    }
    const notes = l.workloads.flatMap((w) => w.results.filter((x) => !x.median).map((x) => `${wlLabel(r, w)} on ${x.target}: ${shortReason(x.reason)}`));
    if (notes.length) out.push('', `Not measured: ${notes.join('; ')}.`);
    const extras = l.workloads.flatMap((w) => w.results.filter((x) => x.median?.hitRatio != null || x.median?.deliveredPerSec != null || x.median?.usedMemoryMax != null).map((x) => {
      const m = x.median!;
      if (m.usedMemoryMax != null) return `${wlLabel(r, w)} on ${x.target}: used_memory at most ${mb(m.usedMemoryMax)}`;
      return m.hitRatio != null ? `${wlLabel(r, w)} hit ratio on ${x.target} ${(m.hitRatio * 100).toFixed(1)}%`
        : `${wlLabel(r, w)} on ${x.target} delivered ${int(m.deliveredPerSec!)} messages/s (publish to receipt p99 ${m.delivery ? ms(m.delivery.p99) : '–'} ms)`;
    }));
    if (extras.length) out.push('', `${extras.join('; ')}.`);
  }
  if (r.calibration) {
    const c = r.calibration;
    out.push('', '### Is the load generator the limit?', '');
    out.push(`The same requests (${c.settings.connections} connections, ${int(c.settings.keyspace)} keys, ${c.settings.valueSize}-byte values, ${int(c.settings.requests)} requests, median of ${c.settings.repeats}) ` +
      `sent by \`redis-benchmark\` and by this generator (${c.settings.threads} thread${c.settings.threads > 1 ? 's' : ''}) to ${c.target.server}, alternately. ` +
      '× above 1.0 means this generator drove the server harder than redis-benchmark did. CPU is time per request: each tool\'s own, and the server\'s under each.', '');
    out.push(mdTable(['test', '-P', 'redis-benchmark req/s', 'vermilion-benchmark req/s', '×', 'redis-benchmark CPU µs', 'vermilion-benchmark CPU µs', 'server CPU µs (redis-benchmark / ours)'],
      c.rows.map((x) => [x.test, String(x.pipeline), int(x.redisBenchmarkRps), int(x.generatorRps), x2(x.ratio), num1(x.redisBenchmarkCpuUs), num1(x.generatorCpuUs),
        `${num1(x.serverCpuUsRedisBenchmark)} / ${num1(x.serverCpuUsGenerator)}`])));
  }
  if (r.memory) {
    const m = r.memory;
    out.push('', '### Memory', '');
    out.push('Bytes per item after loading each dataset into a freshly started server: growth of the process\'s RSS (what the machine pays) ' +
      `and of the server's own \`used_memory\` (INFO memory).${m.scale !== 1 ? ` Datasets scaled by ${m.scale}.` : ''}`, '');
    const header = ['dataset', 'items'];
    m.targets.forEach((t, i) => {
      header.push(`${t.name} RSS`, `${t.name} used_memory`);
      if (i > 0) header.push('RSS ×');
    });
    out.push(mdTable(header, m.datasets.map((d) => {
      const row = [`${d.name}: ${d.description}`, int(d.items)];
      d.results.forEach((res, i) => {
        if (res.status !== 'ok') row.push(res.status, '–');
        else row.push(num1(res.rssBytesPerItem), num1(res.usedBytesPerItem));
        if (i > 0) row.push(x2(res.ratio?.rss));
      });
      return row;
    })));
  }
  if (r.micro) {
    out.push('', '### In process', '');
    out.push(`tinybench, ${r.micro.timeMs} ms per case, release engine; calls/s at the median time per call. The engine cases send RESP bytes through \`Engine.feed\` and copy the reply out, ` +
      'as the server does; the JS Map does no parsing at all and ioredis-mock is the usual in-process stand-in. ' +
      'Structures without a wrapper of their own are measured through their commands.', '');
    out.push(mdTable(['case', 'calls/s', 'median ns', 'p99 ns'], r.micro.results.map((x) => (x.status === 'ok'
      ? [`${x.group}: ${x.name}`, int(x.opsPerSec!), nsFmt(x.medianNs), nsFmt(x.p99Ns)]
      : [`${x.group}: ${x.name}`, 'unsupported', '–', '–']))));
  }
  return `${out.join('\n')}\n`;
}

// ---- HTML and SVG

function loadCharts(r: BenchResults): { main: string[]; spectra: string[] } {
  const l = r.load!;
  const cats = l.workloads.map((w) => wlLabel(r, w));
  const color = (i: number): string => PALETTE[i % PALETTE.length];
  const note = (w: WorkloadResult, i: number): string | null => (w.results[i].median ? null : w.results[i].status);
  const series = (f: (w: WorkloadResult, i: number) => number | null): Series[] => l.targets.map((t, i) => ({
    name: t.name, color: color(i), values: l.workloads.map((w) => f(w, i)), notes: l.workloads.map((w) => note(w, i)),
  }));
  const main: string[] = [];
  const tp = series((w, i) => w.results[i].median?.opsPerSec ?? null);
  tp.forEach((s, i) => {
    s.lo = l.workloads.map((w) => w.results[i].median?.opsPerSecRange[0] ?? null);
    s.hi = l.workloads.map((w) => w.results[i].median?.opsPerSecRange[1] ?? null);
  });
  // A log scale when pipelined and unpipelined runs share the chart.
  const ops = tp.flatMap((x) => x.values).filter((v): v is number => v !== null && v > 0);
  const wide = ops.length > 0 && Math.max(...ops) / Math.min(...ops) > 30;
  main.push(barChart({
    title: `Throughput (median of ${l.settings.repeats}; whiskers: lowest and highest run${wide ? '; log scale' : ''})`,
    unit: 'ops/s', categories: cats, series: tp, log: wide,
  }));
  if (l.targets.length > 1) {
    main.push(barChart({
      title: `Throughput relative to ${l.targets[0].name}`, unit: `× ${l.targets[0].name}`, categories: cats, reference: 1,
      series: series((w, i) => (i === 0 ? (w.results[0].median ? 1 : null) : w.results[i].ratio?.opsPerSec ?? null)),
    }));
  }
  for (const [p, label] of [['p50', 'p50'], ['p99', 'p99'], ['p999', 'p99.9']] as const) {
    main.push(barChart({
      title: `Latency ${label} (log scale)`, unit: 'ms', log: true, categories: cats,
      series: series((w, i) => {
        const us = w.results[i].median?.latency[p];
        return us == null ? null : us / 1000;
      }),
    }));
  }
  if (l.workloads.some((w) => w.results.some((x) => x.median?.serverCpuUs != null))) {
    main.push(barChart({ title: 'Server CPU time per op', unit: 'µs', categories: cats, series: series((w, i) => w.results[i].median?.serverCpuUs ?? null) }));
  }
  const spectra = l.workloads.map((w) => spectrumChart({
    title: `${wlLabel(r, w)}: latency by percentile`, percentiles: SPECTRUM,
    series: w.results.map((x, i) => ({ name: x.target, color: color(i), values: x.median?.spectrum ?? null })),
  }));
  return { main, spectra };
}

function memoryChart(r: BenchResults): string {
  const m = r.memory!;
  return barChart({
    title: 'Memory: RSS growth per item', unit: 'bytes/item', categories: m.datasets.map((d) => d.name),
    series: m.targets.map((t, i) => ({
      name: t.name, color: PALETTE[i % PALETTE.length],
      values: m.datasets.map((d) => d.results[i].rssBytesPerItem), notes: m.datasets.map((d) => (d.results[i].status === 'ok' ? null : d.results[i].status)),
    })),
  });
}

function microChart(r: BenchResults): string {
  const ok = r.micro!.results;
  return barChart({
    title: 'In process: calls per second (log scale)', unit: 'calls/s', log: true, width: 900,
    categories: ok.map((x) => x.name.replace(/ \(.*\)$/, '')),
    series: [{ name: 'ops/s', color: PALETTE[1], values: ok.map((x) => x.opsPerSec), notes: ok.map((x) => (x.status === 'ok' ? null : x.status)) }],
  });
}

function htmlTable(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** The Markdown tables again, as HTML (the page has the same numbers as the README). */
function mdToHtmlTables(md: string): string {
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('| ') && lines[i + 1]?.startsWith('| ---')) {
      const cells = (l: string): string[] => l.slice(2, -2).split(' | ');
      const header = cells(line);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && lines[i].startsWith('| '); i++) rows.push(cells(lines[i]));
      i--;
      out.push(htmlTable(header, rows));
    } else if (line.startsWith('### ')) {
      out.push(`<h2>${esc(line.slice(4))}</h2>`);
    } else if (line.startsWith('**')) {
      // The busy-machine warning: the page shows it at the top already.
    } else if (line.startsWith('```') || line.startsWith('<!--')) {
      if (line.startsWith('```')) for (i++; i < lines.length && !lines[i].startsWith('```'); i++);
    } else if (line.trim()) {
      out.push(`<p>${esc(line).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`);
    }
  }
  return out.join('\n');
}

export function renderHtml(r: BenchResults): string {
  const parts: string[] = [];
  parts.push(`<h1>vermilion-benchmark</h1><p class="meta">${esc(describeMachine(r.machine))}, ${esc(r.machine.date)}</p>`);
  parts.push(`<p>Reproduce: <code>${esc(r.command)}</code></p>`);
  const busy = busyNote(r.machine);
  if (busy) parts.push(`<p class="warn">${esc(busy)}</p>`);
  if (r.load) {
    const o = overall(r).filter((x) => x.count);
    if (o.length) parts.push(`<div class="cards">${o.map((x) => `<div class="card"><b>${x.ratio.toFixed(2)}×</b><span>${esc(x.target)} ops/s over ${esc(r.load!.targets[0].name)}, geometric mean of ${x.count} workloads</span></div>`).join('')}</div>`);
    const { main, spectra } = loadCharts(r);
    parts.push(`<p>${esc(settingsLine(r))}.</p>`);
    // Two charts a row while they stay legible; one a row for many workloads.
    parts.push(`<div class="${r.load.workloads.length > 8 ? 'stack' : 'charts'}">${main.map((s) => `<figure>${s}</figure>`).join('')}</div>`);
    parts.push(`<h2>Latency by percentile, per workload</h2><div class="grid">${spectra.map((s) => `<figure>${s}</figure>`).join('')}</div>`);
  }
  if (r.memory) parts.push(`<figure>${memoryChart(r)}</figure>`);
  if (r.micro) parts.push(`<figure>${microChart(r)}</figure>`);
  parts.push(mdToHtmlTables(renderMarkdown(r)));
  if (r.load) {
    const rows: string[][] = [];
    for (const w of r.load.workloads) {
      for (const res of w.results) {
        rows.push([wlLabel(r, w), res.target, res.status, ...(res.median ? [int(res.median.opsPerSec), fmtUs(res.median.latency.p50), fmtUs(res.median.latency.p99), fmtUs(res.median.latency.p999), fmtUs(res.median.latency.max), num1(res.median.serverCpuUs), num1(res.median.clientCpuUs), String(res.median.errors)] : [shortReason(res.reason)])]);
      }
    }
    parts.push('<h2>Every figure</h2>', htmlTable(['workload', 'target', 'status', 'ops/s', 'p50', 'p99', 'p99.9', 'max', 'server µs/op', 'generator µs/op', 'errors'], rows));
    parts.push(`<h2>Workloads</h2><dl>${r.load.workloads.filter((w, i, a) => a.findIndex((x) => x.name === w.name) === i).map((w) => `<dt>${esc(w.name)} <small>(${esc(w.type)})</small></dt><dd>${esc(w.description)}</dd>`).join('')}</dl>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>vermilion-benchmark ${esc(r.machine.date.slice(0, 10))}</title>
<style>
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:0}.meta{color:#666;margin-top:.2em}code{background:#f3f3f3;padding:1px 4px;border-radius:3px}
figure{margin:1em 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:0 16px}
.grid{display:flex;flex-wrap:wrap;gap:8px}.grid figure{margin:0}
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border-bottom:1px solid #e3e3e3;padding:3px 8px;text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}th{background:#fafafa}
.cards{display:flex;gap:12px;margin:1em 0}.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px}.card b{font-size:26px;display:block}
.card span{color:#555;font-size:12px}.warn{background:#fff4e5;border-left:4px solid #f28e2b;padding:6px 10px}dt{font-weight:600}dd{margin:0 0 .5em 1em;color:#444}
${CHART_CSS}
</style></head><body>
${parts.join('\n')}
</body></html>
`;
}

/** One standalone SVG: the load charts (or the memory chart) stacked under a header. */
export function renderSvg(r: BenchResults): string {
  const charts: string[] = [];
  if (r.load) charts.push(...loadCharts(r).main);
  if (r.memory) charts.push(memoryChart(r));
  const sizes = charts.map((c) => {
    const m = /width="(\d+)" height="(\d+)"/.exec(c)!;
    return [Number(m[1]), Number(m[2])];
  });
  const width = Math.max(640, ...sizes.map((s) => s[0]));
  let y = 56;
  let body = '';
  charts.forEach((c, i) => {
    body += c.replace('<svg ', `<svg x="0" y="${y}" `);
    y += sizes[i][1] + 10;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${y}" width="${width}" height="${y}">
<style>${CHART_CSS}</style><rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="22" class="title">vermilion-benchmark · ${esc(r.machine.date.slice(0, 10))}</text>
<text x="10" y="40" class="small">${esc(describeMachine(r.machine))}</text>
${body}</svg>
`;
}
