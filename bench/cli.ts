// vermilion-benchmark: compare RESP servers on this machine, fairly.
// `vermilion-benchmark --help` (or `npm run bench -- --help`) for the usage.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Target, ServerKind, parseTargetSpec, startTarget, stopStarted, describeTarget } from './targets.js';
import { customWorkload, selectWorkloads, workloadByName, WORKLOADS } from './workloads.js';
import { RunSettings } from './runner.js';
import { Job, runSuite, TargetInfo } from './suite.js';
import { runMemory, selectDatasets, DATASETS } from './memory.js';
import { runMicro } from './micro.js';
import { runCalibration } from './calibrate.js';
import { BenchResults, renderHtml, renderMarkdown, renderSvg, renderText } from './report.js';
import { machine } from './machine.js';
import { Progress } from './progress.js';
import { Distribution } from './generator.js';
import { Control } from './control.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository (or installed package) root: bench/ or dist/bench/ sits under it. */
export const ROOT = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');

const USAGE = `Usage: vermilion-benchmark [options]        (npm run bench -- [options])

Compares RESP servers with the same load, alternating between them, and
reports medians and ratios to the first target. With no target given it
starts redis-server and Vermilion itself with the same settings.

Targets
  --target [name=]host:port   a running server (repeat for several); its data is flushed
  --start redis|vermilion     start one (repeat, or a comma list), loopback, no persistence
  --start-port N              ports for started servers from N up (default: any free port)
  --server-option "name value"  a redis.conf directive for every started server (repeatable)
  --flush                     allow --target servers that hold data (every target is
                              FLUSHALLed before each run and at the end)

Load (the default mode)
  -w, --workloads LIST        default | all | names, each optionally name@pipeline
                              (${WORKLOADS.map((w) => w.name).join(', ')})
  -c, --connections N         connections (default 50)
      --command "CMD ARGS"    a workload of your own (repeat for a mix); {k} is a key from
                              the distribution, {r} a uniform number, {value} the value
      --read-ratio F          share of reads in every workload's mix (default: its own)
  -P, --pipeline N[,N...]     requests in flight per connection (default 1)
  -r, --keyspace N            distinct keys (default 100000)
  -d, --size N                value size in bytes (default 32)
      --distribution D        uniform | zipf | sequential (default uniform)
      --zipf-theta T          Zipf exponent, above 0 (default 0.99, as YCSB)
      --warmup S              seconds of warm-up before measuring (default 1)
      --duration S            seconds measured per run (default 2)
  -n, --requests N            measure N requests per run instead of a duration
      --repeats N             runs per workload and target (default 3)
      --threads N|auto        load-generator threads (default auto: 1 on 2 cores)
      --seed N                random seed (default 1)

Other modes
  --memory                    bytes per item for the datasets (${DATASETS.map((d) => d.name).join(', ')})
      --datasets LIST         which (default all);  --scale F  shrink them (default 1)
  --micro                     in-process tinybench micro-benchmarks
      --time MS               per case (default 500);  --filter REGEX
  --calibrate                 this generator against redis-benchmark on the same server
      --tests LIST            ping,set,get,incr (default ping,set);  -P 1,16
  --readme                    everything the README shows; rewrites its performance section
  --list                      the workloads and what they do

Output
  --json FILE                 results as JSON ("-" for stdout)
  --report FILE.html|.svg     charts and tables, self-contained
  --markdown FILE             the README's performance section ("-" for stdout)
  --from FILE.json            render a saved JSON result again (with --report, --markdown,
                              --readme) instead of measuring
  --quiet                     no progress line
`;

const OPTIONS = {
  target: { type: 'string', multiple: true },
  start: { type: 'string', multiple: true },
  'start-port': { type: 'string' },
  'server-option': { type: 'string', multiple: true },
  flush: { type: 'boolean' },
  workloads: { type: 'string', short: 'w' },
  command: { type: 'string', multiple: true },
  'read-ratio': { type: 'string' },
  connections: { type: 'string', short: 'c' },
  pipeline: { type: 'string', short: 'P' },
  keyspace: { type: 'string', short: 'r' },
  size: { type: 'string', short: 'd' },
  distribution: { type: 'string' },
  'zipf-theta': { type: 'string' },
  warmup: { type: 'string' },
  duration: { type: 'string' },
  requests: { type: 'string', short: 'n' },
  repeats: { type: 'string' },
  threads: { type: 'string' },
  seed: { type: 'string' },
  memory: { type: 'boolean' },
  datasets: { type: 'string' },
  scale: { type: 'string' },
  micro: { type: 'boolean' },
  time: { type: 'string' },
  filter: { type: 'string' },
  calibrate: { type: 'boolean' },
  tests: { type: 'string' },
  readme: { type: 'boolean' },
  list: { type: 'boolean' },
  json: { type: 'string' },
  report: { type: 'string' },
  markdown: { type: 'string' },
  from: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  // The earlier harness's spellings: --server (the load comparison with
  // started servers) with --tests and --pipelines; --memory with --keys.
  server: { type: 'boolean' },
  pipelines: { type: 'string' },
  keys: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function num(v: string | undefined, def: number, name: string, min = 0): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} ${v}: expected a number >= ${min}`);
  return n;
}

function defaultThreads(): number {
  // One core for the server under test, the rest for the generator, at most 4.
  return Math.max(1, Math.min(4, cpus().length - 1));
}

function settingsFrom(v: Values): RunSettings {
  const dist = (v.distribution ?? 'uniform') as Distribution;
  if (!['uniform', 'zipf', 'sequential'].includes(dist)) throw new Error(`--distribution ${dist}: uniform, zipf or sequential`);
  return {
    connections: num(v.connections, 50, 'connections', 1),
    pipeline: 1,
    keyspace: num(v.keyspace, 100000, 'keyspace', 1),
    valueSize: num(v.size, 32, 'size', 0),
    distribution: dist,
    zipfTheta: num(v['zipf-theta'], 0.99, 'zipf-theta'),
    seed: num(v.seed, 1, 'seed'),
    threads: v.threads === undefined || v.threads === 'auto' ? defaultThreads() : num(v.threads, 1, 'threads', 1),
    warmupMs: num(v.warmup, 1, 'warmup') * 1000,
    durationMs: num(v.duration, 2, 'duration', 0.1) * 1000,
    requests: num(v.requests, 0, 'requests'),
    readRatio: v['read-ratio'] === undefined ? null : Math.min(1, num(v['read-ratio'], 0, 'read-ratio')),
  };
}

function pipelinesOf(v: Values): number[] {
  return (v.pipeline ?? v.pipelines ?? '1').split(',').map((p) => num(p, 1, 'pipeline', 1));
}

/** `default,set@16`: every selected workload at every --pipeline, or at its own @depth. */
export function jobsFrom(list: string, pipelines: number[]): Job[] {
  const jobs: Job[] = [];
  for (const item of list.split(',').filter(Boolean)) {
    const [name, at] = item.trim().split('@');
    const specs = name === 'all' || name === 'default' ? selectWorkloads(name) : [workloadByName(name)];
    const ps = at ? [num(at, 1, 'pipeline', 1)] : pipelines;
    for (const p of ps) for (const spec of specs) jobs.push({ spec, pipeline: p });
  }
  return jobs;
}

async function resolveTargets(v: Values, progress: Progress, defaults: ServerKind[] = ['redis', 'vermilion']): Promise<Target[]> {
  const targets: Target[] = [];
  const startPort = num(v['start-port'], 0, 'start-port');
  const extra = (v['server-option'] ?? []).flatMap((o) => {
    const [name, ...rest] = o.trim().split(/\s+/);
    return [`--${name}`, rest.join(' ')];
  });
  const starts = (v.start ?? []).flatMap((s) => s.split(',')).filter(Boolean);
  const given = v.target ?? [];
  if (!starts.length && !given.length) starts.push(...defaults);
  // Targets in the order given: --start ones first, then --target ones.
  let port = startPort;
  for (const kind of starts) {
    if (kind !== 'redis' && kind !== 'vermilion') throw new Error(`--start ${kind}: redis or vermilion`);
    progress.line(`starting ${kind}...`);
    const name = starts.filter((k) => k === kind).length > 1 ? `${kind}-${targets.length + 1}` : kind;
    targets.push(await startTarget(kind, port, ROOT, extra, name));
    if (port) port++;
  }
  for (const spec of given) {
    const { name, host, port: p } = parseTargetSpec(spec);
    const t: Target = { name, host, port: p, pid: null, proc: null, server: '?' };
    await describeTarget(t);
    if (!v.flush) {
      const c = await Control.connect(host, p);
      try {
        const n = await c.call(['DBSIZE']);
        if (typeof n === 'number' && n > 0) throw new Error(`${name} holds ${n} keys in db 0; the benchmark FLUSHALLs its targets: add --flush if that is fine`);
      } finally {
        c.close();
      }
    }
    targets.push(t);
  }
  const names = new Set(targets.map((t) => t.name));
  if (names.size !== targets.length) throw new Error('two targets have the same name: name them, --target name=host:port');
  return targets;
}

function info(t: Target): TargetInfo {
  return { name: t.name, address: `${t.host}:${t.port}`, server: t.server, local: t.pid !== null, started: t.proc !== null };
}

/** The command line that reproduces this run (output options left out), as `npm run bench -- ...`. */
export function commandLine(argv: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/^--(json|report|markdown)$/.test(a)) { i++; continue; }
    if (/^--(json|report|markdown|quiet)(=|$)/.test(a)) continue;
    out.push(/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  }
  return `npm run bench${out.length ? ` -- ${out.join(' ')}` : ''}`;
}

const README_START = '<!-- vermilion-benchmark:start -->';
const README_END = '<!-- vermilion-benchmark:end -->';

/** Replaces the generated part of README.md's performance section. */
export function updateReadme(readme: string, markdown: string): string {
  const a = readme.indexOf(README_START);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${README_START} ... ${README_END} markers`);
  return `${readme.slice(0, a + README_START.length)}\n${markdown}${readme.slice(b)}`;
}

export async function main(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  if (v.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (v.list) {
    for (const w of WORKLOADS) process.stdout.write(`${w.name.padEnd(14)} ${w.type.padEnd(12)} ${w.default ? '' : '(not in default) '}${w.description}\n`);
    return 0;
  }
  if (v.from) {
    const saved = JSON.parse(readFileSync(v.from, 'utf8')) as BenchResults;
    if (saved.tool !== 'vermilion-benchmark') throw new Error(`${v.from} is not a vermilion-benchmark result`);
    writeOutputs(v, saved);
    return 0;
  }
  const progress = new Progress(!!v.quiet);
  const t0 = Date.now();
  const settings = settingsFrom(v);
  const repeats = num(v.repeats, 3, 'repeats', 1);
  const readme = !!v.readme;
  const results: BenchResults = {
    tool: 'vermilion-benchmark',
    version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    machine: machine(ROOT),
    command: commandLine(argv),
    elapsedSeconds: 0,
  };
  const cleanup = (): void => stopStarted();
  const interrupted = (): void => { cleanup(); process.exit(130); };
  let givenTargets: Target[] = [];
  process.once('SIGINT', interrupted);
  process.once('exit', cleanup);
  try {
    const micro = v.micro || readme;
    const memory = v.memory || readme;
    const calibrate = v.calibrate || readme;
    const load = readme || (!v.micro && !v.memory && !v.calibrate);
    if (micro) {
      const timeMs = num(v.time, 500, 'time', 10);
      const scale = num(v.scale, 1, 'scale');
      progress.restart();
      results.micro = {
        timeMs, scale,
        results: await runMicro(timeMs, scale, { step: (i, n, name) => progress.step(i, n, `micro: ${name}`) }, v.filter ? new RegExp(v.filter) : undefined),
      };
      progress.clear();
    }
    if (load || memory || calibrate) {
      const targets = await resolveTargets(v, progress);
      givenTargets = targets.filter((t) => !t.proc);
      if (load) {
        const pipelines = pipelinesOf(v);
        const list = v.workloads ?? (v.server && v.tests ? v.tests : v.command ? '' : readme ? 'default,multi-incr10,xgroup,geosearch,pfadd,lru,fanout@128,set@16,get@16,incr@16,stream@16,pfadd@16,lru@16' : 'default');
        const jobs = jobsFrom(list, pipelines);
        if (v.command) jobs.push(...pipelines.map((pipeline) => ({ spec: customWorkload(v.command!), pipeline })));
        progress.restart();
        const started = Date.now();
        const workloads = await runSuite(targets, jobs, settings, repeats, {
          run: (i, n, w, t, r) => progress.step(i, n, `${w} · ${t} · run ${r + 1}/${repeats}`),
          progress: (f, ops) => progress.draw(f, ops),
          done: (w, t, s, note) => progress.line(`${w.padEnd(14)} ${t.padEnd(12)} ${s ? `${Math.round(s.opsPerSec).toLocaleString('en-US').padStart(11)} ops/s  p99 ${(s.latency.p99 / 1000).toFixed(2)} ms` : note ?? ''}`),
        });
        results.load = {
          settings: { ...settings, repeats, pipelines: [...new Set(jobs.map((j) => j.pipeline))] },
          targets: targets.map(info), workloads, elapsedSeconds: (Date.now() - started) / 1000,
        };
      }
      if (calibrate) {
        const t = targets.find((x) => x.server.startsWith('redis')) ?? targets[0];
        const requests = num(v.requests, 0, 'requests') || 200000;
        const pipelines = v.pipeline ? pipelinesOf(v) : [1, 16];
        const tests = (v.tests ?? 'ping,set').split(',');
        progress.restart();
        const rows = await runCalibration(t, tests, pipelines, settings, requests, repeats, {
          step: (i, n, what) => progress.step(i, n, what),
          progress: (f, ops) => progress.draw(f, ops),
        });
        progress.clear();
        results.calibration = {
          target: info(t),
          settings: { connections: settings.connections, keyspace: settings.keyspace, valueSize: settings.valueSize, requests, repeats, threads: settings.threads },
          rows,
        };
      }
      if (memory) {
        // --keys N (the earlier harness): N strings only.
        const scale = v.keys ? num(v.keys, 1, 'keys', 1) / DATASETS[0].items : num(v.scale, 1, 'scale');
        progress.restart();
        const datasets = await runMemory(targets, selectDatasets(v.datasets ?? (v.keys ? 'strings' : 'all')), scale, {
          step: (i, n, d, t) => progress.step(i, n, `memory: ${d} · ${t}`),
          done: (d, t, r) => progress.line(`${d.padEnd(10)} ${t.padEnd(12)} ${r.status === 'ok' ? `${r.rssBytesPerItem?.toFixed(1)} B/item RSS, ${r.usedBytesPerItem?.toFixed(1)} B/item used_memory` : `${r.status}: ${r.reason}`}`),
        });
        results.memory = { scale, targets: targets.map(info), datasets };
      }
    }
  } finally {
    // Leave the given servers as empty as they were found (started ones just stop).
    for (const t of givenTargets) {
      try {
        const c = await Control.connect(t.host, t.port);
        await c.call(['FLUSHALL'], 120000).finally(() => c.close());
      } catch { /* the run's own error says more */ }
    }
    cleanup();
    process.removeListener('SIGINT', interrupted);
    process.removeListener('exit', cleanup);
    progress.clear();
  }
  results.elapsedSeconds = (Date.now() - t0) / 1000;
  writeOutputs(v, results);
  return 0;
}

function writeOutputs(v: Values, results: BenchResults): void {
  const write = (file: string, text: string): void => {
    if (file === '-') process.stdout.write(text);
    else writeFileSync(file, text);
  };
  if (v.json) write(v.json, `${JSON.stringify(results, null, 2)}\n`);
  if (v.markdown) write(v.markdown, renderMarkdown(results));
  if (v.report) write(v.report, v.report.endsWith('.svg') ? renderSvg(results) : renderHtml(results));
  if (v.readme) {
    const path = join(ROOT, 'README.md');
    writeFileSync(path, updateReadme(readFileSync(path, 'utf8'), renderMarkdown(results)));
    if (!v.quiet) process.stderr.write(`updated ${path}\n`);
  }
  if (v.json !== '-' && v.markdown !== '-') process.stdout.write(`${renderText(results)}\n`);
}
