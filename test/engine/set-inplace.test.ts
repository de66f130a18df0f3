// SET over an embstr value without a TTL rewrites the bytes in the entry's
// own block when the new entry would have the same size class
// (assembly/db/strval.ts rewriteEmbstr). Nothing may tell this from the
// general path (a new entry replacing the old): value, encoding, MEMORY
// USAGE, TTL, idle time, and a background snapshot's image.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';

const RDB_COMPRESS = 1;
const RDB_CHECKSUM = 2;

/** What a fresh key gets for `value`: encoding and MEMORY USAGE. */
function fresh(value: string): [unknown, unknown] {
  const t = new TestEngine();
  t.cmd('SET', 'key', value);
  return [t.cmd('OBJECT', 'ENCODING', 'key'), t.cmd('MEMORY', 'USAGE', 'key')];
}

describe('SET in place', () => {
  it('gives the value, encoding and MEMORY USAGE of a new entry, for every length and kind', () => {
    const t = new TestEngine();
    const values: string[] = [];
    for (let n = 0; n <= 50; n++) values.push('v'.repeat(n));
    values.push('12345', '-7', '007', 'x'.repeat(44), 'y'.repeat(45), 'ab cd\r\n');
    // Every ordered pair: same size class (in place) and not.
    for (const a of values) {
      for (const b of [values[(a.length * 7) % values.length], 'w'.repeat(a.length), a]) {
        t.cmd('SET', 'key', a);
        t.cmd('SET', 'key', b);
        expect(t.cmd('GET', 'key')).toBe(b);
        expect([t.cmd('OBJECT', 'ENCODING', 'key'), t.cmd('MEMORY', 'USAGE', 'key')]).toEqual(fresh(b));
      }
    }
    expect(t.cmd('DBSIZE')).toBe(1);
  });

  it('used_memory after many same-size overwrites is what it was after the first', () => {
    const t = new TestEngine();
    for (let i = 0; i < 100; i++) t.cmd('SET', `k${i}`, `value-${String(i).padStart(4, '0')}`);
    const used = () => t.engine.x.usedMemory();
    const before = used();
    for (let r = 0; r < 5; r++) for (let i = 0; i < 100; i++) t.cmd('SET', `k${i}`, `other-${String(i + r).padStart(4, '0')}`);
    expect(used()).toBe(before);
    expect(t.cmd('GET', 'k42')).toBe('other-0046');
  });

  it('TTLs: SET clears one, KEEPTTL keeps it, EX sets one', () => {
    const t = new TestEngine();
    t.cmd('SET', 'k', 'aaaa', 'PX', 100000);
    t.cmd('SET', 'k', 'bbbb');
    expect(t.cmd('PTTL', 'k')).toBe(-1);
    t.cmd('SET', 'k', 'cccc', 'PX', 100000);
    t.cmd('SET', 'k', 'dddd', 'KEEPTTL');
    expect(t.cmd('PTTL', 'k')).toBe(100000);
    t.cmd('SET', 'k', 'eeee');
    t.cmd('SET', 'k', 'ffff', 'EX', 50);
    expect(t.cmd('PTTL', 'k')).toBe(50000);
    expect(t.cmd('GET', 'k')).toBe('ffff');
    t.advance(50001);
    expect(t.cmd('GET', 'k')).toBe(null);
  });

  it('a new value is a new object: idle time starts again; other types are replaced', () => {
    const t = new TestEngine();
    t.cmd('SET', 'k', 'aaaa');
    t.advance(20_000);
    expect(t.cmd('OBJECT', 'IDLETIME', 'k')).toBe(20);
    t.cmd('SET', 'k', 'bbbb');
    expect(t.cmd('OBJECT', 'IDLETIME', 'k')).toBe(0);
    t.cmd('RPUSH', 'l', 'x');
    t.cmd('SET', 'l', 'abcd');
    expect(t.cmd('TYPE', 'l')).toBe('string');
    expect(t.cmd('GET', 'l')).toBe('abcd');
  });

  it('a background snapshot sees the value from before the overwrite', () => {
    const t = new TestEngine();
    for (let i = 0; i < 2000; i++) t.cmd('SET', `k${i}`, `old-${String(i).padStart(5, '0')}`);
    const x = t.engine.x;
    x.snapshotBegin(Math.floor(t.now / 1000), 0, RDB_COMPRESS | RDB_CHECKSUM);
    const chunks: Buffer[] = [];
    for (let step = 0; ; step++) {
      const st = x.snapshotStep(256);
      const p = x.rdbOutPtr() >>> 0;
      const n = x.rdbOutLen() >>> 0;
      if (n > 0) chunks.push(Buffer.from(t.engine.bytes().subarray(p, p + n)));
      x.rdbOutTaken();
      if (st === 0) break;
      // Overwrite a spread of keys, saved and not yet saved, in place.
      for (let j = 0; j < 20; j++) t.cmd('SET', `k${(step * 37 + j * 101) % 2000}`, `new-${String(step).padStart(5, '0')}`);
    }
    x.rdbOutRelease();
    const file = Buffer.concat(chunks);
    const u = new TestEngine();
    u.now = t.now;
    const y = u.engine.x;
    y.rdbLoadBegin(u.now, 1);
    const p = y.rdbAlloc(file.length) >>> 0;
    u.engine.bytes().set(file, p);
    expect(y.rdbLoadFeed(p, file.length, 1)).toBe(file.length);
    expect(y.rdbLoadDone()).toBeTruthy();
    y.rdbFree(p);
    for (let i = 0; i < 2000; i++) expect(u.cmd('GET', `k${i}`)).toBe(`old-${String(i).padStart(5, '0')}`);
  });
});
