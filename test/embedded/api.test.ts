// The embedded API's own behaviour: how replies map to JS values (RESP2 and
// RESP3), errors, arguments, handles and databases, pipelines, closing, and
// the paths that leave the synchronous fast path (host commands, CLIENT
// PAUSE, blocking). Command semantics are the shared tables' business
// (test/shared/).
import { describe, it, expect } from 'vitest';
import { Vermilion, ReplyError, VermilionError, ManualClock } from '../../src/index.js';
import { ReplyDecoder, encodeRequest, utf8Length } from '../../src/embedded/resp.js';
import { engineHas } from '../helpers/implemented.js';
import { storesClosedAfterEach } from '../helpers/stores.js';

const open = storesClosedAfterEach();

const bytes = (s: string) => new TextEncoder().encode(s);
const decode = (raw: string, buffers = false) => {
  const b = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  return new ReplyDecoder().reset(b, 0, b.length, buffers).next();
};

describe('reply decoding', () => {
  it('maps every RESP2 and RESP3 type', () => {
    expect(decode('+OK\r\n')).toBe('OK');
    expect(decode(':-42\r\n')).toBe(-42);
    expect(decode(':9223372036854775807\r\n')).toBe(9223372036854775807n);
    expect(decode(':9007199254740991\r\n')).toBe(9007199254740991);
    expect(decode('$-1\r\n')).toBe(null);
    expect(decode('*-1\r\n')).toBe(null);
    expect(decode('_\r\n')).toBe(null);
    expect(decode('$0\r\n\r\n')).toBe('');
    expect(decode('$3\r\nabc\r\n', true)).toEqual(bytes('abc'));
    expect(decode('*2\r\n:1\r\n*1\r\n$1\r\nx\r\n')).toEqual([1, ['x']]);
    expect(decode('%2\r\n$1\r\na\r\n:1\r\n:2\r\n#t\r\n')).toEqual(new Map<unknown, unknown>([['a', 1], [2, true]]));
    expect(decode('~2\r\n$1\r\na\r\n$1\r\nb\r\n')).toEqual(new Set(['a', 'b']));
    expect(decode(',1.5\r\n')).toBe(1.5);
    expect(decode(',inf\r\n')).toBe(Infinity);
    expect(decode(',-inf\r\n')).toBe(-Infinity);
    expect(decode(',nan\r\n')).toBeNaN();
    expect(decode('#f\r\n')).toBe(false);
    expect(decode('(12345678901234567890\r\n')).toBe(12345678901234567890n);
    expect(decode('=8\r\ntxt:some\r\n')).toBe('some');
    expect(decode('|1\r\n+key\r\n+val\r\n:7\r\n')).toBe(7);
    const e = decode('-WRONGTYPE Operation against a key\r\n') as ReplyError;
    expect(e).toBeInstanceOf(ReplyError);
    expect([e.code, e.message]).toEqual(['WRONGTYPE', 'WRONGTYPE Operation against a key']);
    expect(decode('!5\r\nERR x\r\n')).toBeInstanceOf(ReplyError);
    expect(decode('$4\r\nh\xc3\xa9!\r\n')).toBe('hé!');
  });

  it('reports an incomplete reply without consuming it', () => {
    const d = new ReplyDecoder();
    const b = Uint8Array.from('*2\r\n:1\r\n', (c) => c.charCodeAt(0));
    d.reset(b, 0, b.length, false);
    expect(() => d.next()).toThrow();
    expect(d.pos).toBe(0);
  });
});

describe('argument encoding', () => {
  it('encodes text as UTF-8, numbers in decimal, bytes as they are', () => {
    expect(new TextDecoder('latin1').decode(encodeRequest(['SET', 'k', 12, 1.5, 10n, bytes('\x00')])))
      .toBe('*6\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n12\r\n$3\r\n1.5\r\n$2\r\n10\r\n$1\r\n\x00\r\n');
    for (const s of ['é', '✓', '🎉', 'a\ud800b', 'x'.repeat(1000) + '€']) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('round-trips non-ASCII keys and values through the engine', () => {
    const db = open();
    const v = 'héllo ✓ 🎉 ' + 'ü'.repeat(100);
    db.sync.set('ключ', v);
    expect(db.sync.get('ключ')).toBe(v);
    expect(db.sync.strlen('ключ')).toBe(new TextEncoder().encode(v).length);
    expect(db.callBufferSync('GET', 'ключ')).toEqual(new TextEncoder().encode(v));
  });

  it('refuses arguments that are not strings, numbers or bytes', () => {
    const db = open();
    expect(() => db.callSync('SET', 'k', null as any)).toThrow(TypeError);
    expect(() => db.callSync()).toThrow(VermilionError);
  });

  it('keeps working when a large value grows the engine memory', () => {
    const db = open();
    const big = 'x'.repeat(8 << 20);
    db.sync.set('big', big);
    expect(db.sync.strlen('big')).toBe(big.length);
    expect((db.sync.get('big') as string).length).toBe(big.length);
    db.sync.set('small', 'v');
    expect(db.sync.get('small')).toBe('v');
  });
});

describe('calls', () => {
  it('answers through methods, call, callSync and the sync methods alike', async () => {
    const db = open();
    expect(await db.set('k', 'v', 'EX', 100)).toBe('OK');
    expect(await db.call('get', 'k')).toBe('v');
    expect(db.callSync('TTL', 'k')).toBe(100);
    expect(db.sync.incr('n')).toBe(1);
    expect(await db.incrby('n', 41)).toBe(42);
    expect(db.sync.mget('k', 'n', 'none')).toEqual(['v', '42', null]);
  });

  it('throws error replies as ReplyError with the command', async () => {
    const db = open();
    db.sync.set('s', 'abc');
    const err = await db.incr('s').catch((e) => e);
    expect(err).toBeInstanceOf(ReplyError);
    expect(err.message).toBe('ERR value is not an integer or out of range');
    expect(err.command).toEqual({ name: 'incr', args: ['s'] });
    // @ts-expect-error: deliberately no such method: an unknown name is undefined, no catch-all.
    expect(db.sync.nosuch).toBeUndefined();
    expect(() => db.callSync('NOSUCH')).toThrow("ERR unknown command 'NOSUCH', with args beginning with: ");
  });

  it('returns bulk strings as bytes with buffers: true or callBuffer', async () => {
    const db = open({ buffers: true });
    db.sync.set('k', 'v');
    expect(db.sync.get('k')).toEqual(bytes('v'));
    expect(await db.callBuffer('GET', 'k')).toEqual(bytes('v'));
    expect(db.sync.set('k2', 'x')).toBe('OK');
  });

  it('speaks RESP3 with protocol: 3 (maps, nulls, doubles)', () => {
    const db = open({ protocol: 3 });
    expect(db.sync.config('GET', 'maxmemory')).toEqual(new Map([['maxmemory', '0']]));
    expect(db.sync.get('none')).toBe(null);
    const hello = db.sync.hello() as Map<string, unknown>;
    expect(hello.get('proto')).toBe(3);
  });

  it('runs host commands (CONFIG, CLIENT, INFO, COMMAND) as the server does', () => {
    const db = open();
    expect(db.sync.config('SET', 'maxmemory', '10mb')).toBe('OK');
    expect(db.sync.config('GET', 'maxmemory')).toEqual(['maxmemory', '10485760']);
    expect(db.sync.client('SETNAME', 'api')).toBe('OK');
    expect(db.sync.client('GETNAME')).toBe('api');
    expect(db.sync.client('LIST')).toMatch(/^id=\d+ addr=embedded:0 .* name=api /);
    expect(db.sync.info('server')).toMatch(/redis_version:7\.0\.15/);
    expect(db.sync.command('COUNT')).toBeGreaterThan(100);
    expect(db.sync.time()).toHaveLength(2);
  });
});

describe('handles and databases', () => {
  it('keeps per-handle state: SELECT, the db option, database(n)', async () => {
    const db = open({ db: 2 });
    db.sync.set('k', 'in2');
    const d0 = db.database(0);
    expect(d0.sync.get('k')).toBe(null);
    d0.sync.select(2);
    expect(d0.sync.get('k')).toBe('in2');
    const d5 = db.database(5);
    await d5.set('k', 'in5');
    expect(db.sync.get('k')).toBe('in2');
    expect(db.sync.info('keyspace')).toContain('db5:keys=1');
    await d5.close();
    expect(() => d5.sync.get('k')).toThrow(VermilionError);
    expect(db.sync.get('k')).toBe('in2');
  });

  it('closes every handle with the store', async () => {
    const db = Vermilion.openSync({ debug: true });
    const other = db.duplicate();
    await db.close();
    expect(db.isOpen).toBe(false);
    const err = (() => { try { other.sync.ping(); } catch (e) { return e; } })() as VermilionError;
    expect(err.code).toBe('ECLOSED');
    await expect(db.get('k')).rejects.toMatchObject({ code: 'ECLOSED' });
  });

  it('closes the store on SHUTDOWN', async () => {
    const db = Vermilion.openSync({ debug: true });
    db.sync.shutdown('NOSAVE');
    await new Promise((r) => setTimeout(r, 10));
    expect(db.isOpen).toBe(false);
  });
});

describe('pipelines', () => {
  it('returns [error, reply] per command, sync or async', async () => {
    const db = open();
    const p = db.pipeline().set('a', 1).incr('a').call('INCR', 'a', 'extra').get('a');
    expect(p.length).toBe(4);
    const res = await p.exec();
    expect(res.map(([e, v]) => (e ? e.message : v))).toEqual(['OK', 2, "ERR wrong number of arguments for 'incr' command", '2']);
    expect(db.pipeline([['PING'], ['CONFIG', 'GET', 'hz']]).execSync()).toEqual([[null, 'PONG'], [null, ['hz', '10']]]);
    expect(await db.pipeline().exec()).toEqual([]);
  });
});

describe('transactions (multi)', () => {
  it('runs the queued commands between MULTI and EXEC, as ioredis shapes it', async () => {
    const db = open();
    const res = await db.multi().set('a', 1).incr('a').call('INCRBY', 'a', 'x').get('a').exec();
    expect(res.map(([e, v]) => (e ? e.message : v))).toEqual(['OK', 2, 'ERR value is not an integer or out of range', '2']);
    expect(db.multi([['INCR', 'a'], ['INCR', 'a']]).execSync()).toEqual([[null, 3], [null, 4]]);
  });

  it('rejects with EXECABORT when a command is refused while queuing, and gives null when a WATCHed key changed', async () => {
    const db = open();
    const err = await db.multi().set('k', 'v').call('INCR').exec().catch((e) => e);
    expect(err).toBeInstanceOf(ReplyError);
    expect(err.message).toBe('EXECABORT Transaction discarded because of previous errors.');
    expect(err.previousErrors.map((e: ReplyError) => e.message)).toEqual(["ERR wrong number of arguments for 'incr' command"]);
    expect(db.sync.exists('k')).toBe(0);
    const other = db.duplicate();
    db.sync.watch('w');
    other.sync.set('w', 'changed');
    expect(await db.multi().set('w', 'mine').exec()).toBe(null);
    expect(db.sync.get('w')).toBe('changed');
  });
});

describe('leaving the fast path', () => {
  it('CLIENT PAUSE: a sync write gives EWOULDBLOCK, an async one waits for the end of the pause', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const db = open({ clock });
    const other = db.duplicate();
    expect(db.sync.client('PAUSE', 1000, 'WRITE')).toBe('OK');
    expect(other.sync.get('k')).toBe(null);
    expect(() => other.sync.set('k', 'v')).toThrow(expect.objectContaining({ code: 'EWOULDBLOCK' }));
    // The held command still runs when the pause ends; its reply is dropped.
    const third = db.duplicate();
    const pending = third.set('k2', 'v2');
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    expect(await pending).toBe('OK');
    expect(db.sync.mget('k', 'k2')).toEqual(['v', 'v2']);
    expect(other.sync.ping()).toBe('PONG');
  });

  it('EBUSY: no sync call while an async call on the same handle waits', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const db = open({ clock });
    db.sync.client('PAUSE', 1000, 'ALL');
    const other = db.duplicate();
    const p = other.get('x');
    expect(() => other.sync.get('x')).toThrow(expect.objectContaining({ code: 'EBUSY' }));
    const q = other.get('y');
    clock.advance(1000);
    expect(await Promise.all([p, q])).toEqual([null, null]);
  });

  it.skipIf(!engineHas('BLPOP'))('blocking commands: async calls wait, sync calls answer as on timeout', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const db = open({ clock });
    const waiter = db.duplicate();
    expect(waiter.sync.blpop('q', 0)).toBe(null);
    const p = waiter.blpop('q', 0);
    await db.rpush('q', 'a');
    expect(await p).toEqual(['q', 'a']);
    const t = waiter.blpop('q', 5);
    clock.advance(5000);
    expect(await t).toBe(null);
  });

  it('MONITOR on a connection sees API calls; API replies stay with the API', async () => {
    const db = open();
    const mon = db.connection('monitor');
    const lines: string[] = [];
    mon.on('data', (d: Buffer) => lines.push(d.toString()));
    mon.write('MONITOR\r\n');
    await new Promise((r) => setImmediate(r));
    db.sync.set('k', 'v');
    expect(db.sync.get('k')).toBe('v');
    await new Promise((r) => setImmediate(r));
    mon.destroy();
    expect(lines.join('')).toMatch(/^\+OK\r\n\+\d+\.\d+ \[0 embedded:0\] "SET" "k" "v"\r\n\+\d+\.\d+ \[0 embedded:0\] "GET" "k"\r\n$/);
  });
});
