// Shared by the scripts that measure Vermilion beside a real redis-server
// with redis-benchmark (scripting.mjs, aof.mjs, eviction.mjs): options,
// ports, starting the two servers alike, running redis-benchmark.
import { spawn, execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `--name value` from the command line, or `def`. */
export function opt(name, def) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
}

/** Throws unless redis-server, redis-benchmark and redis-cli are installed. */
export function requireRedisTools() {
  for (const bin of ['redis-server', 'redis-benchmark', 'redis-cli']) {
    try {
      execFileSync('which', [bin], { stdio: 'ignore' });
    } catch {
      throw new Error(`${bin} is not installed (apt-get install redis-server redis-tools)`);
    }
  }
}

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** Resolves once something answers PING on `port`. */
export async function waitReady(port) {
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

/**
 * Starts `kind` ('redis' or 'vermilion') on a free loopback port with no
 * persistence unless `options` (redis.conf directives as argv) say
 * otherwise; resolves to { port, proc, stop } once it answers.
 */
export async function startServer(kind, options = []) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const argv = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...options];
  const proc = kind === 'redis'
    ? spawn('redis-server', argv, { stdio: 'ignore' })
    : spawn(process.execPath, [join(root, 'bin', 'vermilion-server.js'), ...argv], { stdio: 'ignore' });
  const stop = () => proc.kill('SIGKILL');
  process.on('exit', stop);
  await waitReady(port);
  return { port, proc, stop };
}

export function redisCli(port, ...argv) {
  return execFileSync('redis-cli', ['-p', String(port), ...argv]).toString().trim();
}

/** Runs redis-benchmark -q with `argv` against `port`; resolves to its requests per second. */
export function redisBenchmark(port, argv) {
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', ['-p', String(port), '-q', ...argv], { maxBuffer: 1 << 24 }, (err, stdout) => {
      if (err) return reject(err);
      const m = /([\d.]+) requests per second/.exec(stdout.toString());
      if (!m) return reject(new Error(`redis-benchmark printed no result: ${stdout}`));
      resolve(Number(m[1]));
    });
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

export function commitId() {
  return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
}
