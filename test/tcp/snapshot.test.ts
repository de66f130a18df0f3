// The forkless BGSAVE through a server: writes of every kind from other
// connections while the snapshot is serialized in slices, and the file must
// still be the keyspace at the BGSAVE — the same dataset as a SAVE taken at
// that instant, by real Redis's own measure (DEBUG DIGEST after loading each
// file), and a file redis-check-rdb accepts.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawClient, startServer, startRedis, redisServerPath } from '../helpers/server.js';
import { encodeCommand, RespValue } from '../helpers/resp.js';
import { Prng } from '../helpers/prng.js';

const haveRedis = redisServerPath() !== null;
const DBS = [0, 2, 5];
const PER_DB = 30_000;

function field(info: string, name: string): string {
  return new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(info)![1].trim();
}

async function pipeline(c: RawClient, cmds: (string | number | Buffer)[][]): Promise<RespValue[]> {
  c.write(Buffer.concat(cmds.map((a) => encodeCommand(a))));
  const out: RespValue[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.read(30_000));
  return out;
}

/** Keys of every type, small and large, some with TTLs (a few about to expire). */
function dataset(): (string | number)[][] {
  const cmds: (string | number)[][] = [];
  for (const db of DBS) {
    cmds.push(['SELECT', db]);
    for (let i = 0; i < PER_DB; i++) {
      const k = `k${i}`;
      switch (i % 7) {
        case 0: cmds.push(['SET', k, `value-${i}`]); break;
        case 1: cmds.push(['SET', k, i]); break;
        case 2: cmds.push(['RPUSH', k, 'a', i, ...(i % 100 === 2 ? Array.from({ length: 300 }, (_, j) => `e${j}`) : [])]); break;
        case 3: cmds.push(['HSET', k, 'f', i, ...(i % 100 === 3 ? Array.from({ length: 300 }, (_, j) => `f${j}`) : [])]); break;
        case 4: cmds.push(['SADD', k, 1, 2, i, ...(i % 100 === 4 ? Array.from({ length: 600 }, (_, j) => `m${j}`) : [])]); break;
        case 5: cmds.push(['ZADD', k, 1, 'a', i, 'b', ...(i % 100 === 5 ? Array.from({ length: 300 }, (_, j) => [j, `z${j}`]).flat() : [])]); break;
        case 6: cmds.push(['XADD', k, `${i + 1}-0`, 'f', i]); break;
      }
      if (i % 10 === 0) cmds.push(['PEXPIRE', k, 3_600_000 + i]);
      if (i % 1000 === 1) cmds.push(['PEXPIRE', k, 150]);
    }
  }
  cmds.push(['SELECT', 0]);
  return cmds;
}

/** A write of one of the kinds the snapshot's pre-write hook must see. */
function mutation(rnd: Prng, dump: Buffer | null): (string | number | Buffer)[][] {
  const k = () => `k${rnd.int(PER_DB)}`;
  const db = rnd.pick(DBS);
  const pick = rnd.int(17);
  const cmd: (string | number | Buffer)[] = [
    ['SET', k(), 'changed'], ['DEL', k()], ['EXPIRE', k(), 5000], ['RENAME', k(), k()],
    ['LPUSH', k(), 'x'], ['HSET', k(), 'f', 'new'], ['ZADD', k(), 9, 'a'], ['SADD', k(), 'new'],
    ['XADD', k(), '*', 'n', 1], ['SWAPDB', rnd.pick(DBS), rnd.pick([1, 3, 5])], ['MOVE', k(), rnd.pick(DBS)],
    ['COPY', k(), k(), 'DB', rnd.pick(DBS), 'REPLACE'], dump ? ['RESTORE', k(), 0, dump, 'REPLACE'] : ['PERSIST', k()],
    ['APPEND', k(), 'tail'], ['UNLINK', k(), k()], ['GETDEL', k()], ['SPOP', k()],
  ][pick] as (string | number | Buffer)[];
  return [['SELECT', db], cmd];
}

async function digestOf(dir: string, file: string): Promise<{ digest: string; sizes: string }> {
  const r = await startRedis(['--dir', dir, '--dbfilename', file]);
  try {
    const c = await RawClient.connect(r.port);
    for (let i = 0; i < 200 && String(await c.cmd('INFO', 'persistence')).includes('loading:1'); i++) {
      await new Promise((res) => setTimeout(res, 20));
    }
    const digest = String(await c.cmd('DEBUG', 'DIGEST'));
    const sizes = /^db\d+:keys=\d+/gm;
    const info = String(await c.cmd('INFO', 'keyspace'));
    c.close();
    return { digest, sizes: (info.match(sizes) ?? []).join(',') };
  } finally {
    r.stop();
  }
}

describe.skipIf(!haveRedis)('forkless BGSAVE', () => {
  it('writes the keyspace as it was at BGSAVE while every kind of write runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-'));
    const { server, port } = await startServer({ dir, save: '', 'enable-protected-configs': 'yes' });
    try {
      const c = await RawClient.connect(port);
      const w = await RawClient.connect(port);
      await pipeline(c, dataset());
      const dump = await c.cmd('DUMP', 'k3');
      const payload = typeof dump === 'string' ? Buffer.from(dump, 'latin1') : null;
      const rnd = new Prng(7);
      const burst: (string | number | Buffer)[][] = [];
      for (let i = 0; i < 300; i++) burst.push(...mutation(rnd, payload));
      // SAVE to sync.rdb and BGSAVE to dump.rdb in one read: the same instant.
      // Writes follow at once (the same read) and then from another
      // connection, between the snapshot's slices, until it is done.
      const replies = await pipeline(c, [
        ['CONFIG', 'SET', 'dbfilename', 'sync.rdb'], ['SAVE'], ['CONFIG', 'SET', 'dbfilename', 'dump.rdb'], ['BGSAVE'],
        ...burst,
      ]);
      expect(replies.slice(0, 4)).toEqual(['OK', 'OK', 'OK', 'Background saving started']);
      let writes = 0;
      let evicted = false;
      for (;;) {
        const info = String(await w.cmd('INFO', 'persistence'));
        if (field(info, 'rdb_bgsave_in_progress') === '0') break;
        for (const cmd of mutation(rnd, payload)) await w.cmd(...cmd);
        writes++;
        if (writes === 5 && !evicted) {
          // Eviction while it runs: the evicted keys are saved first.
          const used = Number(field(String(await w.cmd('INFO', 'memory')), 'used_memory'));
          await w.cmd('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random');
          await w.cmd('CONFIG', 'SET', 'maxmemory', String(Math.floor(used * 0.8)));
          await w.cmd('SET', 'trigger', 'eviction');
          await w.cmd('CONFIG', 'SET', 'maxmemory', '0');
          evicted = true;
        }
      }
      const info = String(await w.cmd('INFO', 'persistence'));
      expect(field(info, 'rdb_last_bgsave_status')).toBe('ok');
      expect(Number(field(info, 'rdb_last_cow_size'))).toBeGreaterThan(0);
      expect(Number(field(String(await w.cmd('INFO', 'stats')), 'evicted_keys'))).toBeGreaterThan(0);
      // Writes ran between slices after the eviction too (how many depends on the machine).
      expect(writes).toBeGreaterThan(5);
      expect(readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
      c.close();
      w.close();
      execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')], { stdio: 'ignore' });
      // Load each into real Redis once the short TTLs have passed for both.
      await new Promise((r) => setTimeout(r, 200));
      copyFileSync(join(dir, 'dump.rdb'), join(dir, 'bg.rdb'));
      const a = await digestOf(dir, 'sync.rdb');
      const b = await digestOf(dir, 'bg.rdb');
      expect(a.sizes).toMatch(/db0:keys=\d+/);
      expect(b).toEqual(a);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('SHUTDOWN SAVE and DEBUG RELOAD during a BGSAVE stop it first, leave no temp file, and save in full', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-'));
    const { server, port } = await startServer({ dir, save: '', 'enable-debug-command': 'yes' });
    try {
      const c = await RawClient.connect(port);
      // Without the short TTLs: the reload would drop those keys.
      await pipeline(c, dataset().slice(0, 40_000).filter((cmd) => !(cmd[0] === 'PEXPIRE' && cmd[2] === 150)));
      await c.cmd('SELECT', 0);
      const keys = await c.cmd('DBSIZE');
      const r = await pipeline(c, [['BGSAVE'], ['DEBUG', 'RELOAD'], ['DBSIZE'], ['INFO', 'persistence']]);
      expect(r.slice(0, 3)).toEqual(['Background saving started', 'OK', keys]);
      expect(field(String(r[3]), 'rdb_bgsave_in_progress')).toBe('0');
      expect(readdirSync(dir)).toEqual(['dump.rdb']);
      expect(await c.cmd('BGSAVE')).toBe('Background saving started');
      c.send('SHUTDOWN', 'SAVE');
      await c.waitClosed();
      await new Promise((res) => setTimeout(res, 100));
      expect(readdirSync(dir)).toEqual(['dump.rdb']);
      execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')], { stdio: 'ignore' });
      const redis = await startRedis(['--dir', dir]);
      try {
        const rc = await RawClient.connect(redis.port);
        for (let i = 0; i < 200 && String(await rc.cmd('INFO', 'persistence')).includes('loading:1'); i++) {
          await new Promise((res) => setTimeout(res, 20));
        }
        expect(await rc.cmd('DBSIZE')).toBe(keys);
        rc.close();
      } finally {
        redis.stop();
      }
    } finally {
      await server.close();
    }
  }, 60_000);

  it('FLUSHALL stops a running BGSAVE as Redis kills its child: no file, status unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-'));
    const { server, port } = await startServer({ dir, save: '' });
    try {
      const c = await RawClient.connect(port);
      await pipeline(c, dataset().slice(0, 40_000));
      const r = await pipeline(c, [['BGSAVE'], ['FLUSHALL'], ['SET', 'after', '1']]);
      expect(r).toEqual(['Background saving started', 'OK', 'OK']);
      let info = '';
      for (let i = 0; i < 100; i++) {
        info = String(await c.cmd('INFO', 'persistence'));
        if (field(info, 'rdb_bgsave_in_progress') === '0') break;
        await new Promise((res) => setTimeout(res, 10));
      }
      expect(field(info, 'rdb_bgsave_in_progress')).toBe('0');
      expect(field(info, 'rdb_last_bgsave_status')).toBe('ok');
      expect(field(info, 'rdb_saves')).toBe('0');
      expect(readdirSync(dir)).toEqual([]);
      // The next BGSAVE runs normally.
      expect(await c.cmd('BGSAVE')).toBe('Background saving started');
      for (let i = 0; i < 100 && field(String(await c.cmd('INFO', 'persistence')), 'rdb_bgsave_in_progress') === '1'; i++) {
        await new Promise((res) => setTimeout(res, 10));
      }
      expect(readdirSync(dir)).toEqual(['dump.rdb']);
      c.close();
    } finally {
      await server.close();
    }
  }, 60_000);
});
