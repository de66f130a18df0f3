#!/usr/bin/env node
// AOF throughput beside a real redis-server (issue 5's target: >= 0.9x):
// `redis-benchmark -P 16 -t set` against each server with appendonly yes
// and appendfsync everysec (or --fsync always|no), requests/s as a ratio.
//
//   npm run build && node bench/aof.mjs [--requests 300000] [--fsync everysec] [--repeats 3]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const REQUESTS = opt('requests', '300000');
const FSYNC = opt('fsync', 'everysec');
const AOF = opt('appendonly', 'yes');
const REPEATS = Number(opt('repeats', '3'));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitReady(port) {
  for (let i = 0; i < 400; i++) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'PING'], { stdio: 'ignore' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`server on ${port} did not start`);
}

function bench(port) {
  const out = execFileSync('redis-benchmark', ['-p', String(port), '-P', '16', '-t', 'set', '-n', REQUESTS, '-r', '100000', '-q'])
    .toString();
  const m = /([\d.]+) requests per second/.exec(out);
  return Number(m[1]);
}

async function run(kind) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `aof-bench-${kind}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', AOF,
    '--appendfsync', FSYNC];
  const proc = kind === 'redis'
    ? spawn('redis-server', common, { stdio: 'ignore' })
    : spawn(process.execPath, [join(root, 'bin', 'vermilion-server.js'), ...common], { stdio: 'ignore' });
  try {
    await waitReady(port);
    const results = [];
    for (let i = 0; i < REPEATS; i++) results.push(bench(port));
    return Math.max(...results);
  } finally {
    proc.kill('SIGKILL');
  }
}

const redis = await run('redis');
const verm = await run('vermilion');
console.log(`SET -P 16, appendonly ${AOF}, appendfsync ${FSYNC}, ${REQUESTS} requests (best of ${REPEATS})`);
console.log(`  redis-server: ${redis.toFixed(0)} req/s`);
console.log(`  vermilion:    ${verm.toFixed(0)} req/s`);
console.log(`  ratio:        ${(verm / redis).toFixed(2)}x (target >= 0.9x)`);
