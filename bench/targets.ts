// The servers a run compares: given (`--target [name=]host:port`) or started
// here (`--start redis|vermilion`, every one with the same settings: loopback,
// no persistence, a fresh temporary dir). A server on this machine is found
// by the process_id its INFO reports, which gives CPU time (/proc/PID/stat)
// and RSS (/proc/PID/status) for the per-request and memory figures.
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { Control } from './control.js';

export interface Target {
  name: string;
  host: string;
  port: number;
  /** The server's process on this machine, or null (remote, or /proc unreadable). */
  pid: number | null;
  /** Started by the harness (and stopped by it). */
  proc: ChildProcess | null;
  /** e.g. "redis 7.0.15" or "vermilion 0.1.0 (redis 7.0.15)". */
  server: string;
  /** How a started server was started (to restart it alike). */
  start?: { kind: ServerKind; root: string; extra: string[] };
}

export type ServerKind = 'redis' | 'vermilion';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** `[name=]host:port` or `[name=]port`. */
export function parseTargetSpec(spec: string): { name: string; host: string; port: number } {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq) : '';
  const addr = eq > 0 ? spec.slice(eq + 1) : spec;
  const colon = addr.lastIndexOf(':');
  const host = colon >= 0 ? addr.slice(0, colon) || '127.0.0.1' : '127.0.0.1';
  const port = Number(colon >= 0 ? addr.slice(colon + 1) : addr);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad target ${spec}: expected [name=]host:port`);
  return { name: name || `${host}:${port}`, host, port };
}

export function which(bin: string): string | null {
  try { return execFileSync('which', [bin], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null; } catch { return null; }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** True if nothing listens on `port` (so a started server can take it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function waitForPort(host: string, port: number, proc: ChildProcess, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with code ${proc.exitCode} before listening on ${port}`);
    try {
      const c = await Control.connect(host, port, 1000);
      const r = await c.call(['PING']);
      c.close();
      if (r === 'PONG') return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not listen on ${port} within ${ms} ms`);
}

/** The command line that starts `kind` with the shared settings. */
export function serverCommand(kind: ServerKind, port: number, dir: string, root: string, extra: string[]): [string, string[]] {
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  if (kind === 'redis') {
    const bin = which('redis-server');
    if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server), or give --target host:port');
    return [bin, common];
  }
  return [process.execPath, [join(root, 'bin', 'vermilion-server.js'), ...common]];
}

const started: Target[] = [];

/**
 * Starts a server on `port` (0: any free port). `extra` are redis.conf
 * directives as --name value, given to every started server alike.
 */
export async function startTarget(kind: ServerKind, port: number, root: string, extra: string[] = [], name: string = kind): Promise<Target> {
  if (port === 0) port = await freePort();
  else if (!(await portFree(port))) throw new Error(`port ${port} is taken (pick another with --start-port)`);
  const t: Target = { name, host: '127.0.0.1', port, pid: null, proc: null, server: kind, start: { kind, root, extra } };
  await spawnServer(t);
  started.push(t);
  await describeTarget(t);
  return t;
}

/** Stops a started server and starts it again, empty, on the same port. */
export async function restartTarget(t: Target): Promise<void> {
  if (!t.proc || !t.start) throw new Error(`${t.name} was not started by the harness`);
  const proc = t.proc;
  if (proc.exitCode === null) {
    await new Promise<void>((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGKILL'); });
  }
  for (let i = 0; i < 100 && !(await portFree(t.port)); i++) await new Promise((r) => setTimeout(r, 50));
  await spawnServer(t);
}

async function spawnServer(t: Target): Promise<void> {
  const { kind, root, extra } = t.start!;
  const port = t.port;
  const dir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const [bin, args] = serverCommand(kind, port, dir, root, extra);
  const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  proc.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  try {
    await waitForPort('127.0.0.1', port, proc);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${kind}: ${(e as Error).message}${stderr ? `\n${stderr.trim()}` : ''}`);
  }
  t.proc = proc;
  t.pid = proc.pid ?? null;
}

/** Fills `server` and `pid` from INFO server. */
export async function describeTarget(t: Target): Promise<void> {
  const c = await Control.connect(t.host, t.port);
  try {
    const info = await c.info('server');
    const redis = info.redis_version ?? '?';
    t.server = info.vermilion_version ? `vermilion ${info.vermilion_version} (redis ${redis})` : `redis ${redis}`;
    const pid = Number(info.process_id);
    if (t.pid === null && LOOPBACK.has(t.host) && pid > 0 && existsSync(`/proc/${pid}/stat`)) t.pid = pid;
  } finally {
    c.close();
  }
}

/** Stops every server this process started. */
export function stopStarted(): void {
  for (const t of started.splice(0)) t.proc?.kill('SIGKILL');
}

/** CPU seconds (user + system) of a process, from /proc/PID/stat; null if unreadable. */
export function cpuSeconds(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return null;
  }
}

let ticks = 0;
function clockTicks(): number {
  if (!ticks) {
    try { ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { ticks = 100; }
  }
  return ticks;
}

/** Resident set size in bytes, from /proc/PID/status; null if unreadable. */
export function rssBytes(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
