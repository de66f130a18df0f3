// The shared command tables against a real redis-server 7.0: where their
// expected replies come from, re-checked on every run. Skipped without
// redis-server, except under CI (as the differential tests).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startRedis, redisServerPath, RawClient } from '../helpers/server.js';
import { SHARED_TABLES } from './commands.cases.js';
import { runRaw } from './run.js';

const haveRedis = redisServerPath() !== null;
if (!haveRedis && process.env.CI) throw new Error('redis-server is required for the shared tables under CI');

describe.skipIf(!haveRedis)('shared command tables, redis-server', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => { redis = await startRedis(); });
  afterAll(() => redis?.stop());

  for (const table of SHARED_TABLES) {
    it(table.name, async () => {
      const c = await RawClient.connect(redis.port);
      try {
        await c.cmd('FLUSHALL');
        const bad = await runRaw(table, { raw: async (args) => { c.send(...args.map((a) => Buffer.from(a))); return (await c.readRaw()).toString('latin1'); } });
        expect(bad).toEqual([]);
      } finally {
        c.close();
      }
    });
  }
});
