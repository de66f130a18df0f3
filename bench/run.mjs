#!/usr/bin/env node
// Benchmarks, always beside real Redis in the same run, reported as ratios.
//
//   npm run bench                 engine micro-benchmarks (tinybench, in-process)
//   npm run bench -- --server     redis-benchmark against Vermilion and a real
//                                 redis-server it starts, alternating, medians
//   npm run bench -- --memory     RSS growth for 1,000,000 keys on both
//
// Options: --repeats N (default 3), --requests N (200000), --tests set,get,...
//          --json out.json (machine-readable results)
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : def;
};
const flag = (name) => args.includes(`--${name}`);

function which(bin) {
  try { return execFileSync('which', [bin]).toString().trim(); } catch { return null; }
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((res) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); res(true); });
      c.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not open`);
}

/** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100; // CLK_TCK is 100 on Linux
}

function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

async function startTargets() {
  const redisBin = which('redis-server');
  if (!redisBin) throw new Error('redis-server is not installed: the comparison needs it (apt-get install redis-server)');
  const rport = await freePort();
  const vport = await freePort();
  const redis = spawn(redisBin, ['--port', String(rport), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', mkdtempSync(join(tmpdir(), 'bench-redis-'))], { stdio: 'ignore' });
  const verm = spawn(process.execPath, [join(root, 'bin', 'vermilion-server.js'), '--port', String(vport), '--bind', '127.0.0.1',
    '--save', '', '--dir', mkdtempSync(join(tmpdir(), 'bench-verm-'))], { stdio: 'ignore' });
  await Promise.all([waitPort(rport), waitPort(vport)]);
  const stop = () => { redis.kill('SIGKILL'); verm.kill('SIGKILL'); };
  process.on('exit', stop);
  return { targets: [{ name: 'redis', port: rport, pid: redis.pid }, { name: 'vermilion', port: vport, pid: verm.pid }], stop };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runRedisBenchmark(port, test, pipeline, requests) {
  const out = execFileSync('redis-benchmark', ['-p', String(port), '-c', '50', '-n', String(requests), '-r', '100000',
    '-P', String(pipeline), '-t', test, '--csv'], { maxBuffer: 1 << 24 }).toString();
  const line = out.trim().split('\n').find((l) => l.startsWith('"') && !l.startsWith('"test"'));
  if (!line) throw new Error(`redis-benchmark printed no result for ${test}: ${out}`);
  return Number(JSON.parse(`[${line}]`)[1]);
}

function machine() {
  let commit = 'unknown';
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim(); } catch { /* not a checkout */ }
  const c = cpus();
  return { cpu: c[0]?.model ?? 'unknown', cores: c.length, node: process.version, commit, date: new Date().toISOString() };
}

async function serverBench() {
  if (!which('redis-benchmark')) throw new Error('redis-benchmark is not installed (apt-get install redis-tools)');
  const repeats = Number(opt('repeats', '3'));
  const requests = Number(opt('requests', '200000'));
  const tests = opt('tests', 'set,get,incr,mset').split(',');
  const pipelines = opt('pipelines', '1,16').split(',').map(Number);
  const { targets, stop } = await startTargets();
  const results = [];
  try {
    for (const p of pipelines) {
      for (const test of tests) {
        const samples = Object.fromEntries(targets.map((t) => [t.name, { rps: [], cpu: [] }]));
        for (let r = 0; r < repeats; r++) {
          // Alternate the order so neither target always runs on a warmer machine.
          const order = r % 2 ? [...targets].reverse() : targets;
          for (const t of order) {
            const c0 = cpuSeconds(t.pid);
            const rps = runRedisBenchmark(t.port, test, p, requests);
            const cpu = (cpuSeconds(t.pid) - c0) / requests;
            samples[t.name].rps.push(rps);
            samples[t.name].cpu.push(cpu);
          }
        }
        const row = { test: test.toUpperCase(), pipeline: p };
        for (const t of targets) {
          row[`${t.name}_rps`] = median(samples[t.name].rps);
          row[`${t.name}_cpu_us_per_req`] = median(samples[t.name].cpu) * 1e6;
        }
        row.rps_ratio = row.vermilion_rps / row.redis_rps;
        row.cpu_ratio = row.vermilion_cpu_us_per_req / row.redis_cpu_us_per_req;
        results.push(row);
        process.stderr.write(`${row.test} -P ${p}: ${row.rps_ratio.toFixed(2)}x requests/s, ${row.cpu_ratio.toFixed(2)}x CPU per request\n`);
      }
    }
  } finally {
    stop();
  }
  const gm = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  const summary = pipelines.map((p) => {
    const rows = results.filter((r) => r.pipeline === p && ['SET', 'GET', 'INCR'].includes(r.test));
    return { pipeline: p, rps_ratio_geomean: gm(rows.map((r) => r.rps_ratio)), cpu_ratio_geomean: gm(rows.map((r) => r.cpu_ratio)) };
  });
  printTable(results, summary);
  return { machine: machine(), settings: { repeats, requests, clients: 50, keyspace: 100000 }, results, summary };
}

function printTable(results, summary) {
  const m = machine();
  console.log(`\nredis-benchmark -c 50 -n ${opt('requests', '200000')} -r 100000, median of ${opt('repeats', '3')} alternating runs`);
  console.log(`machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, commit ${m.commit}\n`);
  console.log('| test | -P | Redis req/s | Vermilion req/s | req/s ratio | CPU/req ratio |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.test} | ${r.pipeline} | ${Math.round(r.redis_rps)} | ${Math.round(r.vermilion_rps)} | ${r.rps_ratio.toFixed(2)} | ${r.cpu_ratio.toFixed(2)} |`);
  }
  for (const s of summary) {
    console.log(`\n-P ${s.pipeline}: SET/GET/INCR geometric mean ${s.rps_ratio_geomean.toFixed(2)}x requests/s, ${s.cpu_ratio_geomean.toFixed(2)}x CPU per request`);
  }
}

/** Loads N keys `key:N` with 16-byte values over one pipelined connection. */
async function loadKeys(port, n) {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let pending = 0;
  let got = 0;
  sock.on('data', (d) => { for (const b of d) if (b === 10) got++; });
  const value = '0123456789abcdef';
  const batch = 1000;
  for (let i = 0; i < n; i += batch) {
    let s = '';
    for (let j = i; j < Math.min(n, i + batch); j++) {
      const k = `key:${j}`;
      s += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$16\r\n${value}\r\n`;
      pending++;
    }
    sock.write(s);
    while (got < pending - 20000) await new Promise((r) => setTimeout(r, 1));
  }
  while (got < pending) await new Promise((r) => setTimeout(r, 5));
  sock.destroy();
}

async function memoryBench() {
  const n = Number(opt('keys', '1000000'));
  const { targets, stop } = await startTargets();
  const rows = [];
  try {
    for (const t of targets) {
      await new Promise((r) => setTimeout(r, 300));
      const before = rssBytes(t.pid);
      await loadKeys(t.port, n);
      await new Promise((r) => setTimeout(r, 500));
      const after = rssBytes(t.pid);
      rows.push({ target: t.name, keys: n, rss_growth_bytes: after - before, bytes_per_key: (after - before) / n });
    }
  } finally {
    stop();
  }
  const ratio = rows[1].bytes_per_key / rows[0].bytes_per_key;
  console.log(`\n${n} keys "key:N" with 16-byte values, RSS growth`);
  console.log('| target | bytes per key |');
  console.log('|---|---:|');
  for (const r of rows) console.log(`| ${r.target} | ${r.bytes_per_key.toFixed(1)} |`);
  console.log(`\nVermilion / Redis: ${ratio.toFixed(2)}x`);
  return { machine: machine(), rows, ratio };
}

async function microBench() {
  const { Bench } = await import('tinybench');
  const { Engine } = await import(join(root, 'dist', 'src', 'engine', 'engine.js'));
  const engine = new Engine({});
  const client = engine.x.newClient();
  const enc = (...a) => Buffer.from(`*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`);
  const set = enc('SET', 'key:1', '0123456789abcdef');
  const get = enc('GET', 'key:1');
  const pipe16 = Buffer.concat(Array.from({ length: 16 }, (_, i) => enc('SET', `key:${i}`, 'v')));
  const mapStore = new Map();
  const bench = new Bench({ time: 500 });
  bench
    .add('engine SET (one call)', () => { engine.feed(client, set, Date.now()); engine.takeOutput(); })
    .add('engine GET (one call)', () => { engine.feed(client, get, Date.now()); engine.takeOutput(); })
    .add('engine 16 pipelined SETs (one call)', () => { engine.feed(client, pipe16, Date.now()); engine.takeOutput(); })
    .add('JS Map set (baseline)', () => { mapStore.set('key:1', '0123456789abcdef'); });
  await bench.run();
  console.table(bench.table());
  return { machine: machine(), micro: bench.table() };
}

const mode = flag('server') ? serverBench : flag('memory') ? memoryBench : microBench;
mode().then((res) => {
  const json = opt('json', null);
  if (json) writeFileSync(json, JSON.stringify(res, null, 2));
  process.exit(0);
}).catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
