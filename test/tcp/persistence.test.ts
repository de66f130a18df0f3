// RDB persistence through the real server process: SAVE, BGSAVE, LASTSAVE,
// save points, SHUTDOWN and SIGTERM saves, loading at startup, -LOADING
// while a file loads, and crash safety (kill -9 during a save never damages
// the previous file).
import { describe, it, expect, afterEach } from 'vitest';
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, RawClient, startServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vermilion-server.js');
const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

async function start(dir: string, extra: string[] = []): Promise<{ proc: ChildProcess; port: number; c: RawClient }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...extra], { stdio: 'ignore' });
  procs.push(proc);
  for (let i = 0; i < 200; i++) {
    try {
      const c = await RawClient.connect(port);
      // Ready once the file (if any) has loaded.
      for (;;) {
        const info = String(await c.cmd('INFO', 'persistence'));
        if (info.includes('loading:0')) return { proc, port, c };
        await new Promise((r) => setTimeout(r, 20));
      }
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('server did not start');
}

const exited = (p: ChildProcess) => new Promise<number | null>((res) => {
  if (p.exitCode !== null) res(p.exitCode);
  else p.once('exit', (code) => res(code));
});

async function fill(c: RawClient, n: number, prefix = 'k'): Promise<void> {
  const batch: Buffer[] = [];
  for (let i = 0; i < n; i++) batch.push(encodeCommand(['SET', `${prefix}:${i}`, `value-${i}`]));
  c.write(Buffer.concat(batch));
  for (let i = 0; i < n; i++) await c.read();
}

function field(info: string, name: string): string {
  return new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(info)![1].trim();
}

describe('RDB through the server process', () => {
  it('SAVE and SHUTDOWN SAVE write dump.rdb; a restart loads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persist-'));
    const a = await start(dir, ['--save', '']);
    await fill(a.c, 1000);
    expect(await a.c.cmd('SET', 'ttl', 'x', 'EX', 1000)).toBe('OK');
    const before = Number(await a.c.cmd('LASTSAVE'));
    expect(field(String(await a.c.cmd('INFO', 'persistence')), 'rdb_changes_since_last_save')).toBe('1001');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await a.c.cmd('SAVE')).toBe('OK');
    expect(Number(await a.c.cmd('LASTSAVE'))).toBeGreaterThan(before);
    const info = String(await a.c.cmd('INFO', 'persistence'));
    expect(field(info, 'rdb_changes_since_last_save')).toBe('0');
    expect(field(info, 'rdb_saves')).toBe('1');
    expect(await a.c.cmd('SET', 'after-save', '1')).toBe('OK');
    a.c.send('SHUTDOWN', 'SAVE');
    expect(await exited(a.proc)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['dump.rdb']);

    const b = await start(dir, ['--save', '']);
    expect(await b.c.cmd('DBSIZE')).toBe(1002);
    expect(await b.c.cmd('GET', 'k:999')).toBe('value-999');
    expect(await b.c.cmd('GET', 'after-save')).toBe('1');
    expect(Number(await b.c.cmd('TTL', 'ttl'))).toBeGreaterThan(990);
    expect(field(String(await b.c.cmd('INFO', 'persistence')), 'rdb_last_load_keys_loaded')).toBe('1002');
    b.c.send('SHUTDOWN', 'NOSAVE');
    await exited(b.proc);
  }, 60_000);

  it('BGSAVE answers at once and writes in the background; a second one is refused while it runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persist-'));
    const a = await start(dir, ['--save', '']);
    await fill(a.c, 20000);
    expect(await a.c.cmd('BGSAVE', 'NOW')).toEqual({ error: 'ERR syntax error' });
    expect(await a.c.cmd('BGSAVE')).toBe('Background saving started');
    const second = await a.c.cmd('BGSAVE');
    const scheduled = await a.c.cmd('BGSAVE', 'SCHEDULE');
    // Either the first one is still writing, or it is done already.
    // Each is refused while a save runs, or starts one if the last has ended.
    for (const r of [second, scheduled]) {
      expect(['"Background saving started"', '{"error":"ERR Background save already in progress"}']).toContain(JSON.stringify(r));
    }
    for (let i = 0; i < 200; i++) {
      const info = String(await a.c.cmd('INFO', 'persistence'));
      if (field(info, 'rdb_bgsave_in_progress') === '0' && Number(field(info, 'rdb_saves')) >= 1) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const info = String(await a.c.cmd('INFO', 'persistence'));
    expect(field(info, 'rdb_last_bgsave_status')).toBe('ok');
    expect(execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')]).toString()).toContain('RDB looks OK');
    a.c.send('SHUTDOWN', 'NOSAVE');
    await exited(a.proc);
  }, 60_000);

  it('save points trigger a background save; SIGTERM saves before exiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persist-'));
    const a = await start(dir, ['--save', '1 1']);
    expect(await a.c.cmd('SET', 'x', '1')).toBe('OK');
    for (let i = 0; i < 100 && !existsSync(join(dir, 'dump.rdb')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);
    expect(await a.c.cmd('SET', 'y', '2')).toBe('OK');
    a.proc.kill('SIGTERM');
    expect(await exited(a.proc)).toBe(0);
    const b = await start(dir, ['--save', '']);
    expect(await b.c.cmd('MGET', 'x', 'y')).toEqual(['1', '2']);
    b.c.send('SHUTDOWN', 'NOSAVE');
    await exited(b.proc);
  }, 60_000);

  it('kill -9 during a save leaves the previous file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persist-'));
    const a = await start(dir, ['--save', '']);
    await fill(a.c, 1000, 'old');
    expect(await a.c.cmd('SAVE')).toBe('OK');
    const size = statSync(join(dir, 'dump.rdb')).size;
    await fill(a.c, 100000, 'new');
    a.c.send('BGSAVE');
    a.proc.kill('SIGKILL');
    await exited(a.proc);
    // The old file, or (if the rename won the race) the complete new one.
    expect(execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')]).toString()).toContain('RDB looks OK');
    const b = await start(dir, ['--save', '']);
    const n = Number(await b.c.cmd('DBSIZE'));
    expect(n === 1000 || n === 101000).toBe(true);
    if (n === 1000) expect(statSync(join(dir, 'dump.rdb')).size).toBe(size);
    b.c.send('SHUTDOWN', 'NOSAVE');
    await exited(b.proc);
  }, 60_000);

  it('a corrupt dump.rdb stops the server at startup with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persist-'));
    execFileSync('sh', ['-c', `printf 'REDIS0010garbage' > ${join(dir, 'dump.rdb')}`]);
    const port = await freePort();
    const out: Buffer[] = [];
    const proc = spawn(process.execPath, [BIN, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '']);
    procs.push(proc);
    proc.stdout!.on('data', (d) => out.push(d));
    expect(await exited(proc)).toBe(1);
    expect(Buffer.concat(out).toString()).toContain('Fatal error loading the DB');
  }, 30_000);
});

describe('while loading', () => {
  it('commands without the loading flag get -LOADING (PING too, as in Redis); INFO and CONFIG run', async () => {
    const { server, port } = await startServer();
    try {
      const c = await RawClient.connect(port);
      server.engine.x.setLoading(1);
      expect(await c.cmd('GET', 'k')).toEqual({ error: 'LOADING Redis is loading the dataset in memory' });
      expect(await c.cmd('PING')).toEqual({ error: 'LOADING Redis is loading the dataset in memory' });
      expect(String(await c.cmd('INFO', 'persistence'))).toContain('rdb_bgsave_in_progress');
      expect(String(await c.cmd('CONFIG', 'GET', 'save'))).toContain('save');
      server.engine.x.setLoading(0);
      expect(await c.cmd('GET', 'k')).toBe(null);
      c.close();
    } finally {
      await server.close();
    }
  });
});
