#!/usr/bin/env node
// Embedded API micro-benchmarks (tinybench), beside the alternatives in the
// same run, reported as ratios (the targets of issue 6):
//
//   - synchronous SET/GET/INCR: Vermilion's db.sync vs a plain JS Map store
//     doing the same work (string values, expiry checked on read, INCR with
//     Redis's integer parsing and overflow check), and vs ioredis-mock's
//     async API; Vermilion's own async API for reference;
//   - HSET into one hash and ZADD into one sorted set of 100,000 members
//     (when this build has those commands);
//   - cold start: a fresh Node process importing the package and opening an
//     empty store (median of several processes).
//
//   npm run bench:embedded [-- --time 1000] [-- --json out.json]
//
// One operation per tinybench iteration, as the reference figures
// were measured, so each ops/s includes tinybench's own per-iteration cost
// for every store alike; `net ns/op` subtracts an empty task's cost.
import { Bench } from 'tinybench';
import { spawnSync, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import RedisMock from 'ioredis-mock';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const TIME = Number(opt('time', 1000));
const BIG = 100_000;

const { Vermilion } = await import(join(root, 'dist', 'src', 'index.js'));

/** The baseline: a Map-backed store with Redis's semantics for these three commands. */
class MapStore {
  m = new Map();
  set(k, v) { this.m.set(k, { v: String(v), exp: 0 }); return 'OK'; }
  get(k) {
    const e = this.m.get(k);
    if (!e) return null;
    if (e.exp !== 0 && e.exp <= Date.now()) { this.m.delete(k); return null; }
    return e.v;
  }
  incr(k) {
    const e = this.m.get(k);
    let n = 0n;
    if (e && !(e.exp !== 0 && e.exp <= Date.now())) {
      if (!/^-?(0|[1-9][0-9]{0,18})$/.test(e.v)) throw new Error('ERR value is not an integer or out of range');
      n = BigInt(e.v);
    }
    n += 1n;
    if (n > 9223372036854775807n) throw new Error('ERR increment or decrement would overflow');
    const v = String(n);
    if (e) e.v = v; else this.m.set(k, { v, exp: 0 });
    return Number(n);
  }
}

function machine() {
  let commit = 'unknown';
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim(); } catch { /* not a checkout */ }
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, commit };
}

async function opsBench() {
  const db = await Vermilion.open();
  const s = db.sync;
  const map = new MapStore();
  const mock = new RedisMock();
  s.set('key:1', 'value:0123456789');
  map.set('key:1', 'value:0123456789');
  await mock.set('key:1', 'value:0123456789');

  const bench = new Bench({ time: TIME, warmupTime: 200 });
  bench.add('empty task (tinybench overhead)', () => {});
  for (const [op, fns] of Object.entries({
    SET: [() => s.set('key:1', 'value:0123456789'), () => map.set('key:1', 'value:0123456789'),
      () => mock.set('key:1', 'value:0123456789'), () => db.set('key:1', 'value:0123456789')],
    GET: [() => s.get('key:1'), () => map.get('key:1'), () => mock.get('key:1'), () => db.get('key:1')],
    INCR: [() => s.incr('counter'), () => map.incr('counter'), () => mock.incr('counter'), () => db.incr('counter')],
  })) {
    bench.add(`${op} vermilion sync`, fns[0]);
    bench.add(`${op} js-map sync`, fns[1]);
    bench.add(`${op} ioredis-mock async`, async () => { await fns[2](); });
    bench.add(`${op} vermilion async`, async () => { await fns[3](); });
  }
  await bench.run();
  const hz = Object.fromEntries(bench.tasks.map((t) => [t.name, t.result.throughput.mean]));
  const overheadNs = 1e9 / hz['empty task (tinybench overhead)'];
  const rows = [];
  for (const op of ['SET', 'GET', 'INCR']) {
    for (const who of ['vermilion sync', 'js-map sync', 'ioredis-mock async', 'vermilion async']) {
      const ops = hz[`${op} ${who}`];
      rows.push({ op, store: who, ops, nsPerOp: 1e9 / ops, netNs: Math.max(0, 1e9 / ops - overheadNs) });
    }
  }
  await db.close();
  await mock.quit?.();
  return { rows, overheadNs, hz };
}

/** HSET/ZADD into one structure of BIG members: the cost of one more write. */
async function bigBench() {
  // A command without an engine handler aborts the engine (and drops that
  // connection): probe each on a throwaway store.
  const probe = async (cmd, ...a) => {
    const p = await Vermilion.open();
    try { p.callSync(cmd, ...a); return true; } catch { return false; } finally { await p.close(); }
  };
  const have = { HSET: await probe('HSET', 'h', 'f', 'v'), ZADD: await probe('ZADD', 'z', 1, 'm') };
  if (!have.HSET && !have.ZADD) return { skipped: 'HSET and ZADD are not in this build (issue 3)' };
  const fresh = await Vermilion.open();
  const mock = new RedisMock();
  const pipe = fresh.pipeline();
  for (let i = 0; i < BIG; i++) {
    if (have.HSET) pipe.hset('h', `f${i}`, 'v');
    if (have.ZADD) pipe.zadd('z', i, `m${i}`);
  }
  await pipe.exec();
  // ioredis-mock copies the whole structure on every write (a write costs
  // O(size)): filled one field at a time it would take hours, so it gets
  // its members a thousand per call. The measured writes are one each.
  for (let c = 0; c < BIG; c += 1000) {
    const fields = [];
    const members = [];
    for (let i = c; i < c + 1000; i++) { fields.push(`f${i}`, 'v'); members.push(i, `m${i}`); }
    if (have.HSET) await mock.hset('h', ...fields);
    if (have.ZADD) await mock.zadd('z', ...members);
  }
  let i = BIG;
  const bench = new Bench({ time: TIME, warmupTime: 100 });
  if (have.HSET) {
    bench.add('HSET 100k-field hash, vermilion sync', () => fresh.sync.hset('h', `n${i++}`, 'v'));
    bench.add('HSET 100k-field hash, ioredis-mock async', async () => { await mock.hset('h', `n${i++}`, 'v'); });
  }
  if (have.ZADD) {
    bench.add('ZADD 100k-member zset, vermilion sync', () => fresh.sync.zadd('z', i, `n${i++}`));
    bench.add('ZADD 100k-member zset, ioredis-mock async', async () => { await mock.zadd('z', i, `n${i++}`); });
  }
  await bench.run();
  const hz = Object.fromEntries(bench.tasks.map((t) => [t.name, t.result.throughput.mean]));
  await fresh.close();
  return { hz };
}

/** Median over fresh processes of: importing the package, and opening an empty store. */
function coldStart(runs = 9) {
  const entry = join(root, 'dist', 'src', 'index.js');
  const script = `const t0 = performance.now();
    const { Vermilion } = await import(${JSON.stringify(entry)});
    const t1 = performance.now();
    const db = await Vermilion.open();
    db.sync.set('k', 'v');
    const t2 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, openMs: t2 - t1 }));`;
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    samples.push(JSON.parse(r.stdout));
  }
  const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return { importMs: med(samples.map((s) => s.importMs)), openMs: med(samples.map((s) => s.openMs)),
    totalMs: med(samples.map((s) => s.importMs + s.openMs)), runs };
}

const m = machine();
console.log(`Embedded benchmarks: ${m.cpu}, ${m.cores} cores, Node ${m.node}, commit ${m.commit}, tinybench time ${TIME} ms per task\n`);
const ops = await opsBench();
console.log('| op | store | ops/s | ns/op | net ns/op |');
console.log('|---|---|---:|---:|---:|');
for (const r of ops.rows) console.log(`| ${r.op} | ${r.store} | ${Math.round(r.ops).toLocaleString('en-US')} | ${r.nsPerOp.toFixed(0)} | ${r.netNs.toFixed(0)} |`);
console.log(`\ntinybench's own cost per iteration (empty task): ${ops.overheadNs.toFixed(0)} ns`);
const ratio = (a, b) => ops.hz[a] / ops.hz[b];
const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const vsMap = ['SET', 'GET', 'INCR'].map((op) => ratio(`${op} vermilion sync`, `${op} js-map sync`));
const vsMock = ['SET', 'GET', 'INCR'].map((op) => ratio(`${op} vermilion sync`, `${op} ioredis-mock async`));
console.log(`vermilion sync / js-map:        SET ${vsMap[0].toFixed(2)}x  GET ${vsMap[1].toFixed(2)}x  INCR ${vsMap[2].toFixed(2)}x  (geomean ${geo(vsMap).toFixed(2)}x, target >= 1.0x)`);
console.log(`vermilion sync / ioredis-mock:  SET ${vsMock[0].toFixed(2)}x  GET ${vsMock[1].toFixed(2)}x  INCR ${vsMock[2].toFixed(2)}x  (geomean ${geo(vsMock).toFixed(2)}x, target >= 3.0x)`);

const big = await bigBench();
if (big.skipped) console.log(`\nlarge structures: skipped, ${big.skipped}`);
else {
  console.log('\n| large structure | ops/s |');
  console.log('|---|---:|');
  for (const [k, v] of Object.entries(big.hz)) console.log(`| ${k} | ${Math.round(v).toLocaleString('en-US')} |`);
}

const cold = coldStart();
console.log(`\ncold start (median of ${cold.runs} fresh processes): import ${cold.importMs.toFixed(1)} ms, open ${cold.openMs.toFixed(1)} ms, total ${cold.totalMs.toFixed(1)} ms (target: open <= 20 ms)`);

const json = opt('json', null);
if (json) writeFileSync(json, JSON.stringify({ machine: m, ops: ops.rows, overheadNs: ops.overheadNs, vsMap, vsMock, big, cold }, null, 2));
process.exit(0);
