// Runs in the browser page of browser.test.ts: the shared command tables
// and IndexedDB persistence through the shipped bundle (dist/browser/
// vermilion.js, imported as 'vermilion' through the page's import map).
import { Vermilion } from 'vermilion';
import { SHARED_TABLES } from '../shared/commands.cases.js';
import { runRaw, runValues, byteString } from '../shared/run.js';
import { TEST_CODEC } from '../shared/test-codec.js';

/** Mismatches per table and mode; empty lists when all agree. */
async function runShared(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of SHARED_TABLES) {
    {
      const db = await Vermilion.open({ hashSeed: 1, randomSeed: 1n, lua: table.lua });
      out[`${table.name}: raw`] = await runRaw(table, { raw: (args) => byteString(db.callRawSync(...args)) });
      await db.close();
    }
    for (const mode of ['sync', 'async', 'pipeline'] as const) {
      const db = await Vermilion.open({ hashSeed: 1, randomSeed: 1n, lua: table.lua });
      out[`${table.name}: ${mode}`] = await runValues(table, db as any, mode);
      await db.close();
    }
  }
  return out;
}

/** First page load: writes keys and saves them to IndexedDB. */
async function persistWrite(): Promise<string> {
  const db = await Vermilion.open({ persist: 'indexeddb', name: 'reload-test', snapshot: TEST_CODEC });
  await db.set('greeting', 'héllo from before the reload');
  await db.set('n', 41);
  await db.incr('n');
  await db.set('ttl', 'x', 'PXAT', 4102444800000);
  const bytes = await db.save();
  await db.close();
  return `${bytes.length}`;
}

/** After the reload: what the store loaded from IndexedDB. */
async function persistRead(): Promise<unknown> {
  const db = await Vermilion.open({ persist: 'indexeddb', name: 'reload-test', snapshot: TEST_CODEC });
  const out = { values: await db.mget('greeting', 'n', 'ttl'), ttl: await db.pexpiretime('ttl'), size: await db.dbsize() };
  await db.close();
  return out;
}

/** The default codec, RDB, in the browser: snapshot bytes that load back (the server reads the same). */
async function rdbRoundTrip(): Promise<unknown> {
  const db = await Vermilion.open({});
  await db.set('k', 'v');
  await db.rpush('l', 'a', 'b');
  const bytes = await db.snapshot();
  await db.close();
  const again = await Vermilion.open({ rdb: bytes });
  const out = { magic: String.fromCharCode(...bytes.subarray(0, 9)), k: await again.get('k'), l: await again.lrange('l', 0, -1) };
  await again.close();
  return out;
}

/** A few API facts in the browser: RESP3 values, TIME, INFO, the engine and Lua VM sources. */
async function basics(): Promise<unknown> {
  const db = await Vermilion.open({ protocol: 3, lua: true });
  db.sync.set('k', 'v');
  const res = {
    script: db.sync.eval("return {redis.call('GET', KEYS[1]), redis.sha1hex(ARGV[1])}", 1, 'k', 'abc'),
    get: db.sync.get('k'),
    config: [...(db.sync.config('GET', 'maxmemory') as Map<string, string>)],
    info: (db.sync.info('server') as string).match(/os:(.*)\r\n/)![1],
    time: (db.sync.time() as string[]).length,
  };
  await db.close();
  return res;
}

Object.assign(globalThis, { runShared, persistWrite, persistRead, rdbRoundTrip, basics, pageReady: true });
