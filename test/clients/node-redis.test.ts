// node-redis (`redis` v6) against Vermilion: its default handshake (HELLO 3,
// CLIENT SETINFO), RESP2 (`RESP: 2`), requirepass through HELLO AUTH and
// AUTH, `database` (SELECT), auto-pipelining of same-tick calls and
// execAsPipeline, Buffers through a type mapping, and the string, bitmap and
// key commands through node-redis's methods. VERMILION_CLIENTS_AGAINST=redis
// runs the same file against a real redis-server (see targets.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createClient, RESP_TYPES } from 'redis';
import { startTarget, Target } from './targets.js';
import { engineHas } from '../helpers/implemented.js';

// node-redis's generics describe every module's commands; these tests only
// need the runtime methods.
type Client = any;

let target: Target;
const open: Client[] = [];

async function connect(opts: Record<string, unknown> = {}, port = target.port): Promise<Client> {
  const c: Client = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false }, ...opts });
  c.on('error', () => {});
  open.push(c);
  await c.connect();
  return c;
}

beforeAll(async () => { target = await startTarget(); });
afterAll(async () => {
  for (const c of open) if (c.isOpen) c.destroy();
  await target.stop();
});

describe('node-redis: connecting', () => {
  for (const RESP of [undefined, 3, 2] as const) {
    it(`connects (${RESP === undefined ? 'defaults: HELLO 3' : `RESP: ${RESP}`}) and runs commands`, async () => {
      const c = await connect(RESP === undefined ? {} : { RESP });
      expect(await c.ping()).toBe('PONG');
      expect(await c.echo('hi')).toBe('hi');
      expect(await c.set(`nconn:${RESP}`, 'v')).toBe('OK');
      expect(await c.get(`nconn:${RESP}`)).toBe('v');
      expect(await c.get('nconn:missing')).toBe(null);
      const proto = (await c.sendCommand(['HELLO'])) as any;
      // RESP3 maps become objects (or Maps) in node-redis; RESP2 flat arrays.
      const protoOf = Array.isArray(proto) ? proto[proto.indexOf('proto') + 1] : proto instanceof Map ? proto.get('proto') : proto.proto;
      expect(protoOf).toBe(RESP === 2 ? 2 : 3);
      c.destroy();
    });
  }

  it('the database option selects a db', async () => {
    const a = await connect({ database: 4 });
    const b = await connect();
    await a.set('ndb', 'in-4');
    expect(await b.get('ndb')).toBe(null);
    await b.select(4); // node-redis's select() resolves to nothing
    expect(await b.get('ndb')).toBe('in-4');
    a.destroy();
    b.destroy();
  });

  for (const RESP of [3, 2] as const) {
    it(`Buffers in and out are binary-safe (RESP ${RESP})`, async () => {
      const c = await connect({ RESP });
      const bin = c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      const bytes = Buffer.from([0, 255, 13, 10, 128, 36, 42, 0, 1]);
      const key = Buffer.from([9, 0, 13, 10]);
      expect(await c.set(key, bytes)).toBe('OK');
      expect((await bin.get(key)).equals(bytes)).toBe(true);
      const big = Buffer.alloc(1024 * 1024 + 5);
      for (let i = 0; i < big.length; i++) big[i] = (i * 13) & 0xff;
      await c.set('nbig', big);
      expect((await bin.get('nbig')).equals(big)).toBe(true);
      c.destroy();
    });
  }
});

describe('node-redis: authentication', () => {
  let secured: Target;
  beforeAll(async () => { secured = await startTarget({ requirepass: 'pa55' }); });
  afterAll(async () => { await secured.stop(); });

  for (const RESP of [3, 2] as const) {
    it(`password option (RESP ${RESP}: ${RESP === 3 ? 'HELLO 3 AUTH' : 'AUTH'})`, async () => {
      const c = await connect({ RESP, password: 'pa55' }, secured.port);
      expect(await c.set('nauth', String(RESP))).toBe('OK');
      expect(await c.get('nauth')).toBe(String(RESP));
      c.destroy();
    });

    it(`a wrong password fails the connect with WRONGPASS (RESP ${RESP})`, async () => {
      await expect(connect({ RESP, password: 'bad' }, secured.port)).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
    });
  }

  it('without a password commands get NOAUTH until AUTH', async () => {
    const c = await connect({ RESP: 2 }, secured.port);
    await expect(c.get('nauth')).rejects.toThrow('NOAUTH Authentication required.');
    expect(await c.auth({ password: 'pa55' })).toBe('OK');
    expect(await c.get('nauth')).not.toBe(null);
    c.destroy();
  });
});

describe('node-redis: pipelines', () => {
  it('same-tick calls are auto-pipelined and answered in order', async () => {
    const c = await connect();
    const sets = await Promise.all(Array.from({ length: 400 }, (_, i) => c.set(`nap:${i}`, `v${i}`)));
    expect(sets.every((x: unknown) => x === 'OK')).toBe(true);
    const gets = await Promise.all(Array.from({ length: 400 }, (_, i) => c.get(`nap:${i}`)));
    expect(gets).toEqual(Array.from({ length: 400 }, (_, i) => `v${i}`));
    c.destroy();
  });

  it('execAsPipeline sends a batch without MULTI', async () => {
    const c = await connect({ RESP: 2 });
    const m = c.multi();
    for (let i = 0; i < 200; i++) m.set(`nep:${i}`, String(i));
    for (let i = 0; i < 200; i++) m.get(`nep:${i}`);
    m.echo('done');
    const res = await m.execAsPipeline();
    expect(res.slice(0, 200).every((x: unknown) => x === 'OK')).toBe(true);
    expect(res.slice(200, 400)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(res[400]).toBe('done');
    c.destroy();
  });

  it('an error reply rejects only its own command', async () => {
    const c = await connect();
    const [a, b, d] = await Promise.allSettled([c.echo('x'), c.sendCommand(['NOSUCH', 'arg']), c.echo('y')]);
    expect(a).toEqual({ status: 'fulfilled', value: 'x' });
    expect((b as PromiseRejectedResult).reason.message).toBe("ERR unknown command 'NOSUCH', with args beginning with: 'arg' ");
    expect(d).toEqual({ status: 'fulfilled', value: 'y' });
    c.destroy();
  });
});

// [command word, step, expected]: each expected value was checked against redis-server 7.0.
type Step = [string, (c: Client) => Promise<unknown>, unknown];
const FAR = 4_000_000_000;

const API: Step[] = [
  ['FLUSHALL', (c) => c.flushAll(), 'OK'],
  ['FLUSHDB', (c) => c.flushDb(), 'OK'],
  ['SET', (c) => c.set('s', 'hello', { EX: 1000 }), 'OK'],
  ['SET', (c) => c.set('s', 'x', { condition: 'NX' }), null],
  ['SET', (c) => c.set('s', 'hello', { condition: 'XX', GET: true }), 'hello'],
  ['GET', (c) => c.get('s'), 'hello'],
  ['APPEND', (c) => c.append('s', ' world'), 11],
  ['STRLEN', (c) => c.strLen('s'), 11],
  ['GETRANGE', (c) => c.getRange('s', 0, 4), 'hello'],
  ['SUBSTR', (c) => c.sendCommand(['SUBSTR', 's', '-5', '-1']), 'world'],
  ['SETRANGE', (c) => c.setRange('s', 6, 'WORLD'), 11],
  ['GETSET', (c) => c.getSet('s', 'new'), 'hello WORLD'],
  ['GETDEL', (c) => c.getDel('s'), 'new'],
  ['SETNX', (c) => c.setNX('n', '10'), 1],
  ['INCR', (c) => c.incr('n'), 11],
  ['INCRBY', (c) => c.incrBy('n', 5), 16],
  ['DECR', (c) => c.decr('n'), 15],
  ['DECRBY', (c) => c.decrBy('n', 20), -5],
  ['INCRBYFLOAT', (c) => c.incrByFloat('n', 1.5), '-3.5'],
  ['INCR', (c) => c.incr('n').catch((e: Error) => e.message), 'ERR value is not an integer or out of range'],
  ['MSET', (c) => c.mSet({ m1: 'a', m2: 'b' }), 'OK'],
  ['MGET', (c) => c.mGet(['m1', 'nokey', 'm2']), ['a', null, 'b']],
  ['MSETNX', (c) => c.mSetNX({ m2: 'x', m3: 'y' }), 0],
  ['SETEX', (c) => c.setEx('ex', 1000, 'v'), 'OK'],
  ['TTL', (c) => c.ttl('ex'), 1000],
  ['PSETEX', (c) => c.pSetEx('px', 1_000_000, 'v'), 'OK'],
  ['PTTL', (c) => c.pTTL('px').then((t: number) => t > 990_000 && t <= 1_000_000), true],
  ['GETEX', (c) => c.getEx('m1', { type: 'EXAT', value: FAR }), 'a'],
  ['EXPIRETIME', (c) => c.expireTime('m1'), FAR],
  ['PEXPIRETIME', (c) => c.pExpireTime('m1'), FAR * 1000],
  ['PERSIST', (c) => c.persist('m1'), 1],
  ['TTL', (c) => c.ttl('m1'), -1],
  ['EXPIRE', (c) => c.expire('m1', 500, 'NX'), 1],
  ['EXPIRE', (c) => c.expire('m1', 100, 'GT'), 0],
  ['PEXPIRE', (c) => c.pExpire('m1', 900_000), 1],
  ['EXPIREAT', (c) => c.expireAt('m2', FAR), 1],
  ['PEXPIREAT', (c) => c.pExpireAt('m2', FAR * 1000 + 5), 1],
  ['PEXPIRETIME', (c) => c.pExpireTime('m2'), FAR * 1000 + 5],
  ['SET', (c) => c.set('lcs1', 'ohmytext'), 'OK'],
  ['SET', (c) => c.set('lcs2', 'mynewtext'), 'OK'],
  ['LCS', (c) => c.lcs('lcs1', 'lcs2'), 'mytext'],
  ['LCS', (c) => c.lcsLen('lcs1', 'lcs2'), 6],
  ['SETBIT', (c) => c.setBit('bm', 7, 1), 0],
  ['SETBIT', (c) => c.setBit('bm', 9, 1), 0],
  ['GETBIT', (c) => c.getBit('bm', 7), 1],
  ['BITCOUNT', (c) => c.bitCount('bm'), 2],
  ['BITCOUNT', (c) => c.bitCount('bm', { start: 0, end: 7, mode: 'BIT' }), 1],
  ['BITPOS', (c) => c.bitPos('bm', 1), 7],
  ['BITPOS', (c) => c.bitPos('bm', 1, 1), 9],
  ['BITOP', (c) => c.bitOp('NOT', 'bmnot', 'bm'), 2],
  ['BITFIELD', (c) => c.bitField('bf', [
    { operation: 'SET', encoding: 'u8', offset: 0, value: 200 },
    { operation: 'INCRBY', encoding: 'u8', offset: 0, increment: 100 },
    { operation: 'OVERFLOW', behavior: 'SAT' },
    { operation: 'INCRBY', encoding: 'u8', offset: 0, increment: 100 },
  ]), [0, 44, 144]],
  ['BITFIELD_RO', (c) => c.bitFieldRo('bf', [{ encoding: 'u8', offset: 0 }, { encoding: 'i4', offset: 0 }]), [144, -7]],
  ['EXISTS', (c) => c.exists(['bm', 'nokey', 'bf']), 2],
  ['TYPE', (c) => c.type('bm'), 'string'],
  ['TYPE', (c) => c.type('nokey'), 'none'],
  ['OBJECT', (c) => c.objectEncoding('n'), 'embstr'],
  ['OBJECT', (c) => c.set('int', '12345').then(() => c.objectEncoding('int')), 'int'],
  ['COPY', (c) => c.copy('int', 'int2'), 1],
  ['COPY', (c) => c.copy('int', 'int2', { DB: 1, REPLACE: true }), 1],
  ['RENAME', (c) => c.rename('int2', 'int3'), 'OK'],
  ['RENAMENX', (c) => c.renameNX('int3', 'int'), 0],
  ['MOVE', (c) => c.move('int3', 2), 1],
  ['TOUCH', (c) => c.touch(['int', 'int3', 'bm']), 2],
  ['KEYS', (c) => c.keys('int*'), ['int']],
  ['SCAN', (c) => c.scan('0', { MATCH: 'm*', COUNT: 1000 }).then((r: any) => [r.cursor, [...r.keys].sort()]), ['0', ['m1', 'm2']]],
  ['RANDOMKEY', (c) => c.randomKey().then((k: unknown) => typeof k), 'string'],
  ['DEL', (c) => c.del(['m1', 'm2', 'nokey']), 2],
  ['UNLINK', (c) => c.unlink(['m3', 'int']), 1],
  ['SWAPDB', (c) => c.swapDb(6, 2), 'OK'],
  ['GET', (c) => c.get('int3'), '12345'],
  ['SWAPDB', (c) => c.swapDb(6, 2), 'OK'],
  ['DBSIZE', (c) => c.dbSize(), 8],
  ['FLUSHALL', (c) => c.flushAll(), 'OK'],
  ['DBSIZE', (c) => c.dbSize(), 0],
];

describe('node-redis: commands through the API', () => {
  for (const RESP of [3, 2] as const) {
    it(`string, bitmap and key commands (RESP ${RESP})`, async () => {
      const c = await connect({ RESP, database: 6 });
      for (const [i, [name, run, want]] of API.entries()) {
        if (!engineHas(name)) continue;
        expect(await run(c), `step ${i}: ${name}`).toEqual(want);
      }
      c.destroy();
    });
  }
});
