#!/usr/bin/env node
// EVALSHA throughput of a 5-command script, Vermilion beside a real
// redis-server started by this script, as a ratio (issue 4's target:
// >= 0.5x Redis). Each round runs redis-benchmark against both, alternating;
// the medians are compared.
//
//   npm run build && node bench/scripting.mjs [--requests N] [--repeats N] [--pipeline N] [--clients N]
//
// The script reads and writes two keys per call (INCR, EXPIRE, GET, SET,
// STRLEN): the cost measured is the bridge between the Lua VM and the
// engine (five redis.call round trips) plus running the script itself.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import net from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const requests = Number(opt('requests', '100000'));
const repeats = Number(opt('repeats', '3'));
const pipeline = Number(opt('pipeline', '1'));
const clients = Number(opt('clients', '50'));

const SCRIPT = [
  "local n = redis.call('INCR', KEYS[1])",
  "redis.call('EXPIRE', KEYS[1], 60)",
  "local v = redis.call('GET', KEYS[1])",
  "redis.call('SET', KEYS[2], ARGV[1])",
  "return n + redis.call('STRLEN', KEYS[2])",
].join('\n');
const SHA = createHash('sha1').update(SCRIPT).digest('hex');

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

function redisCli(port, ...argv) {
  return execFileSync('redis-cli', ['-p', String(port), ...argv]).toString().trim();
}

function bench(port) {
  const out = execFileSync('redis-benchmark', ['-p', String(port), '-c', String(clients), '-n', String(requests),
    '-r', '100000', '-P', String(pipeline), '-q', 'EVALSHA', SHA, '2', 'k:__rand_int__', 'v:__rand_int__', 'value'],
  { maxBuffer: 1 << 24 }).toString();
  const m = /([\d.]+) requests per second/.exec(out);
  if (!m) throw new Error(`redis-benchmark printed no result: ${out}`);
  return Number(m[1]);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

async function main() {
  for (const bin of ['redis-server', 'redis-benchmark', 'redis-cli']) {
    if (!which(bin)) throw new Error(`${bin} is not installed (apt-get install redis-server redis-tools)`);
  }
  const rport = await freePort();
  const vport = await freePort();
  const redis = spawn('redis-server', ['--port', String(rport), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', mkdtempSync(join(tmpdir(), 'bench-redis-'))], { stdio: 'ignore' });
  const verm = spawn(process.execPath, [join(root, 'bin', 'vermilion-server.js'), '--port', String(vport), '--bind', '127.0.0.1',
    '--save', '', '--dir', mkdtempSync(join(tmpdir(), 'bench-verm-'))], { stdio: 'ignore' });
  const stop = () => { redis.kill('SIGKILL'); verm.kill('SIGKILL'); };
  process.on('exit', stop);
  await Promise.all([waitPort(rport), waitPort(vport)]);
  for (const port of [rport, vport]) {
    const sha = redisCli(port, 'SCRIPT', 'LOAD', SCRIPT);
    if (sha !== SHA) throw new Error(`SCRIPT LOAD on ${port} gave ${sha}`);
  }
  const results = { redis: [], vermilion: [] };
  for (let i = 0; i < repeats; i++) {
    results.redis.push(bench(rport));
    results.vermilion.push(bench(vport));
  }
  stop();
  const r = median(results.redis);
  const v = median(results.vermilion);
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  console.log(`EVALSHA of a 5-command script, redis-benchmark -c ${clients} -n ${requests} -P ${pipeline}, ` +
    `median of ${repeats} alternating runs`);
  console.log(`machine: ${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}, commit ${commit}`);
  console.log(`redis     ${Math.round(r)} calls/s   (${results.redis.map(Math.round).join(', ')})`);
  console.log(`vermilion ${Math.round(v)} calls/s   (${results.vermilion.map(Math.round).join(', ')})`);
  console.log(`ratio     ${(v / r).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
