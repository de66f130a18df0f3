// Scripts over TCP: what only shows with real connections and real time.
//
// Busy scripts: once a script has run past busy-reply-threshold the server
// answers other clients BUSY while the script goes on, accepts SCRIPT KILL /
// FUNCTION KILL (refused once the script wrote) and SHUTDOWN NOSAVE, and the
// script's own client gets its reply, then the rest of what it pipelined.
// Each busy scenario runs against Vermilion and, when redis-server is
// installed, against a real Redis 7.0: both transcripts must be equal.
//
// Then the patterns users write with Lua, through ioredis and node-redis: a
// token bucket (ioredis defineCommand), a lock with SET NX PX released by a
// compare-and-delete script (node-redis defineScript), a sliding-window rate
// limiter over a sorted set (EVALSHA), and functions (FUNCTION LOAD, FCALL).
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient, defineScript } from 'redis';
import { serverWithClients } from '../helpers/clients.js';
import { startServer, startRedis, redisServerPath, RawClient } from '../helpers/server.js';
import type { RespValue } from '../helpers/resp.js';
import type { Server } from '../../src/server/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const haveRedis = redisServerPath() !== null;

interface Target { name: string; port: number; stop: () => Promise<void> }

async function vermilion(): Promise<Target & { server: Server }> {
  const { server, port } = await startServer({ 'busy-reply-threshold': '100' });
  return { name: 'vermilion', port, server, stop: () => server.close() };
}

async function redis(): Promise<Target> {
  const r = await startRedis(['--busy-reply-threshold', '100']);
  return { name: 'redis', port: r.port, stop: async () => r.stop() };
}

/**
 * Runs `scenario` on a fresh Vermilion and, if installed, a fresh Redis;
 * returns Vermilion's transcript after checking Redis's is the same.
 */
async function onBoth(scenario: (port: number) => Promise<unknown[]>): Promise<unknown[]> {
  const makers = haveRedis ? [vermilion, redis] : [vermilion];
  const results: unknown[][] = [];
  for (const make of makers) {
    const t = await make();
    try {
      results.push(await scenario(t.port));
    } finally {
      await t.stop();
    }
  }
  if (results.length === 2) expect(results[0]).toEqual(results[1]);
  return results[0];
}

const errText = (v: RespValue): string => (v && typeof v === 'object' && 'error' in v ? `-${v.error}` : JSON.stringify(v));

/** Pings from `b` until the server answers BUSY; that error's text. */
async function untilBusy(b: RawClient): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const r = errText(await b.cmd('PING'));
    if (r.startsWith('-BUSY')) return r;
    await sleep(10);
  }
  throw new Error('the script never became busy');
}

/** Lua that spins for `ms` milliseconds of server time (TIME is allowed in scripts). */
const spin = (ms: number) =>
  `local t = redis.call('TIME') while true do local n = redis.call('TIME') ` +
  `if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > ${ms * 1000} then break end end`;

const BUSY_EVAL = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FUNCTION = '-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
const UNKILLABLE = '-UNKILLABLE Sorry the script already executed write commands against the dataset. ' +
  'You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';

describe('busy scripts' + (haveRedis ? ' (Vermilion and Redis 7.0 alike)' : ''), () => {
  it('an endless EVAL: others get BUSY, FUNCTION KILL is refused, SCRIPT KILL ends it with Redis\'s error', async () => {
    const body = 'local i = 0 while true do i = i + 1 end';
    const out = await onBoth(async (port) => {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      a.send('EVAL', body, 0);
      const log: unknown[] = [await untilBusy(b)];
      for (const cmd of [['GET', 'x'], ['CLIENT', 'ID'], ['FUNCTION', 'KILL'], ['SCRIPT', 'KILL']]) log.push(errText(await b.cmd(...cmd)));
      log.push(errText(await a.read()));
      log.push(errText(await b.cmd('SCRIPT', 'KILL')));
      log.push(errText(await a.cmd('PING')), errText(await b.cmd('PING')));
      a.close();
      b.close();
      return log;
    });
    expect(out).toEqual([
      BUSY_EVAL, BUSY_EVAL, BUSY_EVAL, BUSY_EVAL, '"OK"',
      `-ERR Script killed by user with SCRIPT KILL... script: ${createHash('sha1').update(body).digest('hex')}, on @user_script:1.`,
      '-NOTBUSY No scripts in execution right now.', '"PONG"', '"PONG"',
    ]);
  });

  it('an endless function: SCRIPT KILL is refused, FUNCTION KILL ends it; pcall cannot catch the kill', async () => {
    const out = await onBoth(async (port) => {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      const log: unknown[] = [errText(await a.cmd('FUNCTION', 'LOAD', '#!lua name=busylib\n' +
        "redis.register_function('spin', function() while true do pcall(function() for i = 1, 10 do end end) end end)"))];
      a.send('FCALL', 'spin', 0);
      log.push(await untilBusy(b));
      for (const cmd of [['SET', 'x', '1'], ['SCRIPT', 'KILL'], ['FUNCTION', 'KILL']]) log.push(errText(await b.cmd(...cmd)));
      log.push(errText(await a.read()));
      log.push(errText(await b.cmd('FUNCTION', 'KILL')));
      a.close();
      b.close();
      return log;
    });
    expect(out).toEqual([
      '"busylib"', BUSY_FUNCTION, BUSY_FUNCTION, BUSY_FUNCTION, '"OK"',
      '-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.',
      '-NOTBUSY No scripts in execution right now.',
    ]);
  });

  it('a script that wrote cannot be killed: it finishes, then its client\'s pipelined commands run', async () => {
    const out = await onBoth(async (port) => {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      // One write: the script and what follows it, which waits for the script.
      a.write(Buffer.concat([
        encode('EVAL', `redis.call('SET', 'w', 'v') ${spin(1500)} return redis.call('INCR', 'n')`, 0),
        encode('INCR', 'n'), encode('GET', 'w'),
      ]));
      const log: unknown[] = [await untilBusy(b)];
      for (const cmd of [['SCRIPT', 'KILL'], ['FUNCTION', 'KILL'], ['GET', 'w'], ['MULTI'], ['DISCARD']]) log.push(errText(await b.cmd(...cmd)));
      for (let i = 0; i < 3; i++) log.push(errText(await a.read()));
      log.push(errText(await b.cmd('GET', 'n')));
      a.close();
      b.close();
      return log;
    });
    // FUNCTION KILL finds the script unkillable before it looks at its
    // kind; MULTI and DISCARD are allowed while busy (ALLOW_BUSY).
    expect(out).toEqual([BUSY_EVAL, UNKILLABLE, UNKILLABLE, BUSY_EVAL, '"OK"', '"OK"', '1', '2', '"v"', '"2"']);
  });

  it('SHUTDOWN is refused while a script is busy, SHUTDOWN NOSAVE stops the server', async () => {
    await onBoth(async (port) => {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      a.send('EVAL', "redis.call('SET', 'w', 'v') while true do end", 0);
      const log: unknown[] = [await untilBusy(b)];
      log.push(errText(await b.cmd('SCRIPT', 'KILL')));
      log.push(errText(await b.cmd('SHUTDOWN')));
      b.send('SHUTDOWN', 'NOSAVE');
      await b.waitClosed();
      await a.waitClosed();
      // Without NOSAVE, SHUTDOWN answers as any command would while busy.
      expect(log).toEqual([BUSY_EVAL, UNKILLABLE, BUSY_EVAL]);
      return log;
    });
  });

  it('a busy EVAL inside MULTI/EXEC: the transaction\'s reply, then the commands sent after it', async () => {
    const out = await onBoth(async (port) => {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      // A second busy transaction right behind the first, in the same write.
      a.write(Buffer.concat([
        encode('MULTI'), encode('SET', 'm', '1'), encode('EVAL', `${spin(1000)} return redis.call('GET', 'm')`, 0),
        encode('INCR', 'm'), encode('EXEC'),
        encode('MULTI'), encode('EVAL', `${spin(500)} return 'second'`, 0), encode('EXEC'),
        encode('GET', 'm'), encode('PING'),
      ]));
      const log: unknown[] = [await untilBusy(b)];
      log.push(errText(await b.cmd('GET', 'm')));
      for (let i = 0; i < 10; i++) log.push(JSON.stringify(await a.read()));
      a.close();
      b.close();
      return log;
    });
    expect(out).toEqual([BUSY_EVAL, BUSY_EVAL, '"OK"', '"QUEUED"', '"QUEUED"', '"QUEUED"', '["OK","1",2]',
      '"OK"', '"QUEUED"', '["second"]', '"2"', '"PONG"']);
  });

  it('a client blocked on a list the script pushed to is served after the script', async () => {
    const run = async (port: number) => {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      const c = await RawClient.connect(port);
      c.send('BLPOP', 'q', 0);
      await sleep(100);
      a.send('EVAL', `redis.call('RPUSH', 'q', 'v') ${spin(1000)} return redis.call('LLEN', 'q')`, 0);
      expect(await untilBusy(b)).toBe(BUSY_EVAL);
      // The script still sees its element at its end: the blocked client
      // was not served while the script let other clients in.
      expect(await a.read()).toBe(1);
      expect(await c.read()).toEqual(['q', 'v']);
      expect(await a.cmd('LLEN', 'q')).toBe(0);
      a.close();
      b.close();
      c.close();
      return [];
    };
    await onBoth(run);
  });

  it('keyspace events and PUBLISH from a script reach subscribers in the order they happened', async () => {
    const out = await onBoth(async (port) => {
      const a = await RawClient.connect(port);
      const sub = await RawClient.connect(port);
      await a.cmd('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      sub.send('PSUBSCRIBE', '__keyspace@0__:*', 'chan');
      await sub.read();
      await sub.read();
      const log: unknown[] = [await a.cmd('EVAL',
        "redis.call('SET', 'k', 'v') redis.call('PUBLISH', 'chan', 'm') redis.call('DEL', 'k') return 'ok'", 0)];
      for (let i = 0; i < 3; i++) log.push(await sub.read());
      a.close();
      sub.close();
      return log;
    });
    expect(out).toEqual([
      'ok',
      ['pmessage', '__keyspace@0__:*', '__keyspace@0__:k', 'set'],
      ['pmessage', 'chan', 'chan', 'm'],
      ['pmessage', '__keyspace@0__:*', '__keyspace@0__:k', 'del'],
    ]);
  });
});

function encode(...args: (string | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

// ---- the patterns users write ------------------------------------------------------

describe('Lua patterns through real clients', () => {
  const srv = serverWithClients();
  const ioredis = srv.client;

  // Token bucket: capacity, refill rate (tokens per second), the caller's
  // clock and the tokens asked for; answers {allowed, tokens left}.
  const TOKEN_BUCKET = `
    local capacity = tonumber(ARGV[1])
    local rate = tonumber(ARGV[2])
    local now = tonumber(ARGV[3])
    local want = tonumber(ARGV[4])
    local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
    local tokens = tonumber(state[1]) or capacity
    local ts = tonumber(state[2]) or now
    tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
    local allowed = 0
    if tokens >= want then
      tokens = tokens - want
      allowed = 1
    end
    redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
    redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
    return {allowed, tostring(tokens)}`;

  it('a token bucket (ioredis defineCommand): exact admissions, refill with time, 30 concurrent clients', async () => {
    const r = ioredis() as Redis & { tokenBucket: (...a: (string | number)[]) => Promise<[number, string]> };
    r.defineCommand('tokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
    const t0 = 1_000_000;
    const got: number[] = [];
    for (let i = 0; i < 7; i++) got.push((await r.tokenBucket('bucket:a', 5, 2, t0, 1))[0]);
    expect(got).toEqual([1, 1, 1, 1, 1, 0, 0]);
    // 1.5 s later: 3 tokens back (2 per second).
    expect(await r.tokenBucket('bucket:a', 5, 2, t0 + 1500, 1)).toEqual([1, '2']);
    expect(await r.tokenBucket('bucket:a', 5, 2, t0 + 1500, 3)).toEqual([0, '2']);
    expect(await r.tokenBucket('bucket:a', 5, 2, t0 + 1500, 2)).toEqual([1, '0']);
    expect(await r.pttl('bucket:a')).toBeGreaterThan(3000);
    // ioredis sends EVALSHA and falls back to EVAL after SCRIPT FLUSH.
    await r.script('FLUSH');
    expect((await r.tokenBucket('bucket:b', 1, 1, t0, 1))[0]).toBe(1);
    // Concurrent clients on one bucket: exactly `capacity` admissions.
    const clients = Array.from({ length: 30 }, () => {
      const c = ioredis() as typeof r;
      c.defineCommand('tokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
      return c;
    });
    const results = await Promise.all(clients.flatMap((c) => [0, 1, 2].map(() => c.tokenBucket('bucket:c', 20, 1, t0, 1))));
    expect(results.filter(([ok]) => ok === 1).length).toBe(20);
    // In a pipeline too.
    const piped = await (r.pipeline() as any).tokenBucket('bucket:d', 2, 1, t0, 1).tokenBucket('bucket:d', 2, 1, t0, 1)
      .tokenBucket('bucket:d', 2, 1, t0, 1).exec();
    expect((piped as [Error | null, [number, string]][]).map(([, v]) => v[0])).toEqual([1, 1, 0]);
  });

  it('a lock: SET NX PX to take it, a compare-and-delete script to release it (node-redis defineScript)', async () => {
    const release = defineScript({
      SCRIPT: "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
      NUMBER_OF_KEYS: 1,
      parseCommand(parser: any, key: string, token: string) {
        parser.pushKey(key);
        parser.push(token);
      },
      transformReply: undefined as unknown as () => number,
    });
    const nr = createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false }, scripts: { release } });
    nr.on('error', () => {});
    await nr.connect();
    try {
      expect(await nr.set('lock:res', 'token-1', { NX: true, PX: 10000 } as any)).toBe('OK');
      expect(await nr.set('lock:res', 'token-2', { NX: true, PX: 10000 } as any)).toBe(null);
      // Someone else's token releases nothing.
      expect(await nr.release('lock:res', 'token-2')).toBe(0);
      expect(await nr.get('lock:res')).toBe('token-1');
      expect(await nr.release('lock:res', 'token-1')).toBe(1);
      expect(await nr.exists('lock:res')).toBe(0);
      // An expired lock taken by another owner is not released by the first.
      await nr.set('lock:exp', 'old', { NX: true, PX: 30 } as any);
      await sleep(80);
      expect(await nr.set('lock:exp', 'new', { NX: true, PX: 10000 } as any)).toBe('OK');
      expect(await nr.release('lock:exp', 'old')).toBe(0);
      expect(await nr.get('lock:exp')).toBe('new');
      // Twenty contenders: one holds the lock at a time, every one gets it in turn.
      const owners = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        const c = createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false }, scripts: { release } });
        c.on('error', () => {});
        await c.connect();
        const token = `owner-${i}`;
        let holdsAt = -1;
        for (let attempt = 0; holdsAt < 0; attempt++) {
          if (await c.set('lock:shared', token, { NX: true, PX: 5000 } as any) === 'OK') holdsAt = attempt;
          else await sleep(2);
        }
        // Inside the critical section: a non-atomic read-modify-write that the lock protects.
        const n = Number(await c.get('lock:counter') ?? 0);
        await sleep(1);
        await c.set('lock:counter', String(n + 1));
        expect(await c.release('lock:shared', token)).toBe(1);
        await c.disconnect();
        return token;
      }));
      expect(owners.length).toBe(20);
      expect(await nr.get('lock:counter')).toBe('20');
    } finally {
      await nr.disconnect();
    }
  });

  it('a sliding-window rate limiter over a sorted set (EVALSHA through ioredis)', async () => {
    const SLIDING = `
      local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
      if redis.call('ZCARD', key) >= limit then return 0 end
      redis.call('ZADD', key, now, ARGV[4])
      redis.call('PEXPIRE', key, window)
      return 1`;
    const r = ioredis();
    const sha = (await r.script('LOAD', SLIDING)) as string;
    const hit = (now: number, id: string) => r.evalsha(sha, 1, 'sw:user', now, 1000, 3, id) as Promise<number>;
    const got: number[] = [];
    // 3 per second: requests at 0, 100, 200 pass, 300 and 900 are refused;
    // at 1050 the first has left the window, at 1100 the second (a score
    // at exactly now - window is out), at 1150 the window is full again.
    for (const [t, id] of [[0, 'a'], [100, 'b'], [200, 'c'], [300, 'd'], [900, 'e'], [1050, 'f'], [1100, 'g'], [1150, 'h']] as const) {
      got.push(await hit(1_000_000 + t, id));
    }
    expect(got).toEqual([1, 1, 1, 0, 0, 1, 1, 0]);
    expect(await r.zrange('sw:user', 0, '-1')).toEqual(['c', 'f', 'g']);
    // 10 clients at the same instant: exactly the limit pass.
    const clients = Array.from({ length: 10 }, () => ioredis());
    const res = await Promise.all(clients.map((c, i) => c.evalsha(sha, 1, 'sw:burst', 5_000_000, 1000, 3, `m${i}`)));
    expect(res.filter((x) => x === 1).length).toBe(3);
    expect(await r.zcard('sw:burst')).toBe(3);
  });

  it('functions through node-redis: FUNCTION LOAD, FCALL, FCALL_RO, FUNCTION LIST, DUMP and RESTORE', async () => {
    const nr = createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false } });
    nr.on('error', () => {});
    await nr.connect();
    try {
      const lib = '#!lua name=counters\n' +
        "redis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n" +
        "redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}";
      expect(await nr.functionLoad(lib, { REPLACE: true })).toBe('counters');
      expect(await nr.fCall('bump', { keys: ['fn:c'], arguments: ['5'] })).toBe(5);
      expect(await nr.fCall('bump', { keys: ['fn:c'], arguments: ['2'] })).toBe(7);
      expect(await nr.fCallRo('peek', { keys: ['fn:c'], arguments: [] })).toBe('7');
      await expect(nr.fCallRo('bump', { keys: ['fn:c'], arguments: ['1'] })).rejects.toThrow(/write flag/);
      const list = await nr.functionList();
      expect(list.map((l: any) => l.library_name)).toEqual(['counters']);
      const dump = await nr.withTypeMapping({ [36]: Buffer } as any).functionDump();
      await nr.functionFlush();
      expect(await nr.functionList()).toEqual([]);
      expect(await nr.functionRestore(dump as any)).toBe('OK');
      expect(await nr.fCall('bump', { keys: ['fn:c'], arguments: ['1'] })).toBe(8);
      // EVAL / EVALSHA / SCRIPT through node-redis's own methods.
      const sha = await nr.scriptLoad("return {KEYS[1], ARGV[1], tonumber(ARGV[2]) * 2}");
      expect(await nr.evalSha(sha, { keys: ['k'], arguments: ['a', '21'] })).toEqual(['k', 'a', 42]);
      expect(await nr.eval("return redis.call('PING')", {})).toBe('PONG');
      expect(await nr.scriptExists([sha, 'ffffffffffffffffffffffffffffffffffffffff'])).toEqual([1, 0]);
    } finally {
      await nr.disconnect();
    }
  });
});
