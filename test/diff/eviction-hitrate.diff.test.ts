// Eviction quality side by side with a real redis-server (issue 8): a
// cache-aside client (GET; on a miss, SET) over a Zipfian key stream, with
// maxmemory set on each server so that about 10% of the key space fits,
// under allkeys-lru and allkeys-lfu. The same key stream goes to both; the
// hit rates after a warm-up must agree within 2 points.
//
// The two servers spend different bytes per key, so the cache size is set
// in keys: Redis runs at maxmemory = its used_memory with 10% of the keys
// loaded, and the number of keys it then holds after the warm-up is what
// Vermilion's maxmemory is adjusted to during its own warm-up. Both sample 5 keys per eviction into a
// 16-key pool (maxmemory-samples, EVPOOL_SIZE), with 1-second LRU clocks
// and LFU counters under the same lfu-log-factor / lfu-decay-time.
import { describe, it, expect } from 'vitest';
import { redisServerPath, RawClient } from '../helpers/server.js';
import { diffPair } from '../helpers/diffpair.js';
import { encodeCommand } from '../helpers/resp.js';
import { Rng, ZipfianKeys } from '../../bench/generator.js';

const haveRedis = redisServerPath() !== null;
const suite = haveRedis || process.env.CI ? describe : describe.skip;

// 1,500 cached keys keep Redis's main dict at 2,048 buckets throughout: near
// 2,048 keys its table doubling moves used_memory by more than the nudges.
const KEYS = 15_000;
const CACHED = KEYS / 10;
const ACCESSES = 120_000;
const WARMUP = 30_000;
// Small pipelines: Redis counts client buffers in used_memory, and big ones
// would move its cache size by a hundred keys as they come and go.
const BATCH = 25;
const VALUE = 'v'.repeat(100);

/** Sends commands as one pipeline and returns their replies. */
async function pipeline(c: RawClient, cmds: (string | number)[][]): Promise<unknown[]> {
  c.write(Buffer.concat(cmds.map((a) => encodeCommand(a))));
  const out: unknown[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.read(30_000));
  return out;
}

function infoField(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  if (!m) throw new Error(`INFO has no ${name}`);
  return Number(m[1]);
}

async function info(c: RawClient, section: string): Promise<string> {
  return String((await pipeline(c, [['INFO', section]]))[0]);
}

/** Bytes per cached key on this server, and used_memory with none. */
async function calibrate(c: RawClient): Promise<{ perKey: number; base: number }> {
  await pipeline(c, [['FLUSHALL'], ['CONFIG', 'SET', 'maxmemory', 0]]);
  const base = infoField(await info(c, 'memory'), 'used_memory');
  const cmds: (string | number)[][] = [];
  for (let i = 0; i < CACHED; i++) cmds.push(['SET', `key:${i}`, VALUE]);
  await pipeline(c, cmds);
  const used = infoField(await info(c, 'memory'), 'used_memory');
  await pipeline(c, [['FLUSHALL']]);
  return { perKey: (used - base) / CACHED, base };
}

/**
 * Runs the cache-aside stream under `policy` and returns the hit rate after
 * the warm-up and the cache's size (keys) then. With `keys` given, maxmemory
 * is nudged during the warm-up until the cache holds that many keys;
 * without, it stays at the calibrated figure for `CACHED` keys.
 */
async function hitRate(c: RawClient, policy: string, seed: number, keys?: number): Promise<{ rate: number; size: number }> {
  const { perKey, base } = await calibrate(c);
  let max = Math.round(base + CACHED * perKey);
  await pipeline(c, [
    ['CONFIG', 'SET', 'maxmemory-policy', policy],
    ['CONFIG', 'SET', 'maxmemory', max],
    ['CONFIG', 'RESETSTAT'],
  ]);
  const stream = new ZipfianKeys(KEYS, new Rng(seed), 0.99);
  let hits = 0;
  let lookups = 0;
  let size = 0;
  for (let done = 0; done < ACCESSES; done += BATCH) {
    if (done > 0 && done <= WARMUP && done % 2500 === 0) {
      size = Number((await pipeline(c, [['DBSIZE']]))[0]);
      if (keys !== undefined) {
        max = Math.round(max + (keys - size) * perKey);
        await pipeline(c, [['CONFIG', 'SET', 'maxmemory', max]]);
      }
    }
    const batch: number[] = [];
    for (let i = 0; i < BATCH; i++) batch.push(stream.next());
    const got = await pipeline(c, batch.map((k) => ['GET', `key:${k}`]));
    const misses: (string | number)[][] = [];
    for (let i = 0; i < batch.length; i++) {
      const hit = got[i] !== null;
      if (done >= WARMUP) {
        lookups++;
        if (hit) hits++;
      }
      if (!hit) misses.push(['SET', `key:${batch[i]}`, VALUE]);
    }
    if (misses.length > 0) {
      const replies = await pipeline(c, misses);
      for (const r of replies) if (r !== 'OK') throw new Error(`SET under eviction: ${String(r)}`);
    }
  }
  // The limit held and eviction did the work.
  expect(infoField(await info(c, 'memory'), 'used_memory')).toBeLessThanOrEqual(max * 1.05);
  expect(infoField(await info(c, 'stats'), 'evicted_keys')).toBeGreaterThan(0);
  return { rate: (100 * hits) / lookups, size };
}

suite('eviction hit rate vs redis-server (Zipfian, cache 10% of the keys)', () => {
  const pair = diffPair({ redisArgs: ['--maxmemory-samples', '5'], config: { 'maxmemory-samples': '5' }, startTimeout: 30_000 });

  for (const policy of ['allkeys-lru', 'allkeys-lfu']) {
    it(`${policy}: within 2 points of Redis's hit rate`, async () => {
      // Redis first: the size its cache settles at (its fixed overheads move
      // with client buffers and dict sizes) is the size ours is held to.
      const theirs = await hitRate(pair.ref, policy, 7);
      const mine = await hitRate(pair.ours, policy, 7, theirs.size);
      console.log(`${policy}: redis ${theirs.rate.toFixed(2)}% with ${theirs.size} keys, ` +
        `vermilion ${mine.rate.toFixed(2)}% with ${mine.size} keys`);
      expect(Math.abs(mine.size - theirs.size)).toBeLessThanOrEqual(theirs.size * 0.02);
      expect(Math.abs(mine.rate - theirs.rate)).toBeLessThanOrEqual(2);
    }, 120_000);
  }
});

