// Embedded stores for a test file: opened synchronously with the test
// seeds (debug engine, fixed hash and random seeds), each closed after the
// test that opened it.
import { afterEach } from 'vitest';
import { Vermilion } from '../../src/index.js';

type OpenOptions = Parameters<typeof Vermilion.openSync>[0];

/** Call at a test file's top level; returns its open(). */
export function storesClosedAfterEach(): (opts?: OpenOptions) => Vermilion {
  const opened: Vermilion[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
  });
  return (opts = {}) => {
    const db = Vermilion.openSync({ debug: true, hashSeed: 1, randomSeed: 1n, ...opts });
    opened.push(db);
    return db;
  };
}
