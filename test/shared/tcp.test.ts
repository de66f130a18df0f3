// The shared command tables through the TCP server, raw replies byte for
// byte: the same rows the embedded runners check (embedded.test.ts,
// browser.test.ts), so both ways answer identically.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, RawClient } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';
import { SHARED_TABLES } from './commands.cases.js';
import { runRaw } from './run.js';

let server: Server;
let port: number;

beforeAll(async () => ({ server, port } = await startServer()));
afterAll(async () => server.close());

describe('shared command tables, TCP', () => {
  for (const table of SHARED_TABLES) {
    it(table.name, async () => {
      const c = await RawClient.connect(port);
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
