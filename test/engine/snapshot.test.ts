// Background snapshots (assembly/persist/snapshot.ts) through the engine:
// a snapshot begun, stepped in small slices while commands of every kind
// change the keyspace in between, must load back as the keyspace was at
// its begin — the same as a synchronous SAVE taken at that instant.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { Prng } from '../helpers/prng.js';
import type { RespValue } from '../helpers/resp.js';

const RDB_COMPRESS = 1;
const RDB_CHECKSUM = 2;
const LOAD_CHECKSUM = 1;
const LOAD_KEEP_EXPIRED = 2;
const POLICY_ALLKEYS_RANDOM = 5;

function drain(t: TestEngine, into: Buffer[]): void {
  const x = t.engine.x;
  const p = x.rdbOutPtr() >>> 0;
  const n = x.rdbOutLen() >>> 0;
  if (n > 0) into.push(Buffer.from(t.engine.bytes().subarray(p, p + n)));
  x.rdbOutTaken();
}

/** SAVE's serializer, run to completion now. */
function syncSave(t: TestEngine): Buffer {
  const x = t.engine.x;
  const chunks: Buffer[] = [];
  x.rdbSaveBegin(Math.floor(t.now / 1000), 0, RDB_COMPRESS | RDB_CHECKSUM);
  for (;;) {
    const more = x.rdbSaveStep(1 << 20);
    drain(t, chunks);
    if (!more) break;
  }
  x.rdbOutRelease();
  return Buffer.concat(chunks);
}

/**
 * A background snapshot in steps of `limit` bytes, calling `between` after
 * each step (the host's slices let clients in there). Returns the file, or
 * 'killed' when a step reports FLUSHALL stopped it.
 */
function bgSnapshot(t: TestEngine, limit: number, between: (step: number) => void): Buffer | 'killed' {
  const x = t.engine.x;
  const chunks: Buffer[] = [];
  x.snapshotBegin(Math.floor(t.now / 1000), 0, RDB_COMPRESS | RDB_CHECKSUM);
  for (let step = 0; ; step++) {
    const st = x.snapshotStep(limit);
    if (st < 0) { x.rdbOutRelease(); return 'killed'; }
    drain(t, chunks);
    if (st === 0) break;
    between(step);
  }
  x.rdbOutRelease();
  return Buffer.concat(chunks);
}

/** A fresh engine holding `file` (expired keys kept: the image as it was). */
function load(file: Buffer, now: number): TestEngine {
  const t = new TestEngine();
  t.now = now;
  const x = t.engine.x;
  x.rdbLoadBegin(now, LOAD_CHECKSUM | LOAD_KEEP_EXPIRED);
  const p = x.rdbAlloc(file.length) >>> 0;
  t.engine.bytes().set(file, p);
  const used = x.rdbLoadFeed(p, file.length, 1);
  if (used < 0) {
    const ep = x.rdbErrorPtr() >>> 0;
    throw new Error(`load failed: ${t.engine.bytes().toString('latin1', ep, ep + (x.rdbErrorLen() >>> 0))}`);
  }
  expect(used).toBe(file.length);
  expect(x.rdbLoadDone()).toBeTruthy();
  x.rdbFree(p);
  return t;
}

const sortPairs = (flat: RespValue[]): string[] => {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push(JSON.stringify([flat[i], flat[i + 1]]));
  return out.sort();
};

/** Every key of every database with its type, value and expiry time, comparable with toEqual. */
function canon(t: TestEngine): Record<string, string> {
  const out: Record<string, string> = {};
  for (let db = 0; db < 16; db++) {
    t.cmd('SELECT', db);
    const keys = (t.cmd('KEYS', '*') as string[]).sort();
    for (const k of keys) {
      const type = t.cmd('TYPE', k) as string;
      let v: unknown;
      if (type === 'string') v = t.cmd('GET', k);
      else if (type === 'list') v = t.cmd('LRANGE', k, 0, -1);
      else if (type === 'hash') v = sortPairs(t.cmd('HGETALL', k) as RespValue[]);
      else if (type === 'set') v = (t.cmd('SMEMBERS', k) as string[]).sort();
      else if (type === 'zset') v = t.cmd('ZRANGE', k, 0, -1, 'WITHSCORES');
      else if (type === 'stream') v = t.cmd('XRANGE', k, '-', '+');
      out[`${db}/${k}`] = JSON.stringify([type, v, t.cmd('PEXPIRETIME', k)]);
    }
  }
  t.cmd('SELECT', 0);
  return out;
}

/** Keys of every type at both encodings, some with TTLs, in databases 0, 1, 3 and 9. */
function populate(t: TestEngine, perDb: number): void {
  for (const db of [0, 1, 3, 9]) {
    t.cmd('SELECT', db);
    for (let i = 0; i < perDb; i++) {
      const k = `k${i}`;
      switch (i % 8) {
        case 0: t.cmd('SET', k, `v${i}`); break;
        case 1: t.cmd('SET', k, i * 1000); break;
        case 2: t.cmd('SET', k, 'x'.repeat(60 + (i % 50))); break;
        case 3: t.cmd('RPUSH', k, 'a', 'b', i, ...(i % 3 === 0 ? Array.from({ length: 200 }, (_, j) => `e${j}`) : [])); break;
        case 4: t.cmd('HSET', k, 'f', 'v', 'g', i, ...(i % 3 === 0 ? Array.from({ length: 300 }, (_, j) => `f${j}`) : [])); break;
        case 5: t.cmd('SADD', k, ...(i % 3 === 0 ? Array.from({ length: 600 }, (_, j) => j) : i % 3 === 1 ? [1, 2, i] : ['m', 'n', `s${i}`])); break;
        case 6: t.cmd('ZADD', k, 1, 'a', 2.5, 'b', ...(i % 3 === 0 ? Array.from({ length: 300 }, (_, j) => [j, `z${j}`]).flat() : [])); break;
        case 7: t.cmd('XADD', k, `${i + 1}-1`, 'f', 'v'); t.cmd('XADD', k, `${i + 1}-2`, 'g', i); break;
      }
      if (i % 5 === 0) t.cmd('PEXPIRE', k, 100_000 + i);
      if (i % 97 === 0) t.cmd('PEXPIRE', k, 50 + (i % 7)); // gone soon: expiry while the snapshot runs
    }
  }
  t.cmd('SELECT', 0);
}

/** A random command of one of the kinds that change, move or delete keys. */
function mutate(t: TestEngine, rnd: Prng, perDb: number, dumped: Map<string, Buffer>): void {
  const k = () => `k${rnd.int(perDb + 20)}`;
  const db = rnd.pick([0, 1, 3, 9, 4]);
  t.cmd('SELECT', db);
  switch (rnd.int(24)) {
    case 0: t.cmd('SET', k(), `new${rnd.int(1000)}`); break;
    case 1: t.cmd('DEL', k(), k()); break;
    case 2: t.cmd('EXPIRE', k(), 1000 + rnd.int(50)); break;
    case 3: t.cmd('PERSIST', k()); break;
    case 4: t.cmd('RENAME', k(), k()); break;
    case 5: t.cmd('LPUSH', k(), 'pushed'); break;
    case 6: t.cmd('HSET', k(), 'f', 'changed', 'h2', 'x'); break;
    case 7: t.cmd('ZADD', k(), 99, 'a', 7, 'q'); break;
    case 8: t.cmd('SADD', k(), 'added', 123456); break;
    case 9: t.cmd('XADD', k(), '*', 'n', 'w'); break;
    case 10: t.cmd('MOVE', k(), rnd.pick([0, 1, 3, 9, 4])); break;
    case 11: t.cmd('COPY', k(), k(), 'DB', rnd.pick([0, 1, 3, 9]), 'REPLACE'); break;
    case 12: {
      const key = k();
      const payload = t.cmd('DUMP', key);
      if (typeof payload === 'string') dumped.set(key, Buffer.from(payload, 'latin1'));
      const [other, p] = [...dumped.entries()][rnd.int(Math.max(1, dumped.size))] ?? [];
      if (other && p) t.cmd('RESTORE', k(), 0, p, 'REPLACE');
      break;
    }
    case 13: t.cmd('APPEND', k(), 'tail'); break;
    case 14: t.cmd('SETRANGE', k(), 3, 'RANGE'); break;
    case 15: t.cmd('INCR', k()); break;
    case 16: t.cmd('SPOP', k()); break;
    case 17: t.cmd('LPOP', k()); break;
    case 18: t.cmd('GETDEL', k()); break;
    case 19: t.cmd('ZREM', k(), 'a', 'b'); break;
    case 20: t.cmd('HDEL', k(), 'f', 'g'); break;
    case 21: t.cmd('XTRIM', k(), 'MAXLEN', 0); break;
    case 22: t.cmd('UNLINK', k()); break;
    case 23: t.cmd('GETEX', k(), 'PX', 5000); break;
  }
  t.cmd('SELECT', 0);
}

describe('background snapshot', () => {
  it('with nothing running between steps equals a synchronous SAVE', () => {
    const t = new TestEngine();
    populate(t, 400);
    const at = t.now;
    const want = canon(t);
    const sync = syncSave(t);
    const bg = bgSnapshot(t, 2048, () => undefined);
    expect(bg).not.toBe('killed');
    expect(canon(load(sync, at))).toEqual(want);
    expect(canon(load(bg as Buffer, at))).toEqual(want);
    // Nothing wrote meanwhile: the same keys in the same order, the same bytes.
    expect((bg as Buffer).equals(sync)).toBe(true);
  });

  it('is the keyspace at its begin while every kind of write runs between steps', () => {
    for (const seed of [1, 2, 3]) {
      const t = new TestEngine();
      const perDb = 600;
      populate(t, perDb);
      const at = t.now;
      const want = canon(t);
      const sync = syncSave(t);
      const rnd = new Prng(seed);
      const dumped = new Map<string, Buffer>();
      let steps = 0;
      const bg = bgSnapshot(t, 1024, (step) => {
        steps++;
        for (let i = 0; i < 6; i++) mutate(t, rnd, perDb, dumped);
        if (step % 40 === 7) t.cmd('SWAPDB', rnd.pick([0, 1, 3]), rnd.pick([4, 9]));
        if (step % 25 === 3) {
          // Time passes: keys with short TTLs expire lazily and actively.
          t.advance(30);
          t.engine.x.cronExpire(t.now, 50);
        }
      });
      expect(bg).not.toBe('killed');
      expect(steps).toBeGreaterThan(100);
      expect(canon(load(bg as Buffer, at))).toEqual(want);
      expect(canon(load(sync, at))).toEqual(want);
    }
  });

  it('FLUSHDB during the snapshot hands the old keys to it; keys written after are not in it', () => {
    const t = new TestEngine();
    populate(t, 300);
    const at = t.now;
    const want = canon(t);
    let n = 0;
    const bg = bgSnapshot(t, 512, (step) => {
      if (step === 2) { t.cmd('SELECT', 3); expect(t.cmd('FLUSHDB')).toBe('OK'); t.cmd('SET', 'k1', 'after'); t.cmd('SELECT', 0); }
      if (step === 5) { t.cmd('SELECT', 0); expect(t.cmd('FLUSHDB', 'ASYNC')).toBe('OK'); }
      if (step === 6) { t.cmd('SELECT', 9); t.cmd('SWAPDB', 9, 1); t.cmd('FLUSHDB'); t.cmd('SELECT', 0); }
      if (step % 3 === 0) t.cmd('SET', `fresh${n++}`, 'x');
    });
    expect(bg).not.toBe('killed');
    expect(canon(load(bg as Buffer, at))).toEqual(want);
    // The live keyspace went on: db 3 holds only what was written after its flush.
    t.cmd('SELECT', 3);
    expect(t.cmd('DBSIZE')).toBe(1);
    expect(t.cmd('GET', 'k1')).toBe('after');
  });

  it('a flushed database is saved and freed ahead of the walk: its memory comes back early', () => {
    const t = new TestEngine();
    const fill = (db: number) => {
      const cmds = [`*2\r\n$6\r\nSELECT\r\n$1\r\n${db}\r\n`];
      const v = 'v'.repeat(100);
      for (let i = 0; i < 20_000; i++) cmds.push(`*3\r\n$3\r\nSET\r\n$${String(i).length + 1}\r\nk${i}\r\n$100\r\n${v}\r\n`);
      t.raw(cmds.join(''));
    };
    fill(0);
    fill(9);
    t.cmd('SELECT', 0);
    const at = t.now;
    const want = canon(t);
    const x = t.engine.x;
    let flushedAt = -1;
    let before = 0;
    let freedAt = -1;
    let steps = 0;
    const bg = bgSnapshot(t, 4096, (step) => {
      steps = step;
      if (step === 1) {
        before = x.usedMemory();
        t.cmd('SELECT', 9);
        expect(t.cmd('FLUSHDB')).toBe('OK');
        t.cmd('SELECT', 0);
        flushedAt = step;
      } else if (flushedAt >= 0 && freedAt < 0 && x.usedMemory() < before - 2_000_000) {
        freedAt = step;
      }
    });
    expect(canon(load(bg as Buffer, at))).toEqual(want);
    // Database 0 alone takes about half the steps: db 9 was freed well before the walk got there.
    expect(freedAt).toBeGreaterThan(0);
    expect(freedAt).toBeLessThan(steps / 2);
  });

  it('eviction during the snapshot saves the evicted keys first', () => {
    const t = new TestEngine();
    populate(t, 300);
    const at = t.now;
    const want = canon(t);
    const x = t.engine.x;
    const bg = bgSnapshot(t, 1024, (step) => {
      if (step === 3) {
        x.setMaxmemory(x.usedMemory() * 0.6, POLICY_ALLKEYS_RANDOM, 5);
        x.evictNow();
        expect(x.evictedKeys()).toBeGreaterThan(0);
        x.setMaxmemory(0, 0, 5);
      }
    });
    expect(canon(load(bg as Buffer, at))).toEqual(want);
  });

  it('FLUSHALL kills it, as Redis kills the saving child', () => {
    const t = new TestEngine();
    populate(t, 100);
    const r = bgSnapshot(t, 512, (step) => { if (step === 1) t.cmd('FLUSHALL'); });
    expect(r).toBe('killed');
    expect(t.engine.x.snapshotActive()).toBeFalsy();
    // The next one starts from scratch and sees what is there now.
    t.cmd('SET', 'a', '1');
    const at = t.now;
    const want = canon(t);
    const bg = bgSnapshot(t, 512, () => t.cmd('SET', 'b', '2'));
    expect(canon(load(bg as Buffer, at))).toEqual(want);
  });

  it('a stopped snapshot leaves marks that the epoch wrap clears: 300 snapshots, some stopped', () => {
    const t = new TestEngine();
    populate(t, 40);
    const x = t.engine.x;
    for (let i = 0; i < 300; i++) {
      const at = t.now;
      if (i % 3 === 0) {
        // Stop after one step: most keys keep an older epoch.
        x.snapshotBegin(Math.floor(t.now / 1000), x.usedMemory(), 0);
        x.snapshotStep(64);
        x.snapshotStop();
        x.rdbOutRelease();
        continue;
      }
      if (i % 50 === 1 || i > 290) {
        const want = canon(t);
        const bg = bgSnapshot(t, 256, () => t.cmd('SET', `w${i}`, i));
        expect(canon(load(bg as Buffer, at)), `snapshot ${i}`).toEqual(want);
      } else {
        bgSnapshot(t, 1 << 20, () => undefined);
      }
    }
  });

  it('DUMP while a snapshot holds unsent output does not disturb the file', () => {
    const t = new TestEngine();
    populate(t, 200);
    const at = t.now;
    const want = canon(t);
    const bg = bgSnapshot(t, 4096, () => {
      t.cmd('DUMP', 'k2');
      t.cmd('SET', 'k0', 'changed'); // a hook write into the output, then a DUMP
      t.cmd('DUMP', 'k4');
    });
    expect(canon(load(bg as Buffer, at))).toEqual(want);
  });

  it('scales: 200k keys, each overwritten while the walk runs, in linear time', () => {
    const t = new TestEngine();
    const N = 200_000;
    const batch: string[] = [];
    for (let i = 0; i < N; i++) batch.push(`*3\r\n$3\r\nSET\r\n$${String(i).length + 1}\r\nk${i}\r\n$1\r\nv\r\n`);
    t.raw(batch.join(''));
    expect(t.cmd('DBSIZE')).toBe(N);
    let next = N - 1;
    const bg = bgSnapshot(t, 8192, () => {
      // Writes from the far end of the keyspace: every one goes through the hook.
      const cmds: string[] = [];
      for (let j = 0; j < 200 && next >= 0; j++, next--) cmds.push(`*3\r\n$3\r\nSET\r\n$${String(next).length + 1}\r\nk${next}\r\n$1\r\nw\r\n`);
      if (cmds.length) t.raw(cmds.join(''));
    });
    const back = load(bg as Buffer, t.now);
    expect(back.cmd('DBSIZE')).toBe(N);
    for (const i of [0, 1, N / 2, N - 2, N - 1]) expect(back.cmd('GET', `k${i}`)).toBe('v');
    expect(t.engine.x.snapshotHookKeys()).toBeGreaterThan(1000);
  });
});
