// The shared command tables through the embedded API in Node: raw replies
// (callRawSync) byte for byte, and the JS values of callSync, call and a
// pipeline against the same decoder's reading of the expected bytes. The
// TCP runner (tcp.test.ts) checks the same rows through the server.
import { describe, it, expect } from 'vitest';
import { Vermilion } from '../../src/index.js';
import { SHARED_TABLES } from './commands.cases.js';
import { runRaw, runValues, byteString } from './run.js';

import type { SharedTable } from './commands.cases.js';

// Script tables wait for the Lua VM (it loads in the background otherwise).
const open = (t: SharedTable) => (t.lua
  ? Vermilion.open({ debug: true, hashSeed: 1, randomSeed: 1n, lua: true })
  : Vermilion.openSync({ debug: true, hashSeed: 1, randomSeed: 1n }));

describe('shared command tables, embedded', () => {
  for (const table of SHARED_TABLES) {
    it(`${table.name}: raw replies`, async () => {
      const db = await open(table);
      const bad = await runRaw(table, { raw: (args) => byteString(db.callRawSync(...args)) });
      await db.close();
      expect(bad).toEqual([]);
    });
    for (const mode of ['sync', 'async', 'pipeline'] as const) {
      it(`${table.name}: values (${mode})`, async () => {
        const db = await open(table);
        const bad = await runValues(table, db, mode);
        await db.close();
        expect(bad).toEqual([]);
      });
    }
  }
});
