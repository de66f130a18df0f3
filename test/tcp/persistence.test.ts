// RDB persistence through the real server process: SAVE, BGSAVE, LASTSAVE,
// save points, SHUTDOWN and SIGTERM saves, loading at startup, -LOADING
// while a file loads, and crash safety (kill -9 during a save never damages
// the previous file).
import { describe, it, expect, afterEach } from 'vitest';
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, statSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
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

describe('DEBUG RELOAD', () => {
  it('saves, empties and loads back: keys, TTLs and function libraries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persist-'));
    const { server, port } = await startServer({ dir, 'enable-debug-command': 'yes' });
    try {
      await server.scriptingReady;
      const c = await RawClient.connect(port);
      expect(await c.cmd('FUNCTION', 'LOAD', "#!lua name=l1\nredis.register_function('f1', function() return 7 end)")).toBe('l1');
      expect(await c.cmd('SET', 'a', '1', 'EX', 1000)).toBe('OK');
      expect(await c.cmd('RPUSH', 'l', 'x', 'y')).toBe(2);
      expect(await c.cmd('DEBUG', 'RELOAD')).toBe('OK');
      expect(await c.cmd('MGET', 'a', 'l')).toEqual(['1', null]);
      expect(await c.cmd('LRANGE', 'l', 0, -1)).toEqual(['x', 'y']);
      expect(Number(await c.cmd('TTL', 'a'))).toBeGreaterThan(990);
      expect(await c.cmd('FCALL', 'f1', 0)).toBe(7);
      expect(await c.cmd('DEBUG', 'RELOAD', 'BOGUS')).toEqual({ error: 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.' });
      c.close();
    } finally {
      await server.close();
    }
  });
});

describe('stop-writes-on-bgsave-error', () => {
  it('after a failed BGSAVE writes and PING answer MISCONF until a save succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persist-'));
    const { server, port } = await startServer({ dir, save: '1000 1' });
    try {
      const c = await RawClient.connect(port);
      expect(await c.cmd('SET', 'a', '1')).toBe('OK');
      rmSync(dir, { recursive: true });
      expect(await c.cmd('BGSAVE')).toBe('Background saving started');
      for (let i = 0; i < 100 && String(await c.cmd('INFO', 'persistence')).includes('rdb_bgsave_in_progress:1'); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(String(await c.cmd('INFO', 'persistence'))).toContain('rdb_last_bgsave_status:err');
      const misconf = { error: "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
        'Commands that may modify the data set are disabled, because this instance is configured to report errors during ' +
        'writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.' };
      expect(await c.cmd('SET', 'a', '2')).toEqual(misconf);
      expect(await c.cmd('PING')).toEqual(misconf);
      expect(await c.cmd('GET', 'a')).toBe('1');
      // Queuing a write in MULTI is refused too, which aborts the EXEC.
      expect(await c.cmd('MULTI')).toBe('OK');
      expect(await c.cmd('INCR', 'a')).toEqual(misconf);
      expect((await c.cmd('EXEC') as { error: string }).error).toMatch(/^EXECABORT/);
      // The option off: writes again.
      expect(await c.cmd('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no')).toBe('OK');
      expect(await c.cmd('SET', 'a', '3')).toBe('OK');
      // On again, then a save that works clears it.
      expect(await c.cmd('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes')).toBe('OK');
      expect(await c.cmd('SET', 'a', '4')).toEqual(misconf);
      mkdirSync(dir);
      expect(await c.cmd('SAVE')).toBe('OK');
      expect(await c.cmd('SET', 'a', '5')).toBe('OK');
      c.close();
    } finally {
      await server.close();
    }
  });
});

describe('while loading', () => {
  it('SHUTDOWN SAVE saves nothing while a dataset loads (Redis forces NOSAVE), and saves once loaded', async () => {
    for (const loading of [true, false]) {
      const { server, port } = await startServer({ save: '3600 1' });
      const dir = server.config.get('dir');
      try {
        const c = await RawClient.connect(port);
        expect(await c.cmd('SET', 'k', 'v')).toBe('OK');
        if (loading) {
          server.rdb.loading = true;
          server.engine.x.setLoading(1);
        }
        // The server stops either way (no error reply, the connection closes).
        c.send('SHUTDOWN', 'SAVE');
        await c.waitClosed();
        await expect(c.read(100)).rejects.toThrow('connection closed');
        expect(existsSync(join(dir, 'dump.rdb')), `loading ${loading}`).toBe(!loading);
        c.close();
      } finally {
        await server.close();
      }
    }
  });

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
