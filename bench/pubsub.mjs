#!/usr/bin/env node
// Pub/sub fan-out beside real Redis: S subscribers on one channel, one
// publisher keeping a window of pipelined PUBLISH commands in flight; counts
// the messages the subscribers receive per second and the server's CPU per
// message. Vermilion and a redis-server started here, alternating runs,
// medians, ratios (Vermilion / Redis). Standalone until bench/run.mjs takes
// it in.
//
//   node bench/pubsub.mjs [--subscribers 50] [--seconds 4] [--repeats 5]
//                         [--window 64] [--size 16]
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : def;
};
const SUBSCRIBERS = opt('subscribers', 50);
const SECONDS = opt('seconds', 4);
const REPEATS = opt('repeats', 5);
const WINDOW = opt('window', 64);
const SIZE = opt('size', 16);

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

const connect = (port) => new Promise((resolve, reject) => {
  const s = net.connect(port, '127.0.0.1', () => { s.setNoDelay(true); resolve(s); });
  s.on('error', reject);
});

async function waitPort(port) {
  for (let i = 0; i < 200; i++) {
    try { (await connect(port)).destroy(); return; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error(`port ${port} did not open`);
}

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** One run against `port`: messages delivered per second and server CPU seconds per million messages. */
async function run(port, pid) {
  const msg = 'x'.repeat(SIZE);
  const frameLen = Buffer.byteLength(`*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$${SIZE}\r\n${msg}\r\n`);
  const subs = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const s = await connect(port);
    await new Promise((r) => { s.once('data', () => r()); s.write('SUBSCRIBE ch\r\n'); });
    const sub = { s, bytes: 0 };
    s.on('data', (d) => { sub.bytes += d.length; });
    subs.push(sub);
  }
  const pub = await connect(port);
  const batch = Buffer.from(`*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$${SIZE}\r\n${msg}\r\n`.repeat(WINDOW));
  let inflight = 0;
  let stop = false;
  const pump = () => { while (!stop && inflight < WINDOW * 2) { pub.write(batch); inflight += WINDOW; } };
  pub.on('data', (d) => {
    let n = 0;
    for (const b of d) if (b === 0x3a) n++; // one ':' per integer reply
    inflight -= n;
    pump();
  });
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  pump();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop = true;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const delivered = subs.reduce((a, s) => a + Math.floor(s.bytes / frameLen), 0);
  for (const s of subs) s.s.destroy();
  pub.destroy();
  await new Promise((r) => setTimeout(r, 300));
  return { perSec: delivered / elapsed, cpuPerMillion: (cpu / delivered) * 1e6 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const redisBin = execFileSync('which', ['redis-server']).toString().trim();
const [rport, vport] = [await freePort(), await freePort()];
const redis = spawn(redisBin, ['--port', String(rport), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
  '--dir', mkdtempSync(join(tmpdir(), 'bench-redis-'))], { stdio: 'ignore' });
const verm = spawn(process.execPath, [join(root, 'bin', 'vermilion-server.js'), '--port', String(vport), '--bind', '127.0.0.1',
  '--save', '', '--dir', mkdtempSync(join(tmpdir(), 'bench-verm-'))], { stdio: 'ignore' });
const stopAll = () => { redis.kill('SIGKILL'); verm.kill('SIGKILL'); };
process.on('exit', stopAll);
await Promise.all([waitPort(rport), waitPort(vport)]);

const results = { redis: [], vermilion: [] };
for (let i = 0; i < REPEATS; i++) {
  results.redis.push(await run(rport, redis.pid));
  results.vermilion.push(await run(vport, verm.pid));
}
const r = { perSec: median(results.redis.map((x) => x.perSec)), cpu: median(results.redis.map((x) => x.cpuPerMillion)) };
const v = { perSec: median(results.vermilion.map((x) => x.perSec)), cpu: median(results.vermilion.map((x) => x.cpuPerMillion)) };
console.log(`PUBLISH fan-out: ${SUBSCRIBERS} subscribers, ${SIZE}-byte messages, ${WINDOW * 2} commands in flight, ` +
  `${REPEATS} alternating runs of ${SECONDS}s, medians (${cpus()[0].model}, ${cpus().length} cores)`);
console.log('| target | messages delivered/s | server CPU s per 1M messages |');
console.log('|---|---:|---:|');
console.log(`| Redis | ${Math.round(r.perSec)} | ${r.cpu.toFixed(3)} |`);
console.log(`| Vermilion | ${Math.round(v.perSec)} | ${v.cpu.toFixed(3)} |`);
console.log(`ratio (Vermilion / Redis): ${(v.perSec / r.perSec).toFixed(2)}x messages/s, ${(v.cpu / r.cpu).toFixed(2)}x CPU per message`);
stopAll();
process.exit(0);
