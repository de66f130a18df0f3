// One measured run of one workload against one target: probe, flush and
// preload, then the load drivers (in this thread, or split over worker
// threads), and the figures of that run (a Sample).
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Histogram } from './histogram.js';
import { LoadDriver, LoadOptions, LoadResult, now } from './loadgen.js';
import { Distribution } from './generator.js';
import { Control, isError } from './control.js';
import { Target, cpuSeconds } from './targets.js';
import { compileWorkload, roleOf, WorkloadSpec } from './workloads.js';

export interface RunSettings {
  connections: number;
  pipeline: number;
  keyspace: number;
  valueSize: number;
  distribution: Distribution;
  zipfTheta: number;
  seed: number;
  /** Load-generator threads (1: the calling thread itself). */
  threads: number;
  warmupMs: number;
  /** Measure for this long, unless `requests` > 0. */
  durationMs: number;
  requests: number;
  /** Share of reads in every workload's random mix (null: each workload's own). */
  readRatio: number | null;
}

export interface Latency {
  /** Microseconds. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** The latency percentiles kept for the report's percentile chart. */
export const SPECTRUM = [50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

export interface Sample {
  opsPerSec: number;
  commandsPerSec: number;
  ops: number;
  seconds: number;
  latency: Latency;
  /** Microseconds at each SPECTRUM percentile. */
  spectrum: number[];
  /** Server CPU time per op (µs), when the server runs on this machine. */
  serverCpuUs: number | null;
  /** The load generator's own CPU time per op (µs, every thread of this process). */
  clientCpuUs: number;
  errors: number;
  errorTexts: Record<string, number>;
  perOp: Record<string, number>;
  /** Share of single-command ops that found their key (cache-aside hit ratio). */
  hitRatio: number | null;
  /** Pub/sub fan-out: messages delivered per second and publish-to-receive latency. */
  deliveredPerSec: number | null;
  delivery: Latency | null;
  dropped: number;
  /** Nothing completed for a while: the run was cut short (see loadgen.ts STALL_MS). */
  stalled: boolean;
  /** The highest used_memory (INFO memory) sampled during the run (workloads with `memory`). */
  usedMemoryMax: number | null;
}

const here = dirname(fileURLToPath(import.meta.url));

/** worker.js beside this file when running compiled; the compiled one when running from source. */
function workerPath(): string {
  if (import.meta.url.endsWith('.js')) return join(here, 'worker.js');
  return join(here, '..', 'dist', 'bench', 'worker.js');
}

function latencyOf(h: Histogram): Latency {
  const us = (ns: number): number => ns / 1000;
  return { p50: us(h.percentile(50)), p99: us(h.percentile(99)), p999: us(h.percentile(99.9)), max: us(h.max), mean: us(h.mean()) };
}

/**
 * Checks that the target runs every command of the workload: the first error
 * reply (unknown command, ...) is returned as the reason it is unsupported.
 */
export async function probe(t: Target, spec: WorkloadSpec): Promise<string | null> {
  const c = await Control.connect(t.host, t.port);
  try {
    for (const cmd of spec.probe) {
      let r;
      try {
        r = await c.call(cmd, 5000);
      } catch (e) {
        return `${cmd[0]}: ${(e as Error).message}`;
      }
      if (isError(r)) return r.error;
    }
    return null;
  } finally {
    c.close();
  }
}

/** FLUSHALL, the workload's init commands, then its preloaded data. */
export async function prepare(t: Target, spec: WorkloadSpec, s: RunSettings): Promise<string | null> {
  const c = await Control.connect(t.host, t.port);
  try {
    const f = await c.call(['FLUSHALL'], 120000);
    if (isError(f)) return `FLUSHALL: ${f.error}`;
    for (const cmd of spec.init ?? []) {
      const r = await c.call(cmd);
      if (isError(r)) return `${cmd[0]}: ${r.error}`;
    }
    const w = compileWorkload(spec, { keyspace: s.keyspace, valueSize: s.valueSize, readRatio: s.readRatio });
    if (w.setup) {
      const errors = await c.load(w.setup.template, w.setup.count, w.setup.bind);
      if (errors.size) return `preload: ${[...errors.keys()][0]}`;
    }
    return null;
  } finally {
    c.close();
  }
}

/** The workload's teardown commands (undoing its init's configuration); errors are returned, not thrown. */
export async function teardown(t: Target, spec: WorkloadSpec): Promise<string | null> {
  if (!spec.teardown?.length) return null;
  const c = await Control.connect(t.host, t.port);
  try {
    for (const cmd of spec.teardown) {
      const r = await c.call(cmd);
      if (isError(r)) return `${cmd[0]}: ${r.error}`;
    }
    return null;
  } finally {
    c.close();
  }
}

/**
 * Polls INFO memory every `ms` until stopped; resolves with the highest
 * used_memory seen (null if none was read: a lost connection ends the
 * polling, not the run, whose own failure says why).
 */
function watchMemory(t: Target, ms: number): { stop(): Promise<number | null> } {
  let stopped = false;
  let max: number | null = null;
  const done = (async () => {
    const c = await Control.connect(t.host, t.port);
    try {
      while (!stopped) {
        const used = Number((await c.info('memory')).used_memory);
        if (Number.isFinite(used)) max = Math.max(max ?? 0, used);
        await new Promise((r) => setTimeout(r, ms));
      }
    } finally {
      c.close();
    }
  })().catch(() => undefined);
  return { stop: async () => { stopped = true; await done; return max; } };
}

interface Driver {
  /** Has connections that send requests (a driver may hold only subscribers). */
  sends: boolean;
  run(measureAt: number, endAt: number): Promise<LoadResult>;
  /** Ends its run now. */
  stop(): void;
  dispose(): void;
}

async function startDrivers(t: Target, spec: WorkloadSpec, s: RunSettings, progress: Float64Array): Promise<Driver[]> {
  const threads = Math.max(1, Math.min(s.threads, s.connections));
  // Connections are dealt round-robin so that every thread gets its share of each role.
  const w = compileWorkload(spec, { keyspace: s.keyspace, valueSize: s.valueSize, readRatio: s.readRatio });
  const conns = Array.from({ length: threads }, (_, i) => Array.from({ length: s.connections }, (__, c) => c).filter((c) => c % threads === i));
  const senders = conns.map((cs) => cs.filter((c) => !w.roles[roleOf(w, c, s.connections)].subscribe).length);
  const allSenders = senders.reduce((a, b) => a + b, 0);
  const base = (i: number): LoadOptions => ({
    host: t.host, port: t.port, workload: spec.name, custom: spec.custom, readRatio: s.readRatio, keyspace: s.keyspace, valueSize: s.valueSize,
    distribution: s.distribution, zipfTheta: s.zipfTheta, seed: s.seed, connections: s.connections,
    conns: conns[i], workerIndex: i, workers: threads, pipeline: s.pipeline,
    requests: s.requests > 0 && senders[i] > 0 ? Math.max(1, Math.round((s.requests * senders[i]) / allSenders)) : 0,
  });
  if (threads === 1) {
    const d = new LoadDriver(base(0), progress, 0);
    await d.connect();
    return [{ sends: d.sends, run: (m, e) => d.run(m, e), stop: () => d.stop(), dispose: () => {} }];
  }
  const workers: Worker[] = [];
  try {
    return await Promise.all(Array.from({ length: threads }, (_, i) => new Promise<Driver>((resolve, reject) => {
      const wk = new Worker(workerPath(), { workerData: { opts: base(i), progress: progress.buffer, slot: i } });
      workers.push(wk);
      let result: ((r: LoadResult) => void) | null = null;
      let failed: ((e: Error) => void) | null = null;
      wk.on('error', (e) => (failed ?? reject)(e));
      wk.on('message', (m: { ready?: boolean; sends?: boolean; result?: LoadResult; error?: string }) => {
        if (m.error) (failed ?? reject)(new Error(m.error));
        else if (m.ready) {
          resolve({
            sends: !!m.sends,
            run: (measureAt, endAt) => new Promise((res, rej) => {
              result = res;
              failed = rej;
              wk.postMessage({ measureAt, endAt });
            }),
            stop: () => wk.postMessage({ stop: true }),
            dispose: () => { void wk.terminate(); },
          });
        } else if (m.result) {
          result?.(m.result);
        }
      });
    })));
  } catch (e) {
    for (const wk of workers) void wk.terminate();
    throw e;
  }
}

/**
 * Runs `spec` against `t` (already prepared). `onProgress(fraction, opsPerSec)`
 * is called a few times a second during the measure phase.
 */
export async function runOnce(t: Target, spec: WorkloadSpec, s: RunSettings, onProgress?: (fraction: number, opsPerSec: number) => void): Promise<Sample> {
  const progress = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, s.threads)));
  const drivers = await startDrivers(t, spec, s, progress);
  const memory = spec.memory ? watchMemory(t, 100) : null;
  try {
    const measureAt = now() + 20 + s.warmupMs;
    // In requests mode the end time only bounds a run that stalls.
    const endAt = measureAt + (s.requests > 0 ? 600000 : s.durationMs);
    let cpu0 = cpuSeconds(t.pid);
    let client0 = process.cpuUsage();
    const mark = setTimeout(() => {
      cpu0 = cpuSeconds(t.pid);
      client0 = process.cpuUsage();
    }, Math.max(0, measureAt - now()));
    const ticker = onProgress ? setInterval(() => {
      const t1 = now();
      if (t1 < measureAt) return;
      const done = progress.reduce((a, b) => a + b, 0);
      const fraction = s.requests > 0 ? done / s.requests : (t1 - measureAt) / s.durationMs;
      onProgress(Math.min(1, fraction), done / ((t1 - measureAt) / 1000));
    }, 200) : null;
    const runs = drivers.map((d) => d.run(measureAt, endAt));
    // Drivers of subscribers only end when the senders have.
    await Promise.all(runs.filter((_, i) => drivers[i].sends));
    for (const d of drivers) if (!d.sends) d.stop();
    const results = await Promise.all(runs);
    clearTimeout(mark);
    if (ticker) clearInterval(ticker);
    const cpu1 = cpuSeconds(t.pid);
    const client = process.cpuUsage(client0);
    const cacheOp = spec.roles.flatMap((r) => r.ops ?? []).find((o) => o.onNil)?.name ?? null;
    const sample = merge(results, cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null, (client.user + client.system) / 1e6, cacheOp);
    if (memory) sample.usedMemoryMax = await memory.stop();
    return sample;
  } finally {
    await memory?.stop();
    for (const d of drivers) d.dispose();
  }
}

function merge(results: LoadResult[], serverCpu: number | null, clientCpu: number, cacheOp: string | null): Sample {
  const lat = new Histogram();
  const del = new Histogram();
  let ops = 0;
  let commands = 0;
  let errors = 0;
  let delivered = 0;
  let dropped = 0;
  let stalled = false;
  let start = Infinity;
  let end = 0;
  const errorTexts: Record<string, number> = {};
  const perOp: Record<string, number> = {};
  const nils: Record<string, number> = {};
  let hasDelivery = false;
  for (const r of results) {
    lat.add(r.latency);
    if (r.delivery) { del.add(r.delivery); hasDelivery = true; }
    ops += r.ops;
    commands += r.commands;
    errors += r.errors;
    delivered += r.delivered;
    dropped += r.dropped;
    stalled ||= r.stalled;
    if (r.start) start = Math.min(start, r.start);
    end = Math.max(end, r.end);
    for (const [k, v] of Object.entries(r.errorTexts)) errorTexts[k] = (errorTexts[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.perOp)) perOp[k] = (perOp[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.nils)) nils[k] = (nils[k] ?? 0) + v;
  }
  const seconds = start < end ? (end - start) / 1000 : 0;
  return {
    opsPerSec: seconds ? ops / seconds : 0,
    commandsPerSec: seconds ? commands / seconds : 0,
    ops,
    seconds,
    latency: latencyOf(lat),
    spectrum: SPECTRUM.map((p) => lat.percentile(p) / 1000),
    serverCpuUs: serverCpu !== null && ops ? (serverCpu * 1e6) / ops : null,
    clientCpuUs: ops ? (clientCpu * 1e6) / ops : 0,
    errors,
    errorTexts,
    perOp,
    hitRatio: cacheOp && perOp[cacheOp] ? 1 - (nils[cacheOp] ?? 0) / perOp[cacheOp] : null,
    deliveredPerSec: hasDelivery && seconds ? delivered / seconds : null,
    delivery: hasDelivery ? latencyOf(del) : null,
    dropped,
    stalled,
    usedMemoryMax: null,
  };
}

/** Why a sample is no measurement (connections dropped, a stall), or null. */
export function invalidReason(sample: Sample): string | null {
  if (sample.stalled) return 'no reply for 10 s: the run was stopped';
  if (sample.dropped) return `the server closed ${sample.dropped} connection${sample.dropped > 1 ? 's' : ''} during the run`;
  return null;
}

/** An error text that means the target lacks a command the workload uses. */
export function unsupportedReason(sample: Sample): string | null {
  const t = Object.keys(sample.errorTexts).find((e) => /^ERR unknown (sub)?command/i.test(e));
  return t ?? null;
}
