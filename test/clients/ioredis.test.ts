// ioredis 6 against Vermilion: the handshake it sends by default (HELLO 3,
// CLIENT SETINFO, the INFO ready check), RESP2 (`protocol: 2`), requirepass
// through HELLO AUTH and through AUTH, SELECT via `db`, pipelines and
// auto-pipelining, Buffers, and the string, bitmap and key commands through
// ioredis's own methods. VERMILION_CLIENTS_AGAINST=redis runs the same file
// against a real redis-server (see targets.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { startTarget, Target } from './targets.js';
import { engineHas } from '../helpers/implemented.js';

let target: Target;
let readyCheck = true;
const open: Redis[] = [];

function client(opts: Record<string, unknown> = {}): Redis {
  const r = new Redis({
    port: target.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0,
    retryStrategy: () => null, enableReadyCheck: readyCheck, ...opts,
  });
  r.on('error', () => {});
  open.push(r);
  return r;
}

beforeAll(async () => {
  target = await startTarget();
  // Restricted runs only: without INFO the ready check cannot pass.
  readyCheck = await target.has(['INFO', 'server']);
});
afterAll(async () => {
  for (const r of open) r.disconnect();
  await target.stop();
});

describe('ioredis: connecting', () => {
  for (const protocol of [undefined, 3, 2] as const) {
    it(`connects (${protocol === undefined ? 'defaults: HELLO 3' : `protocol: ${protocol}`}) and runs commands`, async () => {
      const r = client(protocol === undefined ? {} : { protocol });
      await r.connect();
      expect(await r.ping()).toBe('PONG');
      expect(await r.echo('hi')).toBe('hi');
      expect(await r.set(`conn:${protocol}`, 'v')).toBe('OK');
      expect(await r.get(`conn:${protocol}`)).toBe('v');
      expect(await r.get('conn:missing')).toBe(null);
      if (protocol !== 2) {
        const hello = await r.call('HELLO', '3') as unknown[];
        expect(hello.slice(0, 6)).toEqual(['server', 'redis', 'version', expect.any(String), 'proto', 3]);
      }
      r.disconnect();
    });
  }

  it('SELECT through the db option keeps databases apart', async () => {
    const a = client({ db: 3 });
    const b = client();
    await Promise.all([a.connect(), b.connect()]);
    await a.set('dbkey', 'in-3');
    expect(await a.get('dbkey')).toBe('in-3');
    expect(await b.get('dbkey')).toBe(null);
    await b.select(3);
    expect(await b.get('dbkey')).toBe('in-3');
    expect(await b.dbsize()).toBeGreaterThanOrEqual(1);
    a.disconnect();
    b.disconnect();
  });

  it('Buffers in and out are binary-safe', async () => {
    const r = client();
    await r.connect();
    const bytes = Buffer.from([0, 255, 13, 10, 128, 36, 42, 0, 1]);
    expect(await r.set(Buffer.from([1, 2, 0, 3]), bytes)).toBe('OK');
    expect((await r.getBuffer(Buffer.from([1, 2, 0, 3])))!.equals(bytes)).toBe(true);
    const big = Buffer.alloc(2 * 1024 * 1024 + 3);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    await r.set('bigbin', big);
    expect((await r.getBuffer('bigbin'))!.equals(big)).toBe(true);
    r.disconnect();
  });
});

describe('ioredis: authentication', () => {
  let secured: Target;
  beforeAll(async () => { secured = await startTarget({ requirepass: 's3cret' }); });
  afterAll(async () => { await secured.stop(); });

  const at = (opts: Record<string, unknown>) => {
    const r = new Redis({ port: secured.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: readyCheck, ...opts });
    r.on('error', () => {});
    open.push(r);
    return r;
  };

  it('HELLO 3 AUTH default <password> (the default handshake)', async () => {
    const r = at({ password: 's3cret' });
    await r.connect();
    expect(await r.set('authed', '1')).toBe('OK');
    expect(await r.get('authed')).toBe('1');
    r.disconnect();
  });

  it('AUTH <password> with protocol: 2', async () => {
    const r = at({ password: 's3cret', protocol: 2 });
    await r.connect();
    expect(await r.get('authed')).toBe('1');
    r.disconnect();
  });

  it('a wrong password is refused with WRONGPASS', async () => {
    for (const protocol of [2, 3]) {
      const r = at({ password: 'nope', protocol });
      const errors: Error[] = [];
      r.on('error', (e) => errors.push(e));
      await r.connect().catch((e) => errors.push(e));
      expect(errors.map((e) => e.message), `protocol ${protocol}`).toContain('WRONGPASS invalid username-password pair or user is disabled.');
      r.disconnect();
    }
  });

  it('no password: commands get NOAUTH', async () => {
    const r = at({ protocol: 2, enableReadyCheck: false });
    await r.connect();
    await expect(r.get('authed')).rejects.toThrow('NOAUTH Authentication required.');
    expect(await r.auth('s3cret')).toBe('OK');
    expect(await r.get('authed')).toBe('1');
    r.disconnect();
  });
});

describe('ioredis: pipelines', () => {
  it('an explicit pipeline returns every reply in order, errors in place', async () => {
    const r = client();
    await r.connect();
    const p = r.pipeline();
    for (let i = 0; i < 500; i++) p.set(`pl:${i}`, String(i));
    for (let i = 0; i < 500; i++) p.get(`pl:${i}`);
    p.call('NOSUCHCMD');
    p.echo('after');
    const res = (await p.exec())!;
    expect(res.slice(0, 500).every(([err, v]) => err === null && v === 'OK')).toBe(true);
    expect(res.slice(500, 1000).map(([, v]) => v)).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
    expect(res[1000][0]?.message).toMatch(/^ERR unknown command 'NOSUCHCMD'/);
    expect(res[1001]).toEqual([null, 'after']);
    r.disconnect();
  });

  it('auto-pipelining batches concurrent calls', async () => {
    const r = client({ enableAutoPipelining: true });
    await r.connect();
    const sets = await Promise.all(Array.from({ length: 300 }, (_, i) => r.set(`ap:${i}`, `v${i}`)));
    expect(sets.every((x) => x === 'OK')).toBe(true);
    const gets = await Promise.all(Array.from({ length: 300 }, (_, i) => r.get(`ap:${i}`)));
    expect(gets).toEqual(Array.from({ length: 300 }, (_, i) => `v${i}`));
    expect(r.autoPipelineQueueSize).toBe(0);
    r.disconnect();
  });
});

// [command word, steps]: each step's expected value was checked against redis-server 7.0.
type Step = [string, (r: Redis) => Promise<unknown>, unknown];
const FAR = 4_000_000_000; // unix seconds, far in the future

const API: Step[] = [
  ['FLUSHALL', (r) => r.flushall(), 'OK'],
  ['FLUSHDB', (r) => r.flushdb('SYNC'), 'OK'],
  ['SET', (r) => r.set('s', 'hello', 'EX', 1000), 'OK'],
  ['SET', (r) => r.set('s', 'x', 'NX'), null],
  ['GET', (r) => r.get('s'), 'hello'],
  ['APPEND', (r) => r.append('s', ' world'), 11],
  ['STRLEN', (r) => r.strlen('s'), 11],
  ['GETRANGE', (r) => r.getrange('s', 0, 4), 'hello'],
  ['SUBSTR', (r) => r.call('SUBSTR', 's', -5, -1), 'world'],
  ['SETRANGE', (r) => r.setrange('s', 6, 'WORLD'), 11],
  ['GETSET', (r) => r.getset('s', 'new'), 'hello WORLD'],
  ['GETDEL', (r) => r.getdel('s'), 'new'],
  ['SETNX', (r) => r.setnx('n', '10'), 1],
  ['INCR', (r) => r.incr('n'), 11],
  ['INCRBY', (r) => r.incrby('n', 5), 16],
  ['DECR', (r) => r.decr('n'), 15],
  ['DECRBY', (r) => r.decrby('n', 20), -5],
  ['INCRBYFLOAT', (r) => r.incrbyfloat('n', '1.5'), '-3.5'],
  ['INCR', (r) => r.incr('n').catch((e) => e.message), 'ERR value is not an integer or out of range'],
  ['MSET', (r) => r.mset('m1', 'a', 'm2', 'b'), 'OK'],
  ['MGET', (r) => r.mget('m1', 'nokey', 'm2'), ['a', null, 'b']],
  ['MSETNX', (r) => r.msetnx('m2', 'x', 'm3', 'y'), 0],
  ['SETEX', (r) => r.setex('ex', 1000, 'v'), 'OK'],
  ['TTL', (r) => r.ttl('ex'), 1000],
  ['PSETEX', (r) => r.psetex('px', 1_000_000, 'v'), 'OK'],
  ['PTTL', (r) => r.pttl('px').then((t) => t > 990_000 && t <= 1_000_000), true],
  ['GETEX', (r) => r.getex('m1', 'EXAT', FAR), 'a'],
  ['EXPIRETIME', (r) => r.expiretime('m1'), FAR],
  ['PEXPIRETIME', (r) => r.pexpiretime('m1'), FAR * 1000],
  ['PERSIST', (r) => r.persist('m1'), 1],
  ['TTL', (r) => r.ttl('m1'), -1],
  ['EXPIRE', (r) => r.expire('m1', 500, 'NX'), 1],
  ['EXPIRE', (r) => r.expire('m1', 100, 'GT'), 0],
  ['PEXPIRE', (r) => r.pexpire('m1', 900_000), 1],
  ['EXPIREAT', (r) => r.expireat('m2', FAR), 1],
  ['PEXPIREAT', (r) => r.pexpireat('m2', FAR * 1000 + 5), 1],
  ['PEXPIRETIME', (r) => r.pexpiretime('m2'), FAR * 1000 + 5],
  ['SET', (r) => r.set('lcs1', 'ohmytext'), 'OK'],
  ['SET', (r) => r.set('lcs2', 'mynewtext'), 'OK'],
  ['LCS', (r) => r.lcs('lcs1', 'lcs2'), 'mytext'],
  ['LCS', (r) => r.lcs('lcs1', 'lcs2', 'LEN'), 6],
  ['SETBIT', (r) => r.setbit('bm', 7, 1), 0],
  ['SETBIT', (r) => r.setbit('bm', 9, 1), 0],
  ['GETBIT', (r) => r.getbit('bm', 7), 1],
  ['BITCOUNT', (r) => r.bitcount('bm'), 2],
  ['BITCOUNT', (r) => r.bitcount('bm', 0, 7, 'BIT'), 1],
  ['BITPOS', (r) => r.bitpos('bm', 1), 7],
  ['BITPOS', (r) => r.bitpos('bm', 1, 1), 9],
  ['BITOP', (r) => r.bitop('NOT', 'bmnot', 'bm'), 2],
  ['GET', (r) => r.getBuffer('bmnot').then((b) => b!.toString('hex')), 'febf'],
  // ioredis's typings give bitfield() one subcommand per call; call() sends the same command with three.
  ['BITFIELD', (r) => r.call('BITFIELD', 'bf', 'SET', 'u8', 0, 200, 'INCRBY', 'u8', 0, 100, 'OVERFLOW', 'SAT', 'INCRBY', 'u8', 0, 100), [0, 44, 144]],
  ['BITFIELD_RO', (r) => r.bitfield_ro('bf', 'GET', 'u8', 0, 'GET', 'i4', 0), [144, -7]],
  ['EXISTS', (r) => r.exists('bm', 'nokey', 'bf'), 2],
  ['TYPE', (r) => r.type('bm'), 'string'],
  ['TYPE', (r) => r.type('nokey'), 'none'],
  ['OBJECT', (r) => r.object('ENCODING', 'n'), 'embstr'],
  ['OBJECT', (r) => r.set('int', '12345').then(() => r.object('ENCODING', 'int')), 'int'],
  ['COPY', (r) => r.copy('int', 'int2'), 1],
  ['COPY', (r) => r.copy('int', 'int2', 'DB', 1, 'REPLACE'), 1],
  ['RENAME', (r) => r.rename('int2', 'int3'), 'OK'],
  ['RENAMENX', (r) => r.renamenx('int3', 'int'), 0],
  ['MOVE', (r) => r.move('int3', 2), 1],
  ['TOUCH', (r) => r.touch('int', 'int3', 'bm'), 2],
  ['KEYS', (r) => r.keys('int*'), ['int']],
  ['SCAN', (r) => r.scan(0, 'MATCH', 'm*', 'COUNT', 1000).then(([c, ks]) => [c, ks.sort()]), ['0', ['m1', 'm2']]],
  ['RANDOMKEY', (r) => r.randomkey().then((k) => typeof k), 'string'],
  ['DEL', (r) => r.del('m1', 'm2', 'nokey'), 2],
  ['UNLINK', (r) => r.unlink('m3', 'int'), 1],
  ['SWAPDB', (r) => r.swapdb(5, 2), 'OK'],
  ['GET', (r) => r.get('int3'), '12345'],
  ['SWAPDB', (r) => r.swapdb(5, 2), 'OK'],
  ['DBSIZE', (r) => r.dbsize(), 8],
  ['FLUSHALL', (r) => r.flushall(), 'OK'],
  ['DBSIZE', (r) => r.dbsize(), 0],
];

describe('ioredis: commands through the API', () => {
  for (const protocol of [3, 2] as const) {
    it(`string, bitmap and key commands (protocol ${protocol})`, async () => {
      const r = client({ protocol, db: 5 });
      await r.connect();
      for (const [i, [name, run, want]] of API.entries()) {
        if (!engineHas(name)) continue;
        expect(await run(r), `step ${i}: ${name}`).toEqual(want);
      }
      r.disconnect();
    });
  }
});
