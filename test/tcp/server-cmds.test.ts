// DEBUG, SHUTDOWN and TIME over TCP, with the texts compared to redis-server.
import { describe, it, expect, afterEach } from 'vitest';
import { startServer, startRedis, RawClient, redisServerPath } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

const servers: Server[] = [];
async function start(opts: Record<string, string> = {}): Promise<{ server: Server; port: number }> {
  const s = await startServer(opts);
  servers.push(s.server);
  return s;
}
afterEach(async () => { for (const s of servers.splice(0)) await s.close(); });

const DEBUG_NOT_ALLOWED = 'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", ' +
  'you can run it from a local connection, otherwise you need to set this option in the configuration file, ' +
  'and then restart the server.';

describe('TIME', () => {
  it('replies [seconds, microseconds] from the real clock', async () => {
    const { port } = await start();
    const c = await RawClient.connect(port);
    const before = Date.now();
    const [s, us] = await c.cmd('TIME') as string[];
    const ms = Number(s) * 1000 + Number(us) / 1000;
    expect(s).toMatch(/^\d+$/);
    expect(us).toMatch(/^\d{1,6}$/);
    expect(Math.abs(ms - before)).toBeLessThan(1000);
    const [, us2] = await c.cmd('TIME') as string[];
    expect(us2).not.toBe(us);
    expect(await c.cmd('TIME', 'x')).toEqual({ error: "ERR wrong number of arguments for 'time' command" });
    c.close();
  });
});

describe('DEBUG', () => {
  it('is refused unless enable-debug-command allows it', async () => {
    const { port } = await start();
    const c = await RawClient.connect(port);
    expect(await c.cmd('DEBUG', 'SLEEP', '0')).toEqual({ error: DEBUG_NOT_ALLOWED });
    expect(await c.cmd('DEBUG')).toEqual({ error: "ERR wrong number of arguments for 'debug' command" });
    c.close();
    const { port: local } = await start({ 'enable-debug-command': 'local' });
    const l = await RawClient.connect(local);
    expect(await l.cmd('DEBUG', 'LOG', 'from loopback')).toBe('OK');
    l.close();
  });

  it('SLEEP blocks the whole server; SET-ACTIVE-EXPIRE; OBJECT; LOG; ERROR; PROTOCOL', async () => {
    const { server, port } = await start({ 'enable-debug-command': 'yes' });
    const logged: string[] = [];
    (server as any).logSink = (_lvl: string, msg: string) => logged.push(msg);
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    const t0 = Date.now();
    a.send('DEBUG', 'SLEEP', '0.3');
    await new Promise((r) => setTimeout(r, 20));
    expect(await b.cmd('PING')).toBe('PONG');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(await a.read()).toBe('OK');
    expect(await a.cmd('DEBUG', 'SLEEP', 'abc')).toBe('OK');

    expect(await a.cmd('DEBUG', 'SET-ACTIVE-EXPIRE', '0')).toBe('OK');
    expect(server.engine.x.activeExpireIsEnabled()).toBe(0);
    expect(await a.cmd('DEBUG', 'SET-ACTIVE-EXPIRE', '1')).toBe('OK');
    expect(server.engine.x.activeExpireIsEnabled()).toBe(1);

    await a.cmd('SET', 'emb', 'v');
    await a.cmd('SET', 'small', '5');
    await a.cmd('SET', 'big', '123456789012');
    await a.cmd('SET', 'num', '-40000');
    await a.cmd('SET', 'raw', 'x'.repeat(45));
    const obj = async (k: string) => a.cmd('DEBUG', 'OBJECT', k);
    const lineRe = (enc: string, ref: number, len: number) =>
      new RegExp(`^Value at:0x[0-9a-f]+ refcount:${ref} encoding:${enc} serializedlength:${len} lru:\\d+ lru_seconds_idle:\\d+$`);
    expect(await obj('emb')).toMatch(lineRe('embstr', 1, 2));
    expect(await obj('small')).toMatch(lineRe('int', 2147483647, 2));
    expect(await obj('num')).toMatch(lineRe('int', 1, 5));
    expect(await obj('big')).toMatch(lineRe('int', 1, 13));
    expect(await obj('raw')).toMatch(lineRe('raw', 1, 12)); // LZF-compressed, as redis-server reports it
    expect(await obj('nope')).toEqual({ error: 'ERR no such key' });

    expect(await a.cmd('DEBUG', 'LOG', 'hello log')).toBe('OK');
    expect(logged).toContain('DEBUG LOG: hello log');
    expect(await a.cmd('DEBUG', 'ERROR', 'MYERR custom')).toEqual({ error: 'MYERR custom' });
    expect(await a.cmd('DEBUG', 'PROTOCOL', 'map')).toEqual([0, 0, 1, 1, 2, 0]);
    a.close();
    b.close();
  });

  it.skipIf(!redisServerPath())('replies like redis-server', async () => {
    const { port } = await start({ 'enable-debug-command': 'yes' });
    const redis = await startRedis();
    const cmds: string[][] = [
      ['DEBUG', 'HELP'], ['DEBUG', 'HELP', 'x'], ['DEBUG', 'foo'], ['DEBUG', 'foo', 'bar'], ['DEBUG', 'SLEEP'],
      ['DEBUG', 'SLEEP', '0'], ['DEBUG', 'SLEEP', '0.01'], ['DEBUG', 'SET-ACTIVE-EXPIRE'], ['DEBUG', 'SET-ACTIVE-EXPIRE', 'x'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'], ['DEBUG', 'OBJECT'], ['DEBUG', 'OBJECT', 'nokey'], ['DEBUG', 'LOG', 'x'],
      ['DEBUG', 'LOG'], ['DEBUG', 'ERROR', 'boom here'],
      ['DEBUG', 'POPULATE'], ['DEBUG', 'POPULATE', '-1'], ['DEBUG', 'POPULATE', 'abc'], ['DEBUG', 'POPULATE', '1', 'a', 'b', 'c'],
      ['DEBUG', 'POPULATE', '2', 'y', '-1'], ['DEBUG', 'POPULATE', '3'], ['DEBUG', 'POPULATE', '3', 'key'], ['DBSIZE'],
      ['DEBUG', 'POPULATE', '12', 'pre', '3'], ['DEBUG', 'POPULATE', '2', 'pad', '12'], ['DEBUG', 'POPULATE', '2', 'long', '60'],
      ['GET', 'key:2'], ['GET', 'pre:11'], ['GET', 'pad:1'], ['GET', 'long:1'], ['OBJECT', 'ENCODING', 'long:1'],
      ['OBJECT', 'ENCODING', 'key:0'], ['DBSIZE'], ['SELECT', '2'], ['DEBUG', 'POPULATE', '0'], ['DEBUG', 'POPULATE', '5', 'k'],
      ['DBSIZE'], ['SELECT', '0'], ['FLUSHALL'],
      ...['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim',
        'true', 'false', 'foo'].map((t) => ['DEBUG', 'PROTOCOL', t]),
      ['RESP3'],
      // (RESP3 attrib is left out: the test parser does not read `|` replies.)
      ...['double', 'bignum', 'null', 'set', 'map', 'push', 'verbatim', 'true', 'false'].map((t) => ['DEBUG', 'PROTOCOL', t]),
      ['SHUTDOWN', 'ABORT'], ['SHUTDOWN', 'SAVE', 'NOSAVE'], ['SHUTDOWN', 'ABORT', 'NOW'], ['SHUTDOWN', 'NOSAVE', 'ABORT'],
      ['SHUTDOWN', 'foo'], ['TIME', 'x'],
    ];
    try {
      const ours = await RawClient.connect(port);
      const theirs = await RawClient.connect(redis.port);
      let resp3 = false;
      for (const cmd of cmds) {
        if (cmd[0] === 'RESP3') {
          // HELLO's reply has the client id: switch both, compare the rest.
          for (const c of [ours, theirs]) await c.cmd('HELLO', '3');
          resp3 = true;
          continue;
        }
        ours.send(...cmd);
        theirs.send(...cmd);
        // RESP3 PROTOCOL push is a push message followed by a reply.
        const n = resp3 && cmd[2] === 'push' ? 2 : 1;
        for (let i = 0; i < n; i++) {
          const [o, t] = [await ours.readRaw(), await theirs.readRaw()];
          expect(o.toString('latin1'), cmd.join(' ')).toBe(t.toString('latin1'));
        }
      }
      // In step: each command above gave exactly one reply.
      for (const cl of [ours, theirs]) expect(await cl.cmd('ECHO', 'in-step')).toBe('in-step');
      // DEBUG OBJECT of short strings: all but address, lru and idle agree.
      const strip = (s: unknown) => String(s).replace(/at:0x[0-9a-f]+/, 'at:X').replace(/lru:\d+ lru_seconds_idle:\d+/, 'lru');
      // (Longer values differ: Redis LZF-compresses them, this server has no LZF yet.)
      for (const v of ['v', '5', '-5', '300', '-40000', '123456789012', '', 'x'.repeat(20), '12345678901', '0123']) {
        for (const c of [ours, theirs]) await c.cmd('SET', 'k', v);
        expect(strip(await ours.cmd('DEBUG', 'OBJECT', 'k')), v).toBe(strip(await theirs.cmd('DEBUG', 'OBJECT', 'k')));
      }
      ours.close();
      theirs.close();
    } finally {
      redis.stop();
    }
  });
});

describe('SHUTDOWN', () => {
  it('accepts its options and closes the server; ABORT and bad combinations are errors', async () => {
    for (const opts of [[], ['NOSAVE'], ['SAVE', 'NOW', 'FORCE'], ['now']]) {
      const { server, port } = await start();
      let stopped = false;
      server.onShutdown = () => { stopped = true; };
      const c = await RawClient.connect(port);
      expect(await c.cmd('SHUTDOWN', 'ABORT')).toEqual({ error: 'ERR No shutdown in progress.' });
      expect(await c.cmd('SHUTDOWN', 'SAVE', 'NOSAVE')).toEqual({ error: 'ERR syntax error' });
      expect(await c.cmd('SHUTDOWN', 'NOW', 'ABORT')).toEqual({ error: 'ERR syntax error' });
      expect(await c.cmd('SHUTDOWN', 'bogus')).toEqual({ error: 'ERR syntax error' });
      c.send('SHUTDOWN', ...opts);
      await c.waitClosed();
      for (let i = 0; i < 50 && !stopped; i++) await new Promise((r) => setTimeout(r, 10));
      expect(stopped).toBe(true);
      await expect(RawClient.connect(port)).rejects.toThrow();
    }
  });
});
