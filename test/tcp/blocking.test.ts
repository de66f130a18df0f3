// Blocking list commands over TCP with several connections: who is served
// first, timeouts, CLIENT UNBLOCK, disconnects, pipelines around a blocked
// client, and the INFO / CLIENT LIST view of blocked clients. The host side
// is src/host/blocking.ts and src/server/server.ts (serveReady); the engine
// side commands/blocking.ts and commands/list.ts. Replies match redis-server
// 7.0 (test/diff/list.diff.test.ts runs the same kinds of scripts on both).
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { startServer, RawClient } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

let server: Server;
let port: number;
const open: RawClient[] = [];

beforeAll(async () => { ({ server, port } = await startServer()); });
afterAll(async () => { await server.close(); });
afterEach(async () => {
  while (open.length) open.pop()!.close();
  const c = await RawClient.connect(port);
  await c.cmd('FLUSHALL');
  c.close();
});

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(port);
  open.push(c);
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once the server counts `n` clients blocked on keys. */
async function blockedClients(n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.blockedCount() === n) return;
    await sleep(5);
  }
  throw new Error(`expected ${n} blocked clients, have ${server.blockedCount()}`);
}

/** True if no reply arrives within `ms`. */
async function silent(c: RawClient, ms = 100): Promise<boolean> {
  try {
    await c.readRaw(ms);
    return false;
  } catch {
    return true;
  }
}

const info = async (c: RawClient, field: string): Promise<string> => {
  const text = String(await c.cmd('INFO', 'clients'));
  return text.split('\r\n').find((l) => l.startsWith(`${field}:`))!.split(':')[1];
};

describe('blocking list commands over TCP', () => {
  it('BLPOP on several keys takes the first non-empty key, in argument order', async () => {
    const a = await client();
    expect(await a.cmd('RPUSH', 'k2', 'x')).toBe(1);
    expect(await a.cmd('RPUSH', 'k3', 'y')).toBe(1);
    expect(await a.cmd('BLPOP', 'k1', 'k3', 'k2', 0)).toEqual(['k3', 'y']);
    a.send('BLPOP', 'k1', 'k3', 0);
    await blockedClients(1);
    const b = await client();
    expect(await b.cmd('RPUSH', 'k3', 'z')).toBe(1);
    expect(await a.read()).toEqual(['k3', 'z']);
    expect(await b.cmd('EXISTS', 'k3')).toBe(0);
  });

  it('waiters are served in arrival order, one element each', async () => {
    const [a, b, c, w] = [await client(), await client(), await client(), await client()];
    a.send('BLPOP', 'k', 0);
    await blockedClients(1);
    b.send('BRPOP', 'k', 0);
    await blockedClients(2);
    c.send('BLPOP', 'other', 'k', 0);
    await blockedClients(3);
    expect(await w.cmd('RPUSH', 'k', '1')).toBe(1);
    expect(await a.read()).toEqual(['k', '1']);
    expect(await silent(b)).toBe(true);
    expect(await w.cmd('RPUSH', 'k', '2', '3', '4')).toBe(3);
    expect(await b.read()).toEqual(['k', '4']);
    expect(await c.read()).toEqual(['k', '2']);
    expect(await w.cmd('LRANGE', 'k', 0, -1)).toEqual(['3']);
    expect(server.blockedCount()).toBe(0);
  });

  it('a fractional timeout ends the wait with a null array (RESP2) or null (RESP3)', async () => {
    const a = await client();
    let t0 = Date.now();
    a.send('BLPOP', 'k', 0.1);
    expect((await a.readRaw(2000)).toString()).toBe('*-1\r\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    t0 = Date.now();
    a.send('BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0.05');
    expect((await a.readRaw(2000)).toString()).toBe('*-1\r\n');
    a.send('BRPOPLPUSH', 'k', 'd', '0.05');
    expect((await a.readRaw(2000)).toString()).toBe('*-1\r\n');
    a.send('BLMPOP', '0.05', 2, 'k', 'j', 'LEFT', 'COUNT', 3);
    expect((await a.readRaw(2000)).toString()).toBe('*-1\r\n');
    await a.cmd('HELLO', 3);
    a.send('BRPOP', 'k', '0.05');
    expect((await a.readRaw(2000)).toString()).toBe('_\r\n');
    a.send('BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0.05');
    expect((await a.readRaw(2000)).toString()).toBe('_\r\n');
    expect(server.blockedCount()).toBe(0);
  });

  it('timeout 0 waits until served; bad timeouts are errors at once', async () => {
    const [a, b] = [await client(), await client()];
    a.send('BRPOPLPUSH', 'src', 'dst', 0);
    await blockedClients(1);
    expect(await silent(a, 300)).toBe(true);
    expect(await b.cmd('RPUSH', 'src', 'v1', 'v2')).toBe(2);
    expect(await a.read()).toBe('v2');
    expect(await b.cmd('LRANGE', 'dst', 0, -1)).toEqual(['v2']);
    expect(await b.cmd('BLPOP', 'nokey', -1)).toEqual({ error: 'ERR timeout is negative' });
    expect(await b.cmd('BLPOP', 'nokey', 'soon')).toEqual({ error: 'ERR timeout is not a float or out of range' });
    expect(await b.cmd('BLMOVE', 'nokey', 'd', 'LEFT', 'RIGHT', '-0.5')).toEqual({ error: 'ERR timeout is negative' });
    expect(await b.cmd('BLMPOP', 'inf', 1, 'nokey', 'LEFT')).toEqual({ error: 'ERR timeout is negative' });
    expect(server.blockedCount()).toBe(0);
  });

  it('a push pipelined with a pop serves the blocked client first', async () => {
    const [a, b] = [await client(), await client()];
    a.send('BLPOP', 'k', 0);
    await blockedClients(1);
    b.write('*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$1\r\na\r\n*2\r\n$4\r\nLPOP\r\n$1\r\nk\r\n');
    expect(await b.read()).toBe(1);
    expect(await b.read()).toBe(null);
    expect(await a.read()).toEqual(['k', 'a']);
  });

  it('LMOVE into a key with waiters serves them', async () => {
    const [a, b] = [await client(), await client()];
    a.send('BLPOP', 'dst', 0);
    await blockedClients(1);
    expect(await b.cmd('RPUSH', 'src', 'x', 'y')).toBe(2);
    expect(await b.cmd('LMOVE', 'src', 'dst', 'RIGHT', 'LEFT')).toBe('y');
    expect(await a.read()).toEqual(['dst', 'y']);
    expect(await b.cmd('EXISTS', 'dst')).toBe(0);
  });

  it('the waiter is served between two pipelined commands: RPUSHX then finds no list', async () => {
    const [a, b] = [await client(), await client()];
    a.send('BLPOP', 'k', 0);
    await blockedClients(1);
    b.write('*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$1\r\na\r\n*3\r\n$6\r\nRPUSHX\r\n$1\r\nk\r\n$1\r\nb\r\n');
    expect(await b.read()).toBe(1);
    expect(await b.read()).toBe(0);
    expect(await a.read()).toEqual(['k', 'a']);
    expect(await b.cmd('EXISTS', 'k')).toBe(0);
  });

  it('BLMOVE chains: one served client\'s push serves the next', async () => {
    const [a, b, c, w] = [await client(), await client(), await client(), await client()];
    a.send('BLMOVE', 'k1', 'k2', 'LEFT', 'RIGHT', 0);
    await blockedClients(1);
    b.send('BLMOVE', 'k2', 'k3', 'RIGHT', 'LEFT', 0);
    await blockedClients(2);
    c.send('BLMPOP', 0, 1, 'k3', 'RIGHT', 'COUNT', 5);
    await blockedClients(3);
    expect(await w.cmd('LPUSH', 'k1', 'v')).toBe(1);
    expect(await a.read()).toBe('v');
    expect(await b.read()).toBe('v');
    expect(await c.read()).toEqual(['k3', ['v']]);
    expect(await w.cmd('KEYS', '*')).toEqual([]);
    expect(server.blockedCount()).toBe(0);
  });

  it('a woken BLMOVE whose destination is not a list gets WRONGTYPE and pops nothing', async () => {
    const [a, b] = [await client(), await client()];
    expect(await b.cmd('SET', 'dst', 'str')).toBe('OK');
    a.send('BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', 0);
    await blockedClients(1);
    expect(await b.cmd('RPUSH', 'src', 'x')).toBe(1);
    expect(await a.read()).toEqual({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    expect(await b.cmd('LRANGE', 'src', 0, -1)).toEqual(['x']);
    expect(server.blockedCount()).toBe(0);
  });

  it('CLIENT UNBLOCK ends a wait with the timeout reply or an UNBLOCKED error', async () => {
    const [a, b] = [await client(), await client()];
    const id = await a.cmd('CLIENT', 'ID');
    expect(await b.cmd('CLIENT', 'UNBLOCK', id as number)).toBe(0);
    a.send('BLPOP', 'k', 0);
    await blockedClients(1);
    expect(await b.cmd('CLIENT', 'UNBLOCK', id as number)).toBe(1);
    expect((await a.readRaw()).toString()).toBe('*-1\r\n');
    a.send('BLMOVE', 'k', 'd', 'LEFT', 'LEFT', 0);
    await blockedClients(1);
    expect(await b.cmd('CLIENT', 'UNBLOCK', id as number, 'TIMEOUT')).toBe(1);
    expect((await a.readRaw()).toString()).toBe('*-1\r\n');
    a.send('BLMPOP', 0, 1, 'k', 'LEFT');
    await blockedClients(1);
    expect(await b.cmd('CLIENT', 'UNBLOCK', id as number, 'ERROR')).toBe(1);
    expect(await a.read()).toEqual({ error: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });
    expect(await a.cmd('PING')).toBe('PONG');
    expect(server.blockedCount()).toBe(0);
  });

  it('a blocked client that disconnects leaves no trace', async () => {
    const [a, b] = [await client(), await client()];
    a.send('BLPOP', 'k', 0);
    await blockedClients(1);
    expect(await info(b, 'blocked_clients')).toBe('1');
    a.close();
    await blockedClients(0);
    expect(await info(b, 'blocked_clients')).toBe('0');
    expect(await b.cmd('RPUSH', 'k', 'x')).toBe(1);
    expect(await b.cmd('LLEN', 'k')).toBe(1);
  });

  it('a blocked client\'s pipelined commands run after it is served', async () => {
    const [a, b] = [await client(), await client()];
    a.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nk\r\n');
    await blockedClients(1);
    expect(await silent(a)).toBe(true);
    a.send('RPUSH', 'k', 'late'); // still queued behind the wait
    expect(await silent(a)).toBe(true);
    expect(await b.cmd('RPUSH', 'k', 'x', 'y')).toBe(2);
    expect(await a.read()).toEqual(['k', 'x']);
    expect(await a.read()).toBe('PONG');
    expect(await a.read()).toBe(1);
    expect(await a.read()).toBe(2);
    expect(await b.cmd('LRANGE', 'k', 0, -1)).toEqual(['y', 'late']);
  });

  it('CLIENT LIST shows flag b and INFO counts blocked clients', async () => {
    const [a, b, c] = [await client(), await client(), await client()];
    await a.cmd('CLIENT', 'SETNAME', 'waiter1');
    await b.cmd('CLIENT', 'SETNAME', 'waiter2');
    a.send('BLPOP', 'k', 0);
    b.send('BLMPOP', 0, 2, 'k', 'j', 'LEFT');
    await blockedClients(2);
    const list = String(await c.cmd('CLIENT', 'LIST'));
    const field = (name: string, f: string) => new RegExp(` ${f}=(\\S+)`).exec(list.split('\n').find((l) => l.includes(`name=${name} `))!)![1];
    expect(field('waiter1', 'flags')).toBe('b');
    expect(field('waiter2', 'flags')).toBe('b');
    // As Redis: the waiting command and its arguments' bytes.
    expect(field('waiter1', 'cmd')).toBe('blpop');
    expect(field('waiter1', 'argv-mem')).toBe('7');
    expect(field('waiter2', 'cmd')).toBe('blmpop');
    expect(field('waiter2', 'argv-mem')).toBe('14');
    expect(field('waiter1', 'qbuf')).toBe('0');
    expect(await info(c, 'blocked_clients')).toBe('2');
    expect(await c.cmd('RPUSH', 'j', 'x')).toBe(1);
    expect(await b.read()).toEqual(['j', ['x']]);
    expect(await info(c, 'blocked_clients')).toBe('1');
    expect(await c.cmd('LPUSH', 'k', 'y')).toBe(1);
    expect(await a.read()).toEqual(['k', 'y']);
    expect(await info(c, 'blocked_clients')).toBe('0');
  });

  it('SWAPDB serves the clients waiting on keys that it brings in', async () => {
    const [a, b] = [await client(), await client()];
    await a.cmd('SELECT', 1);
    a.send('BLPOP', 'k', 'j', 0);
    await blockedClients(1);
    expect(await b.cmd('RPUSH', 'j', 'from0')).toBe(1);
    expect(await b.cmd('SWAPDB', 0, 1)).toBe('OK');
    expect(await a.read()).toEqual(['j', 'from0']);
    a.send('BLPOP', 'k', 0);
    await blockedClients(1);
    expect(await b.cmd('SWAPDB', 0, 1)).toBe('OK'); // nothing there: still waiting
    expect(await silent(a)).toBe(true);
    expect(server.blockedCount()).toBe(1);
    await b.cmd('SELECT', 1);
    expect(await b.cmd('LPUSH', 'k', 'v')).toBe(1);
    expect(await a.read()).toEqual(['k', 'v']);
  });

  it('a wait in another db is not served by the same key in this db', async () => {
    const [a, b] = [await client(), await client()];
    await a.cmd('SELECT', 1);
    a.send('BLPOP', 'k', 0);
    await blockedClients(1);
    expect(await b.cmd('RPUSH', 'k', 'db0')).toBe(1);
    expect(await silent(a)).toBe(true);
    await b.cmd('SELECT', 1);
    expect(await b.cmd('RPUSH', 'k', 'db1')).toBe(1);
    expect(await a.read()).toEqual(['k', 'db1']);
  });
});
