// Is the load generator the bottleneck? The same work (clients, pipeline,
// key space, value size, request count) is run by redis-benchmark and by this
// generator against the same server, alternately and repeated; the ratio of
// requests per second says whether this generator drives a server at least as
// hard as redis-benchmark does, and each tool's CPU time per request is its
// overhead.
import { spawn } from 'node:child_process';
import { cpuSeconds, Target, which } from './targets.js';
import { prepare, runOnce, RunSettings } from './runner.js';
import { workloadByName } from './workloads.js';
import { median, medianOrNull } from './stats.js';

export interface CalibrationRow {
  test: string;
  pipeline: number;
  /** Medians over the repeats. */
  redisBenchmarkRps: number;
  generatorRps: number;
  /** generator ÷ redis-benchmark: 1.0 or more means this generator is not the limit. */
  ratio: number;
  /** Client CPU per request, µs (redis-benchmark's sampled from /proc, so slightly low). */
  redisBenchmarkCpuUs: number | null;
  generatorCpuUs: number;
  /** The server's CPU per request under each tool, µs: the same work should cost it the same. */
  serverCpuUsRedisBenchmark: number | null;
  serverCpuUsGenerator: number | null;
}

/** redis-benchmark -t names for the workloads compared. */
const TESTS: Record<string, string> = { ping: 'ping_mbulk', set: 'set', get: 'get', incr: 'incr' };

async function redisBenchmark(t: Target, test: string, s: RunSettings, requests: number): Promise<{ rps: number; cpuUs: number | null; serverCpuUs: number | null }> {
  const bin = which('redis-benchmark');
  if (!bin) throw new Error('redis-benchmark is not installed (apt-get install redis-tools)');
  const args = ['-h', t.host, '-p', String(t.port), '-c', String(s.connections), '-n', String(requests), '-r', String(s.keyspace),
    '-d', String(s.valueSize), '-P', String(s.pipeline), '-t', test, '--csv'];
  const server0 = cpuSeconds(t.pid);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  // Its CPU time, read from /proc until it exits (the last read misses at most one interval).
  let cpu: number | null = null;
  const poll = setInterval(() => { cpu = cpuSeconds(child.pid ?? null) ?? cpu; }, 10);
  const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1)));
  clearInterval(poll);
  const server1 = cpuSeconds(t.pid);
  const line = out.trim().split('\n').find((l) => l.startsWith('"') && !l.startsWith('"test"'));
  if (code !== 0 || !line) throw new Error(`redis-benchmark ${args.join(' ')} failed: ${out}`);
  const rps = Number(JSON.parse(`[${line}]`)[1]);
  return {
    rps, cpuUs: cpu !== null ? (cpu * 1e6) / requests : null,
    serverCpuUs: server0 !== null && server1 !== null ? ((server1 - server0) * 1e6) / requests : null,
  };
}

export interface CalibrationUi {
  step(index: number, total: number, what: string): void;
  progress(fraction: number, opsPerSec: number): void;
}

export async function runCalibration(t: Target, tests: string[], pipelines: number[], s: RunSettings, requests: number, repeats: number, ui: CalibrationUi): Promise<CalibrationRow[]> {
  const rows: CalibrationRow[] = [];
  const total = tests.length * pipelines.length * repeats * 2;
  let index = 0;
  for (const p of pipelines) {
    for (const test of tests) {
      const rbTest = TESTS[test];
      if (!rbTest) throw new Error(`calibration compares ${Object.keys(TESTS).join(', ')} (redis-benchmark has no ${test})`);
      const spec = workloadByName(test);
      // The generator gets its warm-up (the JIT's, not the server's: redis-benchmark
      // is native code and needs none); the request count is then measured.
      const settings: RunSettings = { ...s, pipeline: p, requests };
      const rb: { rps: number; cpuUs: number | null; serverCpuUs: number | null }[] = [];
      const gen: { rps: number; cpuUs: number; serverCpuUs: number | null }[] = [];
      for (let r = 0; r < repeats; r++) {
        // Alternate which tool goes first.
        const order = r % 2 ? ['gen', 'rb'] : ['rb', 'gen'];
        for (const who of order) {
          const failed = await prepare(t, spec, settings);
          if (failed) throw new Error(`${test}: ${failed}`);
          if (who === 'rb') {
            ui.step(index++, total, `redis-benchmark -t ${rbTest} -P ${p}`);
            rb.push(await redisBenchmark(t, rbTest, settings, requests));
          } else {
            ui.step(index++, total, `vermilion-benchmark ${test} -P ${p}`);
            const sample = await runOnce(t, spec, settings, (f, o) => ui.progress(f, o));
            gen.push({ rps: sample.opsPerSec, cpuUs: sample.clientCpuUs, serverCpuUs: sample.serverCpuUs });
          }
        }
      }
      const rbRps = median(rb.map((x) => x.rps));
      const genRps = median(gen.map((x) => x.rps));
      rows.push({
        test, pipeline: p, redisBenchmarkRps: rbRps, generatorRps: genRps, ratio: genRps / rbRps,
        redisBenchmarkCpuUs: medianOrNull(rb.map((x) => x.cpuUs)), generatorCpuUs: median(gen.map((x) => x.cpuUs)),
        serverCpuUsRedisBenchmark: medianOrNull(rb.map((x) => x.serverCpuUs)), serverCpuUsGenerator: medianOrNull(gen.map((x) => x.serverCpuUs)),
      });
    }
  }
  return rows;
}
