// `unixsocket` / `unixsocketperm`: the server process listens on a unix
// socket besides TCP (or alone with `port 0`), and every behaviour is
// compared with a real redis-server 7.0 started the same way: CLIENT
// INFO/LIST fields, MONITOR and SLOWLOG addresses, the socket's mode, the
// startup errors, the file's removal at shutdown.
import { describe, it, expect, afterEach } from 'vitest';
import { spawn, spawnSync, execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { Redis } from 'ioredis';
import { serverProcesses, exited } from '../helpers/process.js';
import { startRedis, startServer, RawClient, redisServerPath, freePort } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vermilion-server.js');

// Short paths: sun_path holds 107 bytes.
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vus-'));
  dirs.push(d);
  return d;
}
const open: { close(): void }[] = [];
const spawned: ChildProcess[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
  for (const p of spawned.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
// Registered after the cleanup above: its kills run first (hooks run as a stack).
const { start, startFails, stops } = serverProcesses();

async function unixClient(path: string): Promise<RawClient> {
  const c = await RawClient.connectPath(path);
  open.push(c);
  return c;
}

/** A real redis-server with a unix socket at `path` (TCP on a free port too). */
async function redisWithSocket(path: string, extra: string[] = []): Promise<void> {
  const r = await startRedis(['--unixsocket', path, ...extra]);
  stops.push(r.stop);
}

/** CLIENT INFO / LIST line as ordered [field, value] pairs, the socket path written <sock>. */
function fields(line: string, path: string): [string, string][] {
  return line.trim().split(' ').map((f) => {
    const eq = f.indexOf('=');
    return [f.slice(0, eq), f.slice(eq + 1).split(path).join('<sock>')];
  });
}

// Fields that depend on the implementation's buffers and the moment, not on the connection.
const VOLATILE = new Set(['id', 'fd', 'age', 'idle', 'qbuf', 'qbuf-free', 'argv-mem', 'rbs', 'rbp', 'tot-mem']);
function stable(line: string, path: string): [string, string][] {
  return fields(line, path).map(([k, v]) => [k, VOLATILE.has(k) ? '' : v]);
}

/** redis-server's "Failed opening Unix socket" (or other last) line for a start that must fail. */
function redisStartupError(args: string[]): { status: number | null; line: string } {
  const dir = tmp();
  const r = spawnSync(redisServerPath()!, ['--save', '', '--dir', dir, ...args], { timeout: 10000, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').at(-1)!;
  return { status: r.status, line: line.replace(/^.* [#*] /, '') };
}

describe.skipIf(!redisServerPath())('unixsocket', () => {
  it('serves ioredis and redis-cli on the socket, alongside TCP', async () => {
    const path = join(tmp(), 's.sock');
    const { c } = await start(tmp(), ['--unixsocket', path]);
    expect(statSync(path).isSocket()).toBe(true);
    const r = new Redis({ path, maxRetriesPerRequest: 0, retryStrategy: () => null });
    open.push({ close: () => r.disconnect() });
    expect(await r.set('k', 'v')).toBe('OK');
    // A reply larger than one socket write, and a pipeline of many small ones.
    const big = 'x'.repeat(3 * 1024 * 1024);
    await r.set('big', big);
    expect(await r.get('big')).toBe(big);
    const p = r.pipeline();
    for (let i = 0; i < 2000; i++) p.incr('n');
    const res = await p.exec();
    expect(res!.at(-1)).toEqual([null, 2000]);
    expect(execFileSync('redis-cli', ['-s', path, 'GET', 'k']).toString()).toBe('v\n');
    expect(execFileSync('redis-cli', ['-s', path, 'PING']).toString()).toBe('PONG\n');
    // The same dataset over TCP.
    expect(await c.cmd('GET', 'n')).toBe('2000');
    c.close();
  });

  it('CLIENT INFO, CLIENT LIST, CLIENT KILL, CONFIG GET and INFO as redis-server shows them', async () => {
    const dir = tmp();
    const ours = join(dir, 'v.sock');
    const theirs = join(dir, 'r.sock');
    const { c: tcp } = await start(tmp(), ['--unixsocket', ours, '--unixsocketperm', '700']);
    open.push(tcp);
    await redisWithSocket(theirs, ['--unixsocketperm', '700']);
    const seen: Record<string, unknown>[] = [];
    for (const path of [ours, theirs]) {
      const a = await unixClient(path);
      const b = await unixClient(path);
      const info = String(await a.cmd('CLIENT', 'INFO'));
      // The unix clients only: each server has its own TCP clients (the test's, the start check's).
      const list = String(await a.cmd('CLIENT', 'LIST')).trim().split('\n').filter((l) => l.includes(` addr=${path}:0 `));
      await b.cmd('CLIENT', 'NO-EVICT', 'on');
      const noEvict = String(await b.cmd('CLIENT', 'INFO'));
      const config = [await a.cmd('CONFIG', 'GET', 'unixsocket'), await a.cmd('CONFIG', 'GET', 'unixsocketperm')];
      const server = String(await a.cmd('INFO', 'server'));
      // Both unix clients share the address: an ADDR or LADDR kill takes them all, the asker included (SKIPME no).
      const killAddr = await b.cmd('CLIENT', 'KILL', 'ADDR', `${path}:0`, 'SKIPME', 'yes');
      const killLaddr = await b.cmd('CLIENT', 'KILL', 'LADDR', `${path}:0`, 'SKIPME', 'no');
      await b.waitClosed();
      seen.push({
        info: stable(info, path),
        addr: fields(info, path).filter(([k]) => k === 'addr' || k === 'laddr' || k === 'flags'),
        list: list.map((l) => stable(l, path).filter(([k]) => k === 'addr' || k === 'laddr' || k === 'flags')),
        noEvict: fields(noEvict, path).find(([k]) => k === 'flags'),
        config: JSON.stringify(config).split(path).join('<sock>'),
        unixFields: server.split('\r\n').map((l) => l.split(':')[0]).filter((n) => /unix/i.test(n)),
        killAddr,
        killLaddr,
      });
    }
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0].addr).toEqual([['addr', '<sock>:0'], ['laddr', '<sock>:0'], ['flags', 'U']]);
    expect(seen[0].noEvict).toEqual(['flags', 'Ue']);
    expect(seen[0].unixFields).toEqual([]);
    expect(seen[0].config).toBe('[["unixsocket","<sock>"],["unixsocketperm","700"]]');
    // TCP clients keep their own address and no U.
    const tcpInfo = fields(String(await tcp.cmd('CLIENT', 'INFO')), ours);
    expect(tcpInfo.find(([k]) => k === 'addr')![1]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(tcpInfo.find(([k]) => k === 'flags')![1]).toBe('N');
  });

  it('MONITOR names a unix client unix:<path>, SLOWLOG <path>:0, and DEBUG counts it as local', async () => {
    const dir = tmp();
    const ours = join(dir, 'v.sock');
    const theirs = join(dir, 'r.sock');
    const extra = ['--enable-debug-command', 'local'];
    const { c: tcp } = await start(tmp(), ['--unixsocket', ours, ...extra]);
    open.push(tcp);
    await redisWithSocket(theirs, extra);
    const seen: unknown[] = [];
    for (const path of [ours, theirs]) {
      const mon = await unixClient(path);
      const c = await unixClient(path);
      expect(await mon.cmd('MONITOR')).toBe('OK');
      await c.cmd('SET', 'a', 'b');
      const line = String(await mon.read()).split(path).join('<sock>');
      await c.cmd('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
      await c.cmd('SLOWLOG', 'RESET');
      await c.cmd('PING');
      const entry = (await c.cmd('SLOWLOG', 'GET', '1') as unknown[][])[0];
      seen.push({
        monitor: line.replace(/^\d+\.\d{6} /, 'T '),
        slowlogAddr: String(entry[4]).split(path).join('<sock>'),
        debug: await c.cmd('DEBUG', 'SLEEP', '0'),
      });
    }
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]).toEqual({ monitor: 'T [0 unix:<sock>] "SET" "a" "b"', slowlogAddr: '<sock>:0', debug: 'OK' });
  });

  it('chmods the socket to unixsocketperm; 0 leaves the mode bind gave it, as redis-server', async () => {
    for (const perm of ['700', '770', '0']) {
      const dir = tmp();
      const ours = join(dir, 'v.sock');
      const theirs = join(dir, 'r.sock');
      const { c } = await start(tmp(), ['--unixsocket', ours, '--unixsocketperm', perm]);
      open.push(c);
      await redisWithSocket(theirs, ['--unixsocketperm', perm]);
      const mode = (p: string) => statSync(p).mode & 0o777;
      expect(mode(ours).toString(8)).toBe(mode(theirs).toString(8));
      if (perm !== '0') expect(mode(ours)).toBe(parseInt(perm, 8));
    }
  });

  it('replaces what is left at the path: a stale socket after kill -9, or any file', async () => {
    const path = join(tmp(), 's.sock');
    const first = await start(tmp(), ['--unixsocket', path]);
    first.c.close();
    first.proc.kill('SIGKILL');
    await exited(first.proc);
    expect(statSync(path).isSocket()).toBe(true);
    const second = await start(tmp(), ['--unixsocket', path]);
    open.push(second.c);
    expect(await (await unixClient(path)).cmd('PING')).toBe('PONG');
    second.proc.kill('SIGKILL');
    await exited(second.proc);

    rmSync(path);
    writeFileSync(path, 'not a socket');
    const third = await start(tmp(), ['--unixsocket', path]);
    open.push(third.c);
    expect(statSync(path).isSocket()).toBe(true);
    expect(await (await unixClient(path)).cmd('PING')).toBe('PONG');
  });

  it('a path it cannot bind: Redis\'s "Failed opening Unix socket" line and exit 1', async () => {
    const dir = tmp();
    const file = join(dir, 'file');
    writeFileSync(file, '');
    const occupied = join(dir, 'sub');
    mkdirSync(join(occupied, 'x'), { recursive: true });
    const cases: [string, string][] = [
      [join(dir, 'missing', 's.sock'), 'bind: No such file or directory'],
      [join(file, 's.sock'), 'bind: Not a directory'],
      // A non-empty directory: the unlink fails, then bind finds the path taken.
      [occupied, 'bind: Address already in use'],
      [join(dir, 'x'.repeat(120)), `unix socket path too long (${Buffer.byteLength(join(dir, 'x'.repeat(120)))}), must be under 108`],
    ];
    for (const [path, why] of cases) {
      const theirs = redisStartupError(['--port', '0', '--unixsocket', path]);
      expect(theirs).toEqual({ status: 1, line: `Failed opening Unix socket: ${why}` });
      const log = await startFails(tmp(), ['--unixsocket', path]);
      expect(log).toContain(`# Failed opening Unix socket: ${why}\n`);
    }
  });

  it('port 0 with a unixsocket serves only the socket; with neither it refuses to start', async () => {
    const dir = tmp();
    const path = join(dir, 's.sock');
    let log = '';
    const proc = spawn(process.execPath, [BIN, '--port', '0', '--unixsocket', path, '--dir', tmp(), '--save', ''],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.push(proc);
    proc.stdout!.on('data', (d) => { log += d; });
    proc.stderr!.on('data', (d) => { log += d; });
    let c: RawClient | null = null;
    for (let i = 0; i < 200 && !c; i++) {
      c = await RawClient.connectPath(path).catch(() => null);
      if (!c) await new Promise((r) => setTimeout(r, 50));
    }
    open.push(c!);
    expect(String(await c!.cmd('INFO', 'server'))).toContain('\r\ntcp_port:0\r\n');
    expect(await c!.cmd('CONFIG', 'GET', 'port')).toEqual(['port', '0']);
    expect(log).toContain(`* The server is now ready to accept connections at ${path}\n`);
    expect(log).not.toContain('ready to accept connections on port');
    expect(await c!.cmd('PING')).toBe('PONG');

    const theirs = redisStartupError(['--port', '0']);
    expect(theirs).toEqual({ status: 1, line: 'Configured to not listen anywhere, exiting.' });
    expect(await startFails(tmp(), ['--port', '0'])).toContain('# Configured to not listen anywhere, exiting.\n');
  });

  it('removes the socket file on SHUTDOWN and on SIGTERM, and says so', async () => {
    for (const how of ['SHUTDOWN', 'SIGTERM']) {
      const path = join(tmp(), 's.sock');
      const { proc, c, log } = await start(tmp(), ['--unixsocket', path]);
      expect(existsSync(path)).toBe(true);
      if (how === 'SIGTERM') proc.kill('SIGTERM');
      else (await unixClient(path)).send('SHUTDOWN', 'NOSAVE');
      expect(await exited(proc)).toBe(0);
      c.close();
      expect(existsSync(path)).toBe(false);
      expect(log()).toContain('* Removing the unix socket file.\n');
    }
  });
});

describe('unixsocket in-process', () => {
  const servers: Server[] = [];
  afterEach(async () => { for (const s of servers.splice(0)) await s.close(); });

  it('unix clients are adopted sockets: replies written synchronously, buffers reused', async () => {
    const path = join(tmp(), 's.sock');
    const { server } = await startServer({ unixsocket: path });
    servers.push(server);
    const c = await unixClient(path);
    expect(await c.cmd('PING')).toBe('PONG');
    const [client] = [...server.clients.values()];
    expect(client.unixSocket).toBe(true);
    expect((server as any).writesSynchronously(client.socket)).toBe(true);
    await server.close();
    // Closing the listener took the file with it.
    expect(existsSync(path)).toBe(false);
  });

  it('CONFIG SET port 0 closes the TCP listeners and the socket keeps serving, as Redis', async () => {
    const path = join(tmp(), 's.sock');
    const { server, port } = await startServer({ unixsocket: path });
    servers.push(server);
    const c = await unixClient(path);
    expect(await c.cmd('CONFIG', 'SET', 'port', '0')).toBe('OK');
    await new Promise((r) => setTimeout(r, 100));
    expect(String(await c.cmd('INFO', 'server'))).toContain('\r\ntcp_port:0\r\n');
    await expect(new Promise((res, rej) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => { s.destroy(); res('connected'); });
      s.once('error', rej);
    })).rejects.toThrow(/ECONNREFUSED/);
    const again = await freePort();
    expect(await c.cmd('CONFIG', 'SET', 'port', String(again))).toBe('OK');
    await new Promise((r) => setTimeout(r, 100));
    const tcp = await RawClient.connect(again);
    open.push(tcp);
    expect(await tcp.cmd('PING')).toBe('PONG');
  });
});
