// RDB and DUMP/RESTORE against a real redis-server 7.0: files written here
// pass redis-check-rdb and load in redis-server with the same keys, values,
// types and TTLs; files redis-server writes load here; DUMP payloads are
// byte-identical where the encoding fixes the order, and each side restores
// the other's; RESTORE's options and errors reply as Redis's do.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, startRedis, redisServerPath, RawClient } from '../helpers/server.js';
import { diffPair } from '../helpers/diffpair.js';
import type { RespValue } from '../helpers/resp.js';

const haveRedis = redisServerPath() !== null;
const suite = haveRedis || process.env.CI ? describe : describe.skip;

type Cmd = (string | number | Buffer)[];

/** Every type at small and large encodings, binary keys and values, TTLs. */
function dataset(): Cmd[] {
  const cmds: Cmd[] = [
    ['SET', 'str', 'hello'], ['SET', 'int', '-77'], ['SET', 'int64', '12345678901'],
    ['SET', 'raw', 'x'.repeat(3000)], ['SET', 'lzf', Array.from({ length: 60 }, (_, i) => `abc${i}`).join('')],
    ['SET', Buffer.from([0, 1, 2, 255, 10, 13]), Buffer.from([255, 0, 13, 10])],
    ['SET', 'ttl', 'v', 'PX', 500000], ['SET', 'empty', ''],
    ['RPUSH', 'list', 'a', 'b', 'c', '1', '2', '-3'],
    ['HSET', 'hash', 'f1', 'v1', 'f2', '2'],
    ['SADD', 'intset', '1', '2', '3', '-5', '100000', '9223372036854775807'],
    ['SADD', 'set', 'a', 'b', 'c'],
    ['ZADD', 'zset', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'd', '-inf', 'e'],
    ['HSET', 'hashttl', 'a', '1'], ['PEXPIRE', 'hashttl', 400000],
  ];
  const bl: Cmd = ['RPUSH', 'biglist'];
  for (let i = 0; i < 2000; i++) bl.push(`item-${i}-${'y'.repeat(i % 50)}`);
  const bh: Cmd = ['HSET', 'bighash'];
  for (let i = 0; i < 700; i++) bh.push(`f${i}`, `v${i}`);
  const bs: Cmd = ['SADD', 'bigset'];
  for (let i = 0; i < 700; i++) bs.push(`m${i}`);
  const bi: Cmd = ['SADD', 'bigintset'];
  for (let i = 0; i < 700; i++) bi.push(String(i * 3));
  const bz: Cmd = ['ZADD', 'bigzset'];
  for (let i = 0; i < 300; i++) bz.push(String(i / 7), `m${i}`);
  cmds.push(bl, bh, bs, bi, bz, ['HSET', 'longval', 'f', 'z'.repeat(100)], ['ZADD', 'longmember', '1', 'q'.repeat(100)]);
  cmds.push(['SELECT', '3'], ['SET', 'in-db-3', 'yes'], ['SELECT', '0']);
  return cmds;
}

/** The dataset as each server sees it: every key's type, value (sorted where unordered) and TTL presence. */
async function snapshot(c: RawClient): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const db of [0, 3]) {
    await c.cmd('SELECT', db);
    const keys = (await c.cmd('KEYS', '*')) as string[];
    for (const k of keys) {
      const type = String(await c.cmd('TYPE', k));
      let value: unknown;
      if (type === 'string') value = await c.cmd('GET', k);
      else if (type === 'list') value = await c.cmd('LRANGE', k, 0, -1);
      else if (type === 'hash') value = ((await c.cmd('HGETALL', k)) as string[]).map(String).sort();
      else if (type === 'set') value = ((await c.cmd('SMEMBERS', k)) as string[]).map(String).sort();
      else value = await c.cmd('ZRANGE', k, 0, -1, 'WITHSCORES');
      const ttl = Number(await c.cmd('PTTL', k));
      out[`${db}:${Buffer.from(k, 'latin1').toString('hex')}`] = { type, value: JSON.stringify(value), ttl: ttl > 0 ? 'ttl' : ttl };
    }
  }
  await c.cmd('SELECT', 0);
  return out;
}

/** DUMP's payload as bytes (the reply reader turns bulk strings into text). */
async function dump(c: RawClient, key: string): Promise<Buffer | null> {
  c.send('DUMP', key);
  const raw = await c.readRaw();
  if (raw[0] !== 0x24) throw new Error(`DUMP replied ${raw.toString('latin1')}`);
  const nl = raw.indexOf('\r\n');
  const n = Number(raw.toString('latin1', 1, nl));
  return n < 0 ? null : Buffer.from(raw.subarray(nl + 2, nl + 2 + n));
}

const text = (v: RespValue): string => (v !== null && typeof v === 'object' && 'error' in v ? v.error : String(v));

async function load(c: RawClient, cmds: Cmd[]): Promise<void> {
  for (const cmd of cmds) {
    const r = await c.cmd(...cmd);
    if (r instanceof Error) throw r;
  }
}

suite('RDB files and DUMP/RESTORE vs redis-server', () => {
  const redisDir = mkdtempSync(join(tmpdir(), 'rdb-ref-'));
  const ourDir = mkdtempSync(join(tmpdir(), 'rdb-ours-'));
  const pair = diffPair({ redisArgs: ['--dir', redisDir], config: { dir: ourDir, dbfilename: 'dump.rdb' } });
  let ref: RawClient;
  let ours: RawClient;

  beforeAll(async () => {
    ({ ref, ours } = pair);
    // Small encoding thresholds on neither: the big keys cross Redis's defaults.
    await load(ref, dataset());
    await load(ours, dataset());
    const lib = "#!lua name=lib\nredis.register_function('f', function(k, a) return 'from lib' end)";
    expect(String(await ref.cmd('FUNCTION', 'LOAD', lib))).toBe('lib');
    expect(String(await ours.cmd('FUNCTION', 'LOAD', lib))).toBe('lib');
  }, 60_000);

  it('the same dataset on both sides to begin with', async () => {
    expect(await snapshot(ours)).toEqual(await snapshot(ref));
  });

  it('SAVE writes a file redis-check-rdb accepts and redis-server loads with the same data', async () => {
    expect(String(await ours.cmd('SAVE'))).toBe('OK');
    const file = join(ourDir, 'dump.rdb');
    expect(existsSync(file)).toBe(true);
    // No temp file is left behind.
    expect(readdirSync(ourDir).filter((f) => f.startsWith('temp-'))).toEqual([]);
    const check = execFileSync('redis-check-rdb', [file]).toString();
    expect(check).toContain('RDB looks OK');
    const dir = mkdtempSync(join(tmpdir(), 'rdb-load-'));
    copyFileSync(file, join(dir, 'dump.rdb'));
    const other = await startRedis(['--dir', dir]);
    try {
      const c = await RawClient.connect(other.port);
      expect(await snapshot(c)).toEqual(await snapshot(ref));
      expect(String(await c.cmd('FCALL', 'f', 0))).toBe('from lib');
      c.close();
    } finally {
      other.stop();
    }
  }, 60_000);

  it('a file redis-server wrote loads here with the same data, functions included', async () => {
    expect(String(await ref.cmd('SAVE'))).toBe('OK');
    const dir = mkdtempSync(join(tmpdir(), 'rdb-in-'));
    copyFileSync(join(redisDir, 'dump.rdb'), join(dir, 'dump.rdb'));
    const s = await startServer({ dir, dbfilename: 'dump.rdb' });
    try {
      const res = await s.server.rdb.loadFile(join(dir, 'dump.rdb'));
      expect(res.keys).toBe(Object.keys(await snapshot(ref)).length);
      const c = await RawClient.connect(s.port);
      expect(await snapshot(c)).toEqual(await snapshot(ref));
      expect(String(await c.cmd('FCALL', 'f', 0))).toBe('from lib');
      const info = String(await c.cmd('INFO', 'persistence'));
      expect(info).toContain(`rdb_last_load_keys_loaded:${res.keys}`);
      c.close();
    } finally {
      await s.server.close();
    }
  }, 60_000);

  it('DUMP payloads are byte-identical where the encoding fixes the order, and restore on the other side', async () => {
    const keys = ['str', 'int', 'int64', 'raw', 'lzf', 'list', 'hash', 'intset', 'zset', 'biglist', 'bigzset', 'longval', 'longmember'];
    for (const k of keys) {
      const theirs = (await dump(ref, k))!;
      const mine = (await dump(ours, k))!;
      expect(mine.toString('hex'), k).toBe(theirs.toString('hex'));
    }
    // Hashtable encodings iterate in table order: restore each side's payload on the other.
    for (const k of ['set', 'bighash', 'bigset', 'bigintset', 'hashttl']) {
      const theirs = (await dump(ref, k))!;
      const mine = (await dump(ours, k))!;
      const a = await ours.cmd('RESTORE', `${k}-from-redis`, 0, theirs);
      const b = await ref.cmd('RESTORE', `${k}-from-vermilion`, 0, mine);
      expect([k, text(a), text(b)]).toEqual([k, 'OK', 'OK']);
      const type = String(await ref.cmd('TYPE', k));
      const read = type === 'hash' ? 'HGETALL' : 'SMEMBERS';
      const sorted = async (c: RawClient, key: string) => ((await c.cmd(read, key)) as string[]).map(String).sort();
      expect(await sorted(ours, `${k}-from-redis`)).toEqual(await sorted(ref, k));
      expect(await sorted(ref, `${k}-from-vermilion`)).toEqual(await sorted(ours, k));
    }
    expect(await dump(ours, 'no-such-key')).toBe(null);
  });

  it('RESTORE options and errors reply as Redis does', async () => {
    const payload = (await dump(ref, 'list'))!;
    const bad = Buffer.from(payload);
    bad[bad.length - 1] ^= 0xff;
    const garbage = Buffer.concat([Buffer.from([0, 200]), payload.subarray(payload.length - 10)]);
    const script: Cmd[] = [
      ['RESTORE', 'r1', 0, payload],
      ['RESTORE', 'r1', 0, payload],
      ['RESTORE', 'r1', 0, payload, 'REPLACE'],
      ['RESTORE', 'r2', -1, payload],
      ['RESTORE', 'r2', 'abc', payload],
      ['RESTORE', 'r2', 0, bad],
      ['RESTORE', 'r2', 0, Buffer.from('short')],
      ['RESTORE', 'r2', 0, payload, 'IDLETIME', -1],
      ['RESTORE', 'r2', 0, payload, 'FREQ', 256],
      ['RESTORE', 'r2', 0, payload, 'IDLETIME', 10, 'FREQ', 5],
      ['RESTORE', 'r2', 0, payload, 'BOGUS'],
      ['RESTORE', 'r2', 0, payload, 'IDLETIME'],
      ['RESTORE', 'r3', 100000, payload],
      ['PTTL', 'r3'],
      ['RESTORE', 'r4', 1, payload, 'ABSTTL'],
      ['EXISTS', 'r4'],
      ['RESTORE', 'r1', 1, payload, 'ABSTTL', 'REPLACE'],
      ['EXISTS', 'r1'],
      ['RESTORE', 'r5', 0, payload, 'IDLETIME', 1000],
      ['OBJECT', 'IDLETIME', 'r5'],
      ['RESTORE', 'r6', 0, garbage],
    ];
    for (const cmd of script) {
      const theirs = await ref.cmd(...cmd);
      const mine = await ours.cmd(...cmd);
      const norm = (v: RespValue) => (cmd[0] === 'PTTL' && typeof v === 'number' && v > 90000 ? 'ttl' : v);
      expect(norm(mine), cmd.map(String).join(' ').slice(0, 60)).toEqual(norm(theirs));
    }
  });

  it('a file with a bad checksum or cut short is refused, never loaded', async () => {
    expect(String(await ours.cmd('SAVE'))).toBe('OK');
    const good = readFileSync(join(ourDir, 'dump.rdb'));
    const dir = mkdtempSync(join(tmpdir(), 'rdb-bad-'));
    const s = await startServer({ dir, dbfilename: 'x.rdb' });
    try {
      const flipped = Buffer.from(good);
      flipped[flipped.length - 3] ^= 1;
      writeFileSync(join(dir, 'x.rdb'), flipped);
      await expect(s.server.rdb.loadFile(join(dir, 'x.rdb'))).rejects.toThrow('Wrong RDB checksum');
      // A failed load leaves what it read (the server exits on it at startup): start empty again.
      s.server.engine.x.flushAllDbs();
      writeFileSync(join(dir, 'x.rdb'), good.subarray(0, good.length - 100));
      await expect(s.server.rdb.loadFile(join(dir, 'x.rdb'))).rejects.toThrow(/Short read/);
      s.server.engine.x.flushAllDbs();
      writeFileSync(join(dir, 'x.rdb'), Buffer.from('NOTREDIS0010'));
      await expect(s.server.rdb.loadFile(join(dir, 'x.rdb'))).rejects.toThrow('Wrong signature');
    } finally {
      await s.server.close();
    }
  });

  it('random corruption of a file is an error or a clean load, never a crash', async () => {
    const good = readFileSync(join(ourDir, 'dump.rdb'));
    const dir = mkdtempSync(join(tmpdir(), 'rdb-fuzz-'));
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    for (let round = 0; round < 60; round++) {
      const s = await startServer({ dir, dbfilename: 'f.rdb', rdbchecksum: 'no' });
      try {
        const bytes = Buffer.from(good);
        for (let k = 0; k < 1 + (round % 5); k++) bytes[9 + (rnd() % (bytes.length - 17))] = rnd() & 0xff;
        writeFileSync(join(dir, 'f.rdb'), bytes);
        await s.server.rdb.loadFile(join(dir, 'f.rdb')).catch((err) => {
          expect(err.constructor.name).toBe('RdbError');
        });
        // The engine still serves.
        const c = await RawClient.connect(s.port);
        expect(String(await c.cmd('PING'))).toBe('PONG');
        c.close();
      } finally {
        await s.server.close();
      }
    }
  }, 120_000);

  it('streams with consumer groups: DUMP payloads round-trip byte for byte both ways, files load both ways', async () => {
    // Delivery and seen times come from each server's clock: a payload
    // restored on the other side carries them, so its DUMP there must be
    // the original's bytes exactly.
    const script: Cmd[] = [];
    for (let i = 1; i <= 30; i++) script.push(['XADD', 'sg', `${i}-1`, 'f', String(i), 'g', 'v'.repeat(i % 4)]);
    script.push(['XGROUP', 'CREATE', 'sg', 'g1', '0'], ['XGROUP', 'CREATE', 'sg', 'g2', '10-1', 'ENTRIESREAD', '9'],
      ['XGROUP', 'CREATE', 'sg', 'empty', '$'], ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '12', 'STREAMS', 'sg', '>'],
      ['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '5', 'STREAMS', 'sg', '>'], ['XACK', 'sg', 'g1', '2-1', '7-1'],
      ['XCLAIM', 'sg', 'g1', 'carol', '0', '3-1', '4-1', 'TIME', '1700000000000', 'RETRYCOUNT', '5'],
      ['XREADGROUP', 'GROUP', 'g2', 'x', 'NOACK', 'COUNT', '3', 'STREAMS', 'sg', '>'],
      ['XGROUP', 'CREATECONSUMER', 'sg', 'g2', 'idle'], ['XDEL', 'sg', '5-1'], ['XSETID', 'sg', '40-0'],
      ['XGROUP', 'CREATE', 'sg2', 'g', '$', 'MKSTREAM']);
    for (const c of [ref, ours]) await load(c, script);
    const full = async (c: RawClient, k: string) => JSON.stringify(await c.cmd('XINFO', 'STREAM', k, 'FULL', 'COUNT', '0'));
    for (const k of ['sg', 'sg2']) {
      const theirs = (await dump(ref, k))!;
      const mine = (await dump(ours, k))!;
      expect(text(await ours.cmd('RESTORE', `${k}-from-redis`, 0, theirs))).toBe('OK');
      expect(text(await ref.cmd('RESTORE', `${k}-from-vermilion`, 0, mine))).toBe('OK');
      expect((await dump(ours, `${k}-from-redis`))!.toString('hex'), k).toBe(theirs.toString('hex'));
      expect((await dump(ref, `${k}-from-vermilion`))!.toString('hex'), k).toBe(mine.toString('hex'));
      expect(await full(ours, `${k}-from-redis`)).toBe(await full(ref, k));
      expect(await full(ref, `${k}-from-vermilion`)).toBe(await full(ours, k));
    }
    // A file with them: redis-check-rdb accepts ours, redis-server reads it, and we read Redis's.
    expect(String(await ours.cmd('SAVE'))).toBe('OK');
    const file = join(ourDir, 'dump.rdb');
    expect(execFileSync('redis-check-rdb', [file]).toString()).toContain('RDB looks OK');
    const dir = mkdtempSync(join(tmpdir(), 'rdb-groups-'));
    copyFileSync(file, join(dir, 'dump.rdb'));
    const other = await startRedis(['--dir', dir]);
    try {
      const c = await RawClient.connect(other.port);
      for (const k of ['sg', 'sg2']) expect(await full(c, k)).toBe(await full(ours, k));
      c.close();
    } finally {
      other.stop();
    }
    expect(String(await ref.cmd('SAVE'))).toBe('OK');
    const dir2 = mkdtempSync(join(tmpdir(), 'rdb-groups-in-'));
    copyFileSync(join(redisDir, 'dump.rdb'), join(dir2, 'dump.rdb'));
    const s = await startServer({ dir: dir2, dbfilename: 'dump.rdb' });
    try {
      await s.server.rdb.loadFile(join(dir2, 'dump.rdb'));
      const c = await RawClient.connect(s.port);
      for (const k of ['sg', 'sg2']) expect(await full(c, k)).toBe(await full(ref, k));
      c.close();
    } finally {
      await s.server.close();
    }
  }, 60_000);
});
