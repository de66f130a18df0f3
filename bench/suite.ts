// The load comparison: every selected workload on every target, repeated,
// with the targets' order alternating between repeats so that neither always
// runs on the warmer (or the busier) machine; medians per figure, and each
// figure as a ratio to the first target's.
import { Latency, RunSettings, Sample, SPECTRUM, invalidReason, prepare, probe, runOnce, teardown, unsupportedReason } from './runner.js';
import { Target } from './targets.js';
import { WorkloadSpec } from './workloads.js';
import { median, medianOrNull, ratio } from './stats.js';

export interface Summary {
  opsPerSec: number;
  commandsPerSec: number;
  latency: Latency;
  spectrum: number[];
  serverCpuUs: number | null;
  clientCpuUs: number;
  errors: number;
  hitRatio: number | null;
  deliveredPerSec: number | null;
  delivery: Latency | null;
  /** The highest used_memory seen in any repeat (workloads that sample it). */
  usedMemoryMax: number | null;
  /** Lowest and highest ops/s over the repeats. */
  opsPerSecRange: [number, number];
}

export interface Ratios {
  opsPerSec: number | null;
  p50: number | null;
  p99: number | null;
  p999: number | null;
  serverCpuUs: number | null;
}

export interface TargetResult {
  target: string;
  status: 'ok' | 'unsupported' | 'failed';
  reason?: string;
  samples: Sample[];
  median: Summary | null;
  /** This target's medians over the first target's (null for the first, or if either has none). */
  ratio: Ratios | null;
}

export interface WorkloadResult {
  name: string;
  pipeline: number;
  type: string;
  description: string;
  results: TargetResult[];
}

export interface TargetInfo {
  name: string;
  address: string;
  server: string;
  local: boolean;
  started: boolean;
}

export interface SuiteUi {
  /** A run starts: `index` of `total` runs. */
  run(index: number, total: number, workload: string, target: string, repeat: number): void;
  progress(fraction: number, opsPerSec: number): void;
  done(workload: string, target: string, sample: Sample | null, note?: string): void;
}

function summarize(samples: Sample[]): Summary {
  const m = (f: (s: Sample) => number): number => median(samples.map(f));
  const mn = (f: (s: Sample) => number | null): number | null => medianOrNull(samples.map(f));
  const lat = (f: (s: Sample) => Latency | null): Latency | null => {
    const ls = samples.map(f).filter((x): x is Latency => x !== null);
    if (!ls.length) return null;
    return { p50: median(ls.map((l) => l.p50)), p99: median(ls.map((l) => l.p99)), p999: median(ls.map((l) => l.p999)), max: median(ls.map((l) => l.max)), mean: median(ls.map((l) => l.mean)) };
  };
  const ops = samples.map((s) => s.opsPerSec);
  return {
    opsPerSec: m((s) => s.opsPerSec),
    commandsPerSec: m((s) => s.commandsPerSec),
    latency: lat((s) => s.latency)!,
    spectrum: SPECTRUM.map((_, i) => m((s) => s.spectrum[i])),
    serverCpuUs: mn((s) => s.serverCpuUs),
    clientCpuUs: m((s) => s.clientCpuUs),
    errors: samples.reduce((a, s) => a + s.errors, 0),
    hitRatio: mn((s) => s.hitRatio),
    deliveredPerSec: mn((s) => s.deliveredPerSec),
    delivery: lat((s) => s.delivery),
    usedMemoryMax: samples.some((s) => s.usedMemoryMax !== null) ? Math.max(...samples.map((s) => s.usedMemoryMax ?? 0)) : null,
    opsPerSecRange: [Math.min(...ops), Math.max(...ops)],
  };
}

/** A workload at a pipeline depth. */
export interface Job {
  spec: WorkloadSpec;
  pipeline: number;
}

export async function runSuite(targets: Target[], jobs: Job[], common: RunSettings, repeats: number, ui: SuiteUi): Promise<WorkloadResult[]> {
  const out: WorkloadResult[] = [];
  const total = jobs.length * targets.length * repeats;
  let index = 0;
  for (const { spec, pipeline } of jobs) {
    const settings: RunSettings = { ...common, pipeline };
    const results: TargetResult[] = targets.map((t) => ({ target: t.name, status: 'ok', samples: [], median: null, ratio: null }));
    for (let i = 0; i < targets.length; i++) {
      try {
        const reason = await probe(targets[i], spec);
        if (reason) Object.assign(results[i], { status: 'unsupported', reason });
      } catch (e) {
        Object.assign(results[i], { status: 'failed', reason: (e as Error).message });
      }
    }
    for (let r = 0; r < repeats; r++) {
      const order = targets.map((_, i) => i);
      if (r % 2) order.reverse();
      for (const i of order) {
        const t = targets[i];
        const res = results[i];
        ui.run(index++, total, spec.name, t.name, r);
        if (res.status !== 'ok') {
          ui.done(spec.name, t.name, null, `${res.status}: ${res.reason}`);
          continue;
        }
        try {
          const failed = await prepare(t, spec, settings);
          if (failed) {
            Object.assign(res, { status: /unknown (sub)?command/i.test(failed) ? 'unsupported' : 'failed', reason: failed });
            ui.done(spec.name, t.name, null, `${res.status}: ${failed}`);
            continue;
          }
          const sample = await runOnce(t, spec, settings, (f, ops) => ui.progress(f, ops));
          const unsupported = unsupportedReason(sample);
          if (unsupported) {
            Object.assign(res, { status: 'unsupported', reason: unsupported });
            ui.done(spec.name, t.name, null, `unsupported: ${unsupported}`);
            continue;
          }
          const invalid = invalidReason(sample);
          if (invalid) {
            Object.assign(res, { status: 'failed', reason: invalid });
            ui.done(spec.name, t.name, null, `failed: ${invalid}`);
            continue;
          }
          res.samples.push(sample);
          ui.done(spec.name, t.name, sample);
        } catch (e) {
          Object.assign(res, { status: 'failed', reason: (e as Error).message });
          ui.done(spec.name, t.name, null, `failed: ${(e as Error).message}`);
        } finally {
          // The next workload must not inherit this one's configuration (a memory limit).
          const failed = await teardown(t, spec).catch((e: Error) => e.message);
          if (failed && res.status === 'ok') Object.assign(res, { status: 'failed', reason: `teardown: ${failed}` });
        }
      }
    }
    for (const res of results) {
      if (res.status === 'ok' && res.samples.length) res.median = summarize(res.samples);
      else if (res.status === 'ok') Object.assign(res, { status: 'failed', reason: 'no samples' });
    }
    const base = results[0].median;
    for (const res of results.slice(1)) {
      if (!base || !res.median) continue;
      res.ratio = {
        opsPerSec: ratio(res.median.opsPerSec, base.opsPerSec),
        p50: ratio(res.median.latency.p50, base.latency.p50),
        p99: ratio(res.median.latency.p99, base.latency.p99),
        p999: ratio(res.median.latency.p999, base.latency.p999),
        serverCpuUs: ratio(res.median.serverCpuUs, base.serverCpuUs),
      };
    }
    out.push({ name: spec.name, type: spec.type, description: spec.description, pipeline, results });
  }
  return out;
}
