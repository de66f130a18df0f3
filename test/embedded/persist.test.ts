// Persistence of the embedded store: loading at open, save(), save points
// on the cron, the last save at close, the file store's atomic write. The
// default codec is RDB; the plumbing tests also run with a codec of their
// own (test/shared/test-codec.ts: a fixture, not a format the product
// writes) to show the codec is the only thing that decides the bytes.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vermilion, ManualClock, VermilionError } from '../../src/index.js';
import { TEST_CODEC } from '../shared/test-codec.js';

const T0 = 1_700_000_000_000;
const opened: Vermilion[] = [];
async function open(opts: Parameters<typeof Vermilion.open>[0]): Promise<Vermilion> {
  const db = await Vermilion.open({ debug: true, ...opts });
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});
const tmp = () => mkdtempSync(join(tmpdir(), 'vermilion-embed-'));
const redisCheckRdb = (): boolean => {
  try { execFileSync('which', ['redis-check-rdb']); return true; } catch { return !!process.env.CI; }
};

describe('the default codec: RDB', () => {
  it('save() writes an RDB file that redis-check-rdb accepts; open loads it', async () => {
    const dir = tmp();
    const db = await open({ dir });
    db.sync.set('a', '1');
    db.sync.rpush('l', 'x', 'y');
    db.sync.hset('h', 'f', 'v');
    db.sync.zadd('z', 1.5, 'm');
    db.sync.sadd('s', '7');
    db.sync.set('ttl', 'v', 'PXAT', 4102444800000);
    const bytes = await db.save();
    expect(Buffer.from(bytes.subarray(0, 9)).toString()).toBe('REDIS0010');
    await db.close();
    if (redisCheckRdb()) expect(execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')]).toString()).toContain('RDB looks OK');
    const again = await open({ dir });
    expect(again.sync.get('a')).toBe('1');
    expect(again.sync.lrange('l', 0, -1)).toEqual(['x', 'y']);
    expect(again.sync.hgetall('h')).toEqual(['f', 'v']);
    expect(again.sync.zscore('z', 'm')).toBe('1.5');
    expect(again.sync.smembers('s')).toEqual(['7']);
    expect(again.sync.pexpiretime('ttl')).toBe(4102444800000);
    const copy = await open({ rdb: bytes });
    expect(copy.sync.dbsize()).toBe(6);
  });

  it('refuses bytes that are not RDB with a clear error', async () => {
    const err = await Vermilion.open({ debug: true, rdb: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) }).catch((e) => e);
    expect(err).toBeInstanceOf(VermilionError);
    expect(err.message).toContain('Wrong signature');
  });

  it('save() with nowhere configured returns the RDB bytes, which open({ rdb }) loads', async () => {
    const db = await open({});
    db.sync.set('k', 'v');
    const bytes = await db.save();
    // The same file but for the ctime aux field.
    expect(bytes.length).toBe((await db.snapshot()).length);
    const copy = await open({ rdb: bytes });
    expect(copy.sync.get('k')).toBe('v');
  });
});

describe('with a codec', () => {
  it('save() writes dir/dbfilename atomically; open loads it', async () => {
    const dir = tmp();
    const db = await open({ dir, snapshot: TEST_CODEC });
    expect(db.sync.config('GET', 'dir')).toEqual(['dir', dir]);
    db.sync.set('a', '1');
    db.sync.set('b', '2', 'PXAT', 4102444800000);
    const bytes = await db.save();
    expect(readdirSync(dir)).toEqual(['dump.rdb']);
    expect(new Uint8Array(readFileSync(join(dir, 'dump.rdb')))).toEqual(bytes);
    await db.close();

    const again = await open({ dir, snapshot: TEST_CODEC });
    expect(again.sync.mget('a', 'b')).toEqual(['1', '2']);
    expect(again.sync.pexpiretime('b')).toBe(4102444800000);
    expect(again.sync.dbsize()).toBe(2);
  });

  it('honours dbfilename and loads bytes given as `rdb`', async () => {
    const dir = tmp();
    const db = await open({ dir, snapshot: TEST_CODEC, config: { dbfilename: 'other.rdb' } });
    db.sync.set('x', 'y');
    const bytes = await db.snapshot();
    await db.save();
    expect(existsSync(join(dir, 'other.rdb'))).toBe(true);
    const copy = await open({ rdb: bytes, snapshot: TEST_CODEC });
    expect(copy.sync.get('x')).toBe('y');
  });

  it('saves on the save points as the cron sees them, and at close when changed', async () => {
    const dir = tmp();
    const clock = new ManualClock(T0);
    const saved: number[] = [];
    const store = {
      where: 'memory',
      data: null as Uint8Array | null,
      async read() { return this.data; },
      async write(b: Uint8Array) { this.data = b; saved.push(clock.now() - T0); },
    };
    const db = await open({ clock, store, snapshot: TEST_CODEC, config: { save: '10 2 60 1', dir } });
    db.sync.set('a', '1');
    clock.advance(9000);
    await new Promise((r) => setImmediate(r));
    expect(saved).toEqual([]);
    db.sync.set('b', '1');
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    expect(saved).toEqual([10000]);
    db.sync.set('c', '1');
    clock.advance(59000);
    await new Promise((r) => setImmediate(r));
    expect(saved).toEqual([10000]);
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    expect(saved).toEqual([10000, 70000]);
    await db.close();
    expect(saved).toHaveLength(2);

    const again = await open({ clock, store, snapshot: TEST_CODEC });
    again.sync.set('d', '1');
    await again.close();
    expect(saved).toHaveLength(3);
    expect(JSON.parse(new TextDecoder().decode(store.data!)).map((r: string[]) => r[0])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses IndexedDB where there is none (Node)', async () => {
    const err = await Vermilion.open({ debug: true, persist: 'indexeddb', snapshot: TEST_CODEC }).catch((e) => e);
    expect(err.code).toBe('ENOTSUP');
  });
});
