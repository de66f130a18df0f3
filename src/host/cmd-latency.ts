// LATENCY: the latency monitor (events slower than latency-monitor-threshold
// ms: "command", "fast-command", "expire-cycle"), and the per-command latency
// histograms behind LATENCY HISTOGRAM and INFO latencystats.
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import { replyHelp } from './replyhelp.js';
import {
  COMMANDS, CMD_LATENCY_DOCTOR, CMD_LATENCY_GRAPH, CMD_LATENCY_HELP, CMD_LATENCY_HISTOGRAM,
  CMD_LATENCY_HISTORY, CMD_LATENCY_LATEST, CMD_LATENCY_RESET,
} from '../engine/commands.gen.js';

// Redis keeps 160 one-per-second samples per event.
const TS_LEN = 160;
const GRAPH_COLS = 80;

interface Sample { time: number; latency: number }
interface Series { samples: Sample[]; max: number }

// Log-scale buckets, 32 per power of two (about 2% wide), over 0..2^63 µs.
const SUB = 32;
const BUCKETS = 64 * SUB + 1;
const bucketOf = (usec: number) => (usec < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log2(usec) * SUB)));
const bucketTop = (b: number) => (b === 0 ? 1 : 2 ** (b / SUB));

interface Monitor { events: Map<string, Series>; hist: (Uint32Array | null)[]; calls: Float64Array }
const monitors = new WeakMap<HostServer, Monitor>();

function monitorOf(srv: HostServer): Monitor {
  let m = monitors.get(srv);
  if (!m) {
    m = { events: new Map(), hist: COMMANDS.map(() => null), calls: new Float64Array(COMMANDS.length) };
    monitors.set(srv, m);
  }
  return m;
}

/** Adds a sample to `event` when it took at least latency-monitor-threshold ms (0 disables). */
export function latencyAddSampleIfNeeded(srv: HostServer, event: string, ms: number): void {
  const threshold = srv.config.getInt('latency-monitor-threshold');
  if (threshold <= 0 || ms < threshold) return;
  const m = monitorOf(srv);
  let ts = m.events.get(event);
  if (!ts) { ts = { samples: [], max: 0 }; m.events.set(event, ts); }
  const now = Math.floor(Date.now() / 1000);
  const latency = Math.floor(ms);
  const last = ts.samples[ts.samples.length - 1];
  // Several events in the same second keep the worst one.
  if (last && last.time === now) last.latency = Math.max(last.latency, latency);
  else ts.samples.push({ time: now, latency });
  if (ts.samples.length > TS_LEN) ts.samples.shift();
  ts.max = Math.max(ts.max, latency);
}

/** Records one call of command `id` for the latency histograms (latency-tracking). */
/**
 * Adds `n` samples of `usec` for the engine commands of a batch record
 * (cmd id every 4 ints), skipping host ones (`skip[id]`): one histogram
 * bucket computed for the whole batch, no allocation after the first call.
 */
export function latencyTrackBatch(m: LatencyHistograms, recs: Int32Array, at: number, n: number, usec: number,
  skip: Uint8Array): void {
  const b = bucketOf(usec);
  for (let i = 0; i < n; i++) {
    const id = recs[at + i * 4];
    if (id < 0 || skip[id]) continue;
    let h = m.hist[id];
    if (!h) h = m.hist[id] = new Uint32Array(BUCKETS);
    h[b]++;
    m.calls[id]++;
  }
}

/** The per-command histograms of `srv`, for hot paths to keep (reset clears them in place). */
export type LatencyHistograms = Monitor;
export function latencyHistograms(srv: HostServer): LatencyHistograms { return monitorOf(srv); }

/** Adds one command's duration to its histogram (`m` from latencyHistograms). */
export function latencyTrackIn(m: LatencyHistograms, id: number, usec: number): void {
  let h = m.hist[id];
  if (!h) h = m.hist[id] = new Uint32Array(BUCKETS);
  h[bucketOf(usec)]++;
  m.calls[id]++;
}

export function latencyResetHistograms(srv: HostServer): void {
  const m = monitorOf(srv);
  m.hist.fill(null);
  m.calls.fill(0);
}

/** INFO latencystats lines: p-th percentiles in µs per command that ran. */
export function latencyStatsLines(srv: HostServer, percentiles: number[]): string[] {
  const m = monitorOf(srv);
  const lines: string[] = [];
  for (const meta of COMMANDS) {
    const h = m.hist[meta.id];
    if (!h || m.calls[meta.id] === 0) continue;
    const parts = percentiles.map((p) => `p${formatPercentile(p)}=${percentileOf(h, m.calls[meta.id], p).toFixed(3)}`);
    lines.push(`latency_percentiles_usec_${meta.name}:${parts.join(',')}`);
  }
  return lines;
}

/** Redis prints percentiles with %f trimmed of trailing zeros ("50", "99.9"). */
function formatPercentile(p: number): string {
  return String(Number(p.toFixed(6)));
}

function percentileOf(h: Uint32Array, total: number, p: number): number {
  const want = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let b = 0; b < h.length; b++) {
    seen += h[b];
    if (seen >= want) return bucketTop(b);
  }
  return bucketTop(h.length - 1);
}

// ---- LATENCY DOCTOR / GRAPH helpers ---------------------------------------------

// Redis's sparkline: `rows` rows of "_-`" (filled "_o#" with '|' below),
// then each sample's label written vertically after one blank row.
function sparkline(values: number[], labels: string[], rows: number): string {
  let out = '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const fill = '_o#';
  const steps = fill.length * rows;
  for (let off = 0; off < values.length; off += GRAPH_COLS) {
    const len = Math.min(GRAPH_COLS, values.length - off);
    if (off !== 0) out += '\n';
    const relmax = max - min === 0 ? 1 : max - min;
    for (let row = 0; ; row++) {
      let more = false;
      const chars = new Array<string>(len).fill(' ');
      for (let j = 0; j < len; j++) {
        let step = Math.trunc(((values[off + j] - min) * steps) / relmax);
        step = Math.max(0, Math.min(steps - 1, step));
        if (row < rows) {
          more = true;
          const idx = step - (rows - row - 1) * fill.length;
          if (idx >= 0 && idx < fill.length) chars[j] = fill[idx];
          else if (idx >= fill.length) chars[j] = '|';
        } else {
          if (row - rows < 1) { more = true; break; } // one blank row before the labels
          const label = labels[off + j];
          const k = row - rows - 1;
          if (label.length > k) { more = true; chars[j] = label[k]; }
        }
      }
      if (!more) break;
      out += chars.join('') + '\n';
    }
  }
  return out;
}

function ago(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

// ---- the commands ---------------------------------------------------------------

// LATENCY LATEST: [event, time of the newest sample, its latency, all-time max] per event.
function cmdLatencyLatest(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  const events = [...monitorOf(srv).events];
  r.array(events.length);
  for (const [name, ts] of events) {
    const last = ts.samples[ts.samples.length - 1];
    r.array(4).bulk(name).int(last.time).int(last.latency).int(ts.max);
  }
}

// LATENCY HISTORY event
function cmdLatencyHistory(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  const ts = monitorOf(srv).events.get(args[2].toString());
  const samples = ts?.samples ?? [];
  r.array(samples.length);
  for (const s of samples) r.array(2).int(s.time).int(s.latency);
}

// LATENCY RESET [event ...]: replies the number of event series removed.
function cmdLatencyReset(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  const events = monitorOf(srv).events;
  if (args.length === 2) {
    const n = events.size;
    events.clear();
    r.int(n);
    return;
  }
  let n = 0;
  for (const a of args.slice(2)) if (events.delete(a.toString())) n++;
  r.int(n);
}

// LATENCY GRAPH event
function cmdLatencyGraph(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  const event = args[2].toString();
  const ts = monitorOf(srv).events.get(event);
  if (!ts || ts.samples.length === 0) { r.error(`ERR No samples available for event '${event}'`); return; }
  const now = Math.floor(Date.now() / 1000);
  const values = ts.samples.map((s) => s.latency);
  let text = `${event} - high ${Math.max(...values)} ms, low ${Math.min(...values)} ms (all time high ${ts.max} ms)\n`;
  text += '-'.repeat(GRAPH_COLS) + '\n';
  text += sparkline(values, ts.samples.map((s) => ago(now - s.time)), 4);
  r.verbatim(text);
}

// LATENCY DOCTOR: a readable summary of each event's spikes. The per-event
// lines follow Redis's report; the advice after them is our own, shorter.
function cmdLatencyDoctor(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  const events = [...monitorOf(srv).events];
  if (srv.config.getInt('latency-monitor-threshold') <= 0 && events.length === 0) {
    r.verbatim("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n");
    return;
  }
  if (events.length === 0) {
    r.verbatim('Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n');
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  let text = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  events.forEach(([name, ts], i) => {
    const n = ts.samples.length;
    const avg = ts.samples.reduce((a, s) => a + s.latency, 0) / n;
    const mad = ts.samples.reduce((a, s) => a + Math.abs(s.latency - avg), 0) / n;
    const period = Math.max(1, now - ts.samples[0].time) / n;
    text += `${i + 1}. ${name}: ${n} latency spikes (average ${Math.floor(avg)}ms, mean deviation ${Math.floor(mad)}ms, period ${period.toFixed(2)} sec). Worst all time event ${ts.max}ms.\n`;
  });
  text += '\nI have a few advices for you:\n\n';
  const names = new Set(events.map(([n]) => n));
  if (names.has('command') || names.has('fast-command')) {
    text += '- Check SLOWLOG GET to see which commands ran long, and prefer commands whose cost does not grow with the size of the data they touch.\n';
  }
  if (names.has('expire-cycle')) {
    text += '- Many keys expired at the same moment: spread expiry times with some randomness so the active expire cycle does less work at once.\n';
  }
  r.verbatim(text);
}

// LATENCY HISTOGRAM [command ...]: cumulative counts in power-of-two µs buckets.
function cmdLatencyHistogram(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  const m = monitorOf(srv);
  const wanted = args.length === 2
    ? COMMANDS.filter((c) => m.calls[c.id] > 0)
    : args.slice(2).map((a) => COMMANDS.find((c) => c.name === a.toString().toLowerCase()))
      .filter((c): c is (typeof COMMANDS)[number] => !!c && m.calls[c.id] > 0);
  r.map(wanted.length);
  for (const meta of wanted) {
    const h = m.hist[meta.id]!;
    const pow2 = new Map<number, number>();
    for (let b = 0; b < h.length; b++) {
      if (!h[b]) continue;
      const top = 2 ** Math.max(0, Math.ceil(Math.log2(bucketTop(b))));
      pow2.set(top, (pow2.get(top) ?? 0) + h[b]);
    }
    const keys = [...pow2.keys()].sort((a, b) => a - b);
    r.bulk(meta.name).map(2).bulk('calls').int(m.calls[meta.id]).bulk('histogram_usec').map(keys.length);
    let cum = 0;
    for (const k of keys) { cum += pow2.get(k)!; r.int(k).int(cum); }
  }
}

// LATENCY HELP
function cmdLatencyHelp(_srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  replyHelp(r, 'LATENCY', [
    'DOCTOR',
    '    Return a human readable latency analysis report.',
    'GRAPH <event>',
    '    Return an ASCII latency graph for the <event> class.',
    'HISTORY <event>',
    '    Return time-latency samples for the <event> class.',
    'LATEST',
    '    Return the latest latency samples for all events.',
    'RESET [<event> ...]',
    '    Reset latency data of one or more <event> classes.',
    '    (default: reset all data for all event classes)',
    'HISTOGRAM [COMMAND ...]',
    '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
    '    If no commands are specified then all histograms are replied.',
  ]);
}

export function register(): void {
  registerHost(CMD_LATENCY_LATEST, cmdLatencyLatest);
  registerHost(CMD_LATENCY_HISTORY, cmdLatencyHistory);
  registerHost(CMD_LATENCY_RESET, cmdLatencyReset);
  registerHost(CMD_LATENCY_GRAPH, cmdLatencyGraph);
  registerHost(CMD_LATENCY_DOCTOR, cmdLatencyDoctor);
  registerHost(CMD_LATENCY_HISTOGRAM, cmdLatencyHistogram);
  registerHost(CMD_LATENCY_HELP, cmdLatencyHelp);
}
