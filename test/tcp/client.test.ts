// CLIENT over TCP: every subcommand and error, CLIENT PAUSE holding writers
// (not readers) until UNPAUSE or the timeout, and a differential check of
// error texts, CLIENT LIST's field order and CLIENT HELP against redis-server.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, startRedis, RawClient, redisServerPath } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

let server: Server;
let port: number;

beforeAll(async () => { ({ server, port } = await startServer()); });
afterAll(async () => { await server.close(); });

const fields = (line: string): Record<string, string> =>
  Object.fromEntries(line.trim().split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

// Replies that do not depend on ids, addresses or clocks: compared with Redis byte for byte.
const SAME_AS_REDIS: string[][] = [
  ['CLIENT'], ['CLIENT', 'NOPE'], ['CLIENT', 'ID', 'x'], ['CLIENT', 'GETNAME', 'x'], ['CLIENT', 'INFO', 'x'],
  ['CLIENT', 'LIST', 'TYPE', 'foo'], ['CLIENT', 'LIST', 'TYPE'], ['CLIENT', 'LIST', 'foo'], ['CLIENT', 'LIST', 'ID'],
  ['CLIENT', 'LIST', 'ID', 'abc'], ['CLIENT', 'LIST', 'ID', '01'], ['CLIENT', 'LIST', 'ID', '99999999999999999999'],
  ['CLIENT', 'LIST', 'ID', '1', 'type', 'normal'], ['CLIENT', 'LIST', 'TYPE', 'normal', 'ID', '1'],
  ['CLIENT', 'LIST', 'ID', '987654'], ['CLIENT', 'LIST', 'ID', '0', '-1'], ['CLIENT', 'LIST', 'TYPE', 'replica'],
  ['CLIENT', 'LIST', 'TYPE', 'slave'], ['CLIENT', 'LIST', 'TYPE', 'master'], ['CLIENT', 'LIST', 'TYPE', 'PUBSUB'],
  ['CLIENT', 'SETNAME', 'a b'], ['CLIENT', 'SETNAME', 'a\nb'], ['CLIENT', 'SETNAME'], ['CLIENT', 'SETNAME', 'x', 'y'],
  ['CLIENT', 'KILL'], ['CLIENT', 'KILL', '1.2.3.4:5'], ['CLIENT', 'KILL', 'ADDR'], ['CLIENT', 'KILL', '1.2.3.4:5', 'x'],
  ['CLIENT', 'KILL', 'ID', '987654'], ['CLIENT', 'KILL', 'ID', 'abc'], ['CLIENT', 'KILL', 'ID', '0'],
  ['CLIENT', 'KILL', 'ID', '-5'], ['CLIENT', 'KILL', 'foo', 'bar'], ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
  ['CLIENT', 'KILL', 'TYPE', 'foo'], ['CLIENT', 'KILL', 'TYPE', 'master'], ['CLIENT', 'KILL', 'TYPE', 'replica'],
  ['CLIENT', 'KILL', 'USER', 'nobody'], ['CLIENT', 'KILL', 'MAXAGE', '10'], ['CLIENT', 'KILL', 'ID', '1', 'ID'],
  ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'LADDR', '1.2.3.4:6', 'SKIPME', 'no'],
  ['CLIENT', 'REPLY', 'foo'], ['CLIENT', 'REPLY'], ['CLIENT', 'REPLY', 'ON', 'x'], ['CLIENT', 'REPLY', 'ON'],
  ['CLIENT', 'NO-EVICT', 'foo'], ['CLIENT', 'NO-EVICT'], ['CLIENT', 'NO-EVICT', 'ON'], ['CLIENT', 'NO-EVICT', 'off'],
  ['CLIENT', 'PAUSE'], ['CLIENT', 'PAUSE', 'abc'], ['CLIENT', 'PAUSE', '-1'], ['CLIENT', 'PAUSE', '01'],
  ['CLIENT', 'PAUSE', '9223372036854775808'], ['CLIENT', 'PAUSE', '10', 'foo'], ['CLIENT', 'PAUSE', 'abc', 'foo'],
  ['CLIENT', 'PAUSE', '10', 'WRITE', 'x'], ['CLIENT', 'PAUSE', '0'], ['CLIENT', 'PAUSE', '0', 'write'],
  ['CLIENT', 'UNPAUSE'], ['CLIENT', 'UNPAUSE', 'x'], ['CLIENT', 'HELP'], ['CLIENT', 'HELP', 'x'],
  ['CLIENT', 'GETNAME'],
];

describe('CLIENT (TCP)', () => {
  it('SETINFO (Redis 7.2, sent by ioredis and node-redis on connect) is accepted', async () => {
    const a = await RawClient.connect(port);
    expect(await a.cmd('CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis')).toBe('OK');
    expect(await a.cmd('CLIENT', 'setinfo', 'lib-ver', '6.0.0')).toBe('OK');
    expect(await a.cmd('CLIENT', 'SETINFO', 'lib-name', 'a b')).toEqual({ error: 'ERR lib-name cannot contain spaces, newlines or special characters.' });
    expect(await a.cmd('CLIENT', 'SETINFO', 'LIB-FOO', 'x')).toEqual({ error: "ERR Unrecognized option 'LIB-FOO'" });
    expect(await a.cmd('CLIENT', 'SETINFO', 'LIB-NAME')).toEqual({ error: "ERR wrong number of arguments for 'client|setinfo' command" });
    a.close();
  });

  it('ID, SETNAME/GETNAME, INFO and LIST with filters', async () => {
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    const idA = await a.cmd('CLIENT', 'ID') as number;
    const idB = await b.cmd('CLIENT', 'ID') as number;
    expect(idB).toBeGreaterThan(idA);
    expect(await a.cmd('CLIENT', 'GETNAME')).toBe(null);
    expect(await a.cmd('CLIENT', 'SETNAME', 'alpha')).toBe('OK');
    expect(await a.cmd('CLIENT', 'GETNAME')).toBe('alpha');
    expect(await a.cmd('CLIENT', 'SETNAME', 'bad name')).toEqual({ error: 'ERR Client names cannot contain spaces, newlines or special characters.' });
    expect(await b.cmd('SELECT', '3')).toBe('OK');

    const info = await a.cmd('CLIENT', 'INFO') as string;
    expect(info.endsWith('\n')).toBe(true);
    const f = fields(info);
    expect(Object.keys(f)).toEqual(['id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub',
      'ssub', 'multi', 'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem',
      'events', 'cmd', 'user', 'redir', 'resp']);
    expect(f).toMatchObject({ id: String(idA), name: 'alpha', flags: 'N', db: '0', multi: '-1', cmd: 'client|info',
      user: 'default', redir: '-1', resp: '2', 'argv-mem': '10', laddr: `127.0.0.1:${port}` });
    expect(f.addr).toMatch(/^127\.0\.0\.1:\d+$/);

    const list = (await a.cmd('CLIENT', 'LIST') as string).trim().split('\n').map(fields);
    expect(list.map((l) => Number(l.id))).toEqual(expect.arrayContaining([idA, idB]));
    const lb = list.find((l) => Number(l.id) === idB)!;
    expect(lb).toMatchObject({ db: '3', cmd: 'select', name: '' });
    const byId = (await a.cmd('CLIENT', 'LIST', 'ID', String(idB), '424242') as string).trim().split('\n').map(fields);
    expect(byId.map((l) => Number(l.id))).toEqual([idB]);
    expect(await a.cmd('CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('');
    const normal = (await a.cmd('CLIENT', 'LIST', 'TYPE', 'normal') as string).trim().split('\n');
    expect(normal.length).toBeGreaterThanOrEqual(2);

    // RESP3: verbatim strings.
    await a.cmd('HELLO', '3');
    expect(await a.cmd('CLIENT', 'INFO')).toMatchObject({ verbatim: expect.stringMatching(/^txt:id=\d+ .* resp=3\n$/) });
    expect(await a.cmd('CLIENT', 'GETNAME')).toBe('alpha');
    expect(await a.cmd('CLIENT', 'SETNAME', '')).toBe('OK');
    expect(await a.cmd('CLIENT', 'GETNAME')).toBe(null);
    a.close();
    b.close();
  });

  it('KILL by address (old form), by ID/ADDR/LADDR/TYPE/USER, SKIPME, and killing itself', async () => {
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    const c = await RawClient.connect(port);
    const addrOf = async (x: RawClient) => fields(await x.cmd('CLIENT', 'INFO') as string).addr;
    const idOf = async (x: RawClient) => await x.cmd('CLIENT', 'ID') as number;
    expect(await a.cmd('CLIENT', 'KILL', await addrOf(b))).toBe('OK');
    await b.waitClosed();
    expect(await a.cmd('CLIENT', 'KILL', 'ID', String(await idOf(c)))).toBe(1);
    await c.waitClosed();
    // SKIPME defaults to yes in the new form.
    expect(await a.cmd('CLIENT', 'KILL', 'ID', String(await idOf(a)))).toBe(0);
    const d = await RawClient.connect(port);
    const e = await RawClient.connect(port);
    expect(await a.cmd('CLIENT', 'KILL', 'ADDR', await addrOf(d), 'USER', 'default')).toBe(1);
    await d.waitClosed();
    expect(await a.cmd('CLIENT', 'KILL', 'LADDR', '10.9.9.9:1')).toBe(0);
    expect(await a.cmd('CLIENT', 'KILL', 'USER', 'nobody')).toEqual({ error: "ERR No such user 'nobody'" });
    // TYPE normal with SKIPME yes: everyone else.
    const killed = await a.cmd('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes') as number;
    expect(killed).toBeGreaterThanOrEqual(1);
    await e.waitClosed();
    expect(a.closed).toBe(false);
    // Old form on itself: +OK, then the connection closes.
    expect(await a.cmd('CLIENT', 'KILL', await addrOf(a))).toBe('OK');
    await a.waitClosed();
    const f = await RawClient.connect(port);
    f.send('CLIENT', 'KILL', 'LADDR', `127.0.0.1:${port}`, 'SKIPME', 'no');
    expect(await f.read()).toBeGreaterThanOrEqual(1);
    await f.waitClosed();
  });

  it('REPLY ON|OFF|SKIP silences engine and host replies, and its own', async () => {
    const a = await RawClient.connect(port);
    a.send('CLIENT', 'REPLY', 'SKIP');
    a.send('SET', 'r1', 'x');
    a.send('GET', 'r1');
    expect(await a.read()).toBe('x');
    a.send('CLIENT', 'REPLY', 'SKIP');
    a.send('CLIENT', 'ID');
    a.send('ECHO', 'after');
    expect(await a.read()).toBe('after');
    a.send('CLIENT', 'REPLY', 'OFF');
    a.send('SET', 'r2', 'y');
    a.send('CLIENT', 'GETNAME');
    a.send('NOPE');
    a.send('CLIENT', 'REPLY', 'SKIP');
    a.send('CLIENT', 'REPLY', 'ON');
    expect(await a.read()).toBe('OK');
    expect(await a.cmd('GET', 'r2')).toBe('y');
    a.close();
  });

  it('NO-EVICT sets flag e', async () => {
    const a = await RawClient.connect(port);
    expect(await a.cmd('CLIENT', 'NO-EVICT', 'on')).toBe('OK');
    expect(fields(await a.cmd('CLIENT', 'INFO') as string).flags).toBe('e');
    expect(await a.cmd('CLIENT', 'NO-EVICT', 'OFF')).toBe('OK');
    expect(fields(await a.cmd('CLIENT', 'INFO') as string).flags).toBe('N');
    a.close();
  });

  it('PAUSE WRITE holds a writer but not a reader, until UNPAUSE', async () => {
    const admin = await RawClient.connect(port);
    const writer = await RawClient.connect(port);
    const reader = await RawClient.connect(port);
    await writer.cmd('SET', 'pk', 'before');
    expect(await admin.cmd('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe('OK');
    writer.send('SET', 'pk', 'after');
    writer.send('GET', 'pk');
    await expect(writer.read(200)).rejects.toThrow(/timeout/);
    // Readers go on; a paused client shows flag b.
    expect(await reader.cmd('GET', 'pk')).toBe('before');
    const wid = await reader.cmd('CLIENT', 'LIST') as string;
    expect(wid).toMatch(/flags=b /);
    // Errors found before the pause check still come at once.
    expect(await reader.cmd('SET', 'pk')).toEqual({ error: "ERR wrong number of arguments for 'set' command" });
    expect(await admin.cmd('CLIENT', 'UNPAUSE')).toBe('OK');
    expect(await writer.read()).toBe('OK');
    expect(await writer.read()).toBe('after');
    admin.close(); writer.close(); reader.close();
  });

  it('PAUSE WRITE releases the writer when the timeout ends', async () => {
    const admin = await RawClient.connect(port);
    const writer = await RawClient.connect(port);
    const t0 = Date.now();
    expect(await admin.cmd('CLIENT', 'PAUSE', '200', 'WRITE')).toBe('OK');
    writer.send('SET', 'pt', '1');
    expect(await admin.cmd('GET', 'pt')).toBe(null);
    expect(await writer.read()).toBe('OK');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    admin.close(); writer.close();
  });

  it('PAUSE ALL holds every command, in arrival order, until the timeout', async () => {
    const admin = await RawClient.connect(port);
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    const t0 = Date.now();
    expect(await admin.cmd('CLIENT', 'PAUSE', '300')).toBe('OK');
    a.send('SET', 'order', 'a');
    await new Promise((r) => setTimeout(r, 30));
    b.send('SET', 'order', 'b');
    b.send('PING');
    await expect(b.read(100)).rejects.toThrow(/timeout/);
    expect(await a.read()).toBe('OK');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(await b.read()).toBe('OK');
    expect(await b.read()).toBe('PONG');
    // a's SET arrived first, so b's ran last.
    expect(await a.cmd('GET', 'order')).toBe('b');
    // A later pause keeps the later end and the stricter mode; under ALL
    // even CLIENT UNPAUSE waits, as in Redis.
    const t1 = Date.now();
    expect(await admin.cmd('CLIENT', 'PAUSE', '300', 'WRITE')).toBe('OK');
    expect(await admin.cmd('CLIENT', 'PAUSE', '10', 'ALL')).toBe('OK');
    a.send('PING');
    admin.send('CLIENT', 'UNPAUSE');
    await expect(a.read(150)).rejects.toThrow(/timeout/);
    expect(await a.read()).toBe('PONG');
    expect(await admin.read()).toBe('OK');
    expect(Date.now() - t1).toBeGreaterThanOrEqual(290);
    admin.close(); a.close(); b.close();
  });

  it.skipIf(!redisServerPath())('replies like redis-server', async () => {
    const redis = await startRedis();
    try {
      const ours = await RawClient.connect(port);
      const theirs = await RawClient.connect(redis.port);
      for (const cmd of SAME_AS_REDIS) {
        ours.send(...cmd);
        theirs.send(...cmd);
        const [o, t] = [await ours.readRaw(), await theirs.readRaw()];
        expect(o.toString('latin1'), cmd.join(' ')).toBe(t.toString('latin1'));
      }
      // In step: each command above gave exactly one reply.
      for (const cl of [ours, theirs]) expect(await cl.cmd('ECHO', 'in-step')).toBe('in-step');
      for (const cl of [ours, theirs]) { cl.send('CLIENT', 'UNPAUSE'); await cl.read(); }
      // CLIENT LIST / INFO: the same fields in the same order.
      const keys = async (c: RawClient, ...cmd: string[]) => Object.keys(fields(await c.cmd(...cmd) as string));
      expect(await keys(ours, 'CLIENT', 'INFO')).toEqual(await keys(theirs, 'CLIENT', 'INFO'));
      expect(await keys(ours, 'CLIENT', 'LIST')).toEqual(await keys(theirs, 'CLIENT', 'LIST'));
      ours.close();
      theirs.close();
    } finally {
      redis.stop();
    }
  });
});
