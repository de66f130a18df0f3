// A snapshot codec for tests of the persistence plumbing (Node and the
// browser) while the RDB serializer does not exist (issue 5): db 0's string
// keys with values and absolute expiry, as JSON. A fixture, not a format
// the product writes.
import type { SnapshotCodec } from '../../src/embedded/persist.js';

export const TEST_CODEC: SnapshotCodec = {
  name: 'test-json',
  encode(db) {
    const out: [string, string, number][] = [];
    let cursor = '0';
    do {
      const [next, keys] = db.callSync('SCAN', cursor, 'COUNT', 100) as [string, string[]];
      for (const k of keys) out.push([k, db.callSync('GET', k), db.callSync('PEXPIRETIME', k)]);
      cursor = next;
    } while (cursor !== '0');
    out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return new TextEncoder().encode(JSON.stringify(out));
  },
  decode(db, bytes) {
    for (const [k, v, at] of JSON.parse(new TextDecoder().decode(bytes))) {
      db.callSync('SET', k, v, ...(at > 0 ? ['PXAT', at] : []));
    }
  },
};
