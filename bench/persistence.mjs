#!/usr/bin/env node
// RDB persistence beside a real redis-server on the same data (issue 5's
// targets), as ratios:
//   - SAVE of N small keys (`key:<i>` -> 16-byte value): time, Vermilion / Redis;
//   - loading that file at startup: time as each server logs it ("DB loaded
//     from disk"), Vermilion / Redis;
//   - BGSAVE: the longest a client waits (PINGs back to back from the
//     BGSAVE to its end), beside Redis's fork pause, per GB of dataset.
//
//   npm run build && node bench/persistence.mjs [--keys 1000000] [--repeats 3]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const KEYS = Number(opt('keys', '1000000'));
const REPEATS = Number(opt('repeats', '3'));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function cli(port, ...argv) {
  return execFileSync('redis-cli', ['-p', String(port), ...argv], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
}

async function waitReady(port) {
  for (let i = 0; i < 2000; i++) {
    try {
      if (cli(port, 'INFO', 'persistence').includes('loading:0')) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`server on ${port} did not get ready`);
}

function startRedis(dir, port) {
  const log = join(dir, `redis-${Date.now()}.log`);
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--logfile', log], { stdio: 'ignore' });
  return { proc, log: () => readFileSync(log, 'utf8') };
}

function startVermilion(dir, port) {
  let out = '';
  const proc = spawn(process.execPath, [join(root, 'bin', 'vermilion-server.js'), '--port', String(port), '--bind', '127.0.0.1',
    '--save', '', '--dir', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  proc.stdout.on('data', (d) => { out += d; });
  return { proc, log: () => out };
}

// Every server started, stopped on the way out (an error included), so none is left running.
const started = [];
process.on('exit', () => { for (const p of started) if (p.exitCode === null) p.kill('SIGKILL'); });
const track = (s) => { started.push(s.proc); return s; };
const servers = { redis: (d, p) => track(startRedis(d, p)), vermilion: (d, p) => track(startVermilion(d, p)) };

/** The dataset as RESP, piped with redis-cli --pipe (the same bytes to both). */
function datasetFile() {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-rdb-')), 'data.resp');
  const parts = [];
  for (let i = 0; i < KEYS; i++) {
    const k = `key:${i}`;
    const v = `value:${String(i).padStart(10, '0')}`;
    parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`);
  }
  writeFileSync(file, parts.join(''));
  return file;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

/**
 * The longest gap a client sees while a BGSAVE runs, from its start to its
 * end: PINGs back to back on one connection, BGSAVE and the INFO polls on
 * another, all without blocking this process (a synchronous redis-cli here
 * would stall the PING loop and count its own time as the server's).
 */
async function bgsavePause(port) {
  const connect = async () => {
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    return s;
  };
  const sock = await connect();
  const ctl = await connect();
  let ctlBuf = '';
  let ctlWait = null;
  ctl.on('data', (d) => { ctlBuf += d; ctlWait?.(); });
  // One reply on the control connection: a status line or one bulk string.
  const ask = async (cmd) => {
    ctlBuf = '';
    ctl.write(cmd);
    for (;;) {
      if (ctlBuf.startsWith('$')) {
        const nl = ctlBuf.indexOf('\r\n');
        if (nl > 0 && ctlBuf.length >= nl + 2 + Number(ctlBuf.slice(1, nl)) + 2) return ctlBuf;
      } else if (ctlBuf.endsWith('\r\n')) {
        return ctlBuf;
      }
      await new Promise((r) => { ctlWait = r; });
    }
  };
  let worst = 0;
  let stop = false;
  let pending = null;
  sock.on('data', () => { pending?.(); });
  const loop = (async () => {
    while (!stop) {
      const t = performance.now();
      await new Promise((r) => { pending = r; sock.write('PING\r\n'); });
      worst = Math.max(worst, performance.now() - t);
    }
  })();
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  const reply = await ask('BGSAVE\r\n');
  if (!reply.startsWith('+Background saving started')) throw new Error(`BGSAVE: ${reply.trim()}`);
  for (let i = 0; i < 3000; i++) {
    await new Promise((r) => setTimeout(r, 20));
    if ((await ask('INFO persistence\r\n')).includes('rdb_bgsave_in_progress:0')) break;
  }
  const total = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 100));
  stop = true;
  await loop;
  sock.destroy();
  ctl.destroy();
  return { worst, total };
}

async function main() {
  const data = datasetFile();
  const results = {};
  for (const name of Object.keys(servers)) {
    const dir = mkdtempSync(join(tmpdir(), `bench-rdb-${name}-`));
    const port = await freePort();
    let s = servers[name](dir, port);
    await waitReady(port);
    execFileSync('sh', ['-c', `redis-cli -p ${port} --pipe < ${data}`], { stdio: 'ignore' });
    const used = Number(/used_memory:(\d+)/.exec(cli(port, 'INFO', 'memory'))[1]);
    const saves = [];
    for (let i = 0; i < REPEATS; i++) {
      const t = performance.now();
      cli(port, 'SAVE');
      saves.push(performance.now() - t);
    }
    const pauses = [];
    const bgTimes = [];
    for (let i = 0; i < REPEATS; i++) {
      const { worst, total } = await bgsavePause(port);
      pauses.push(worst);
      bgTimes.push(total);
    }
    // Vermilion logs its longest serializing slice: the server's own share
    // of the wait, apart from the scheduling noise of a shared machine.
    const slices = [...s.log().matchAll(/longest slice ([\d.]+) ms/g)].map((m) => Number(m[1]));
    const fileBytes = readFileSync(join(dir, 'dump.rdb')).length;
    cli(port, 'SHUTDOWN', 'NOSAVE');
    await new Promise((r) => s.proc.once('exit', r));
    const loads = [];
    for (let i = 0; i < REPEATS; i++) {
      s = servers[name](dir, port);
      await waitReady(port);
      let m = null;
      for (let k = 0; k < 200 && !m; k++) {
        // The log line may trail the server's readiness by a moment (a pipe, a log file).
        const lines = s.log().split('\n').filter((l) => l.includes('DB loaded'));
        if (lines.length > 0) m = /DB loaded from disk: ([\d.]+) seconds/.exec(lines[lines.length - 1]);
        else await new Promise((r) => setTimeout(r, 10));
      }
      if (!m) throw new Error(`${name} logged no load time`);
      loads.push(Number(m[1]) * 1000);
      if (Number(cli(port, 'DBSIZE')) !== KEYS) throw new Error(`${name} loaded ${cli(port, 'DBSIZE')} keys`);
      cli(port, 'SHUTDOWN', 'NOSAVE');
      await new Promise((r) => s.proc.once('exit', r));
    }
    results[name] = { save: median(saves), load: median(loads), pause: Math.max(...pauses), bgsave: median(bgTimes), slice: slices.length ? Math.max(...slices) : null, used, fileBytes };
  }
  const r = results.redis;
  const v = results.vermilion;
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  console.log(`RDB of ${KEYS} small keys, median of ${REPEATS}; machine: ${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}, commit ${commit}`);
  console.log(`| | Redis | Vermilion | ratio |`);
  console.log(`|---|---:|---:|---:|`);
  console.log(`| SAVE (ms) | ${r.save.toFixed(0)} | ${v.save.toFixed(0)} | ${(v.save / r.save).toFixed(2)} |`);
  console.log(`| load at startup (ms) | ${r.load.toFixed(0)} | ${v.load.toFixed(0)} | ${(v.load / r.load).toFixed(2)} |`);
  console.log(`| BGSAVE longest client wait (ms) | ${r.pause.toFixed(1)} | ${v.pause.toFixed(1)} | ${(v.pause / r.pause).toFixed(1)} |`);
  console.log(`| BGSAVE wait per GB of used_memory (ms) | ${(r.pause / (r.used / 2 ** 30)).toFixed(0)} | ${(v.pause / (v.used / 2 ** 30)).toFixed(0)} | |`);
  if (v.slice !== null) console.log(`| BGSAVE longest serializing slice, server side (ms) | | ${v.slice.toFixed(1)} | |`);
  console.log(`| BGSAVE start to end (ms) | ${r.bgsave.toFixed(0)} | ${v.bgsave.toFixed(0)} | ${(v.bgsave / r.bgsave).toFixed(2)} |`);
  console.log(`| file (bytes) | ${r.fileBytes} | ${v.fileBytes} | ${(v.fileBytes / r.fileBytes).toFixed(2)} |`);
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
