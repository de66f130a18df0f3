// Bitmap commands through the engine in-process. Literal expectations were
// checked against redis-server 7.0.15; range grids are checked against a
// small JS model of Redis's range rules, once per string encoding (int,
// embstr, raw). test/diff/bitmap.diff.test.ts compares with a live Redis.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { BITMAP_TABLES, BitmapTable, BIT_OFFSET, int, arr, bulk } from './bitmap.cases.js';

/** Runs the table's setup then each [args, raw reply] row in order on a fresh engine. */
function runTable(table: BitmapTable): void {
  const t = new TestEngine();
  // Arguments are bytes: '\xff' in a table means the byte 0xff.
  const bytes = (args: (string | number)[]) => args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
  for (const s of table.setup) t.cmd(...bytes(s));
  for (const [args, want] of table.rows) {
    expect(t.rawCmd(...bytes(args)), args.join(' ')).toBe(want);
  }
}

describe('bitmap tables (replies as redis-server 7.0 sends them)', () => {
  for (const table of BITMAP_TABLES) it(table.name, () => runTable(table));
});

describe('GETBIT / SETBIT', () => {
  it('counts writes in dirty only when something changed', () => {
    const t = new TestEngine();
    const dirty = () => t.engine.x.dirtyCount();
    const d0 = dirty();
    t.cmd('SETBIT', 'k', 3, 1); // created
    expect(dirty()).toBe(d0 + 1);
    t.cmd('SETBIT', 'k', 3, 1); // same bit, same length
    expect(dirty()).toBe(d0 + 1);
    t.cmd('SETBIT', 'k', 20, 0); // grew
    expect(dirty()).toBe(d0 + 2);
    expect(t.cmd('GET', 'k')).toBe('\x10\x00\x00');
  });

  it('honours proto-max-bulk-len for the offset', () => {
    const t = new TestEngine();
    t.engine.x.setMaxBulkLen(1024 * 1024);
    expect(t.rawCmd('SETBIT', 'k', 8 * 1024 * 1024, 1)).toBe(BIT_OFFSET);
    expect(t.rawCmd('SETBIT', 'k', 8 * 1024 * 1024 - 1, 1)).toBe(int(0));
    expect(t.rawCmd('BITCOUNT', 'k')).toBe(int(1));
    expect(t.rawCmd('BITFIELD', 'k', 'SET', 'i64', 8 * 1024 * 1024 - 1, 1)).toBe(arr(int(-(2n ** 63n))));
    expect(t.rawCmd('BITFIELD', 'k', 'GET', 'u8', 8 * 1024 * 1024)).toBe(BIT_OFFSET);
    expect(t.rawCmd('BITPOS', 'k', 1, -9, -1)).toBe(int(8 * 1024 * 1024 + 62));
  });

});

describe('BITCOUNT', () => {
  it('is fast and exact on a large string (popcount by words)', () => {
    const t = new TestEngine();
    const big = Buffer.alloc(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    t.cmd('SET', 'big', big);
    let total = 0;
    for (const b of big) total += popcount8(b);
    expect(t.cmd('BITCOUNT', 'big')).toBe(total);
    expect(t.cmd('BITCOUNT', 'big', 3, -5)).toBe(model.bitcount(big, 3, -5, false));
    expect(t.cmd('BITCOUNT', 'big', 13, -37, 'BIT')).toBe(model.bitcount(big, 13, -37, true));
  });
});

describe('BITPOS', () => {
  it('skips long runs a word at a time and lands on the exact bit', () => {
    const t = new TestEngine();
    for (const n of [0, 1, 7, 8, 9, 63, 64, 1000, 4099]) {
      const zeros = Buffer.alloc(n + 2);
      zeros[n] = 0x10;
      t.cmd('SET', 'z', zeros);
      expect(t.cmd('BITPOS', 'z', 1), `zeros ${n}`).toBe(n * 8 + 3);
      expect(t.cmd('BITPOS', 'z', 1, 0, -1, 'BIT')).toBe(n * 8 + 3);
      expect(t.cmd('BITPOS', 'z', 1, n * 8 + 4, -1, 'BIT')).toBe(-1);
      const ones = Buffer.alloc(n + 2, 0xff);
      ones[n] = 0xfd;
      t.cmd('SET', 'o', ones);
      expect(t.cmd('BITPOS', 'o', 0), `ones ${n}`).toBe(n * 8 + 6);
      expect(t.cmd('BITPOS', 'o', 0, 1, n * 8 + 5, 'BIT')).toBe(-1);
      expect(t.cmd('BITPOS', 'o', 0, n * 8 + 7)).toBe(model.bitpos(ones, 0, n * 8 + 7));
    }
  });
});

describe('BITOP', () => {
  it('works a word at a time on long unaligned sources', () => {
    const t = new TestEngine();
    const a = Buffer.from(Array.from({ length: 1003 }, (_, i) => (i * 37 + 11) & 255));
    const b = Buffer.from(Array.from({ length: 517 }, (_, i) => (i * 91 + 5) & 255));
    t.cmd('SET', 'a', a);
    t.cmd('SET', 'b', b);
    const ops: Record<string, (x: number, y: number) => number> = { AND: (x, y) => x & y, OR: (x, y) => x | y, XOR: (x, y) => x ^ y };
    for (const [op, f] of Object.entries(ops)) {
      expect(t.cmd('BITOP', op, 'd', 'a', 'b')).toBe(1003);
      const want = Buffer.from(Array.from(a, (x, i) => f(x, i < b.length ? b[i] : 0) & 255));
      expect(t.rawCmd('GET', 'd')).toBe(bulk(want));
    }
    expect(t.cmd('BITOP', 'NOT', 'd', 'a')).toBe(1003);
    expect(t.rawCmd('GET', 'd')).toBe(bulk(Buffer.from(Array.from(a, (x) => ~x & 255))));
  });
});

describe('BITFIELD', () => {
  it('replies RESP3 null when FAIL refuses a write', () => {
    const t = new TestEngine();
    t.setProto(3);
    expect(t.rawCmd('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 0, 4, 'GET', 'u2', 0)).toBe('*2\r\n_\r\n:0\r\n');
  });
});

describe('bitmaps on every string encoding', () => {
  // The same bytes stored as int, embstr and raw (> 44 bytes) encodings.
  const values: [string, string][] = [
    ['int', '9007199254740993'],
    ['embstr', 'Hello, bitmap \x00\xff\x80\x01!'],
    ['raw', 'The quick brown fox jumps over the lazy dog \xff\xff\xff\x00\x00\x00 0123456789'],
  ];
  const ranges = [-70, -9, -8, -1, 0, 1, 3, 7, 8, 15, 16, 17, 40, 200];
  for (const [enc, v] of values) {
    it(`BITCOUNT, BITPOS, GETBIT and BITFIELD GET agree with the model (${enc})`, () => {
      const t = new TestEngine();
      const buf = Buffer.from(v, 'latin1');
      t.cmd('SET', 'k', buf);
      expect(t.cmd('BITCOUNT', 'k')).toBe(model.bitcount(buf));
      for (const bit of [0, 1]) expect(t.cmd('BITPOS', 'k', bit), `bitpos ${bit}`).toBe(model.bitpos(buf, bit));
      for (const s of ranges) {
        for (const bit of [0, 1]) expect(t.cmd('BITPOS', 'k', bit, s), `bitpos ${bit} ${s}`).toBe(model.bitpos(buf, bit, s));
        for (const e of ranges) {
          expect(t.cmd('BITCOUNT', 'k', s, e), `bitcount ${s} ${e}`).toBe(model.bitcount(buf, s, e, false));
          expect(t.cmd('BITCOUNT', 'k', s, e, 'BIT'), `bitcount ${s} ${e} bit`).toBe(model.bitcount(buf, s, e, true));
          for (const bit of [0, 1]) {
            expect(t.cmd('BITPOS', 'k', bit, s, e), `bitpos ${bit} ${s} ${e}`).toBe(model.bitpos(buf, bit, s, e, false));
            expect(t.cmd('BITPOS', 'k', bit, s, e, 'BIT'), `bitpos ${bit} ${s} ${e} bit`).toBe(model.bitpos(buf, bit, s, e, true));
          }
        }
      }
      for (let off = 0; off < buf.length * 8 + 10; off += 3) {
        expect(t.cmd('GETBIT', 'k', off)).toBe(model.bitAt(buf, off));
        for (const bits of [1, 5, 13, 63]) {
          expect(t.rawCmd('BITFIELD', 'k', 'GET', `u${bits}`, off), `u${bits} ${off}`).toBe(arr(int(model.field(buf, off, bits, false))));
        }
        const i64 = model.field(buf, off, 64, true);
        expect(t.rawCmd('BITFIELD_RO', 'k', 'GET', 'i64', off)).toBe(arr(int(i64)));
      }
    });

    it(`writes turn the value into a writable copy (${enc})`, () => {
      const t = new TestEngine();
      const buf = Buffer.from(v, 'latin1');
      t.cmd('SET', 'k', buf);
      const want = Buffer.from(buf);
      expect(t.cmd('SETBIT', 'k', 5, 1)).toBe(model.bitAt(buf, 5));
      want[0] |= 0x04;
      expect(t.rawCmd('GET', 'k')).toBe(bulk(want));
      expect(t.cmd('BITFIELD', 'k', 'SET', 'u8', 8, 0x41)).toEqual([want[1]]);
      want[1] = 0x41;
      expect(t.rawCmd('GET', 'k')).toBe(bulk(want));
      expect(t.cmd('BITOP', 'NOT', 'k', 'k')).toBe(want.length);
      expect(t.rawCmd('GET', 'k')).toBe(bulk(Buffer.from(Array.from(want, (x) => ~x & 255))));
    });
  }
});

function popcount8(b: number): number {
  let n = 0;
  for (; b; b >>= 1) n += b & 1;
  return n;
}

// Redis's range rules, written plainly over bits.
const model = {
  bitAt(buf: Buffer, pos: number): number {
    const byte = pos >> 3;
    return byte < buf.length ? (buf[byte] >> (7 - (pos & 7))) & 1 : 0;
  },
  range(start: number, end: number, total: number): [number, number] {
    if (start < 0) start += total;
    if (end < 0) end += total;
    start = Math.max(start, 0);
    end = Math.max(end, 0);
    if (end >= total) end = total - 1;
    return [start, end];
  },
  bitcount(buf: Buffer, start?: number, end?: number, isBit = false): number {
    let s = 0, e = buf.length * 8 - 1;
    if (start !== undefined && end !== undefined) {
      if (start < 0 && end < 0 && start > end) return 0;
      const [a, b] = model.range(start, end, isBit ? buf.length * 8 : buf.length);
      if (a > b) return 0;
      [s, e] = isBit ? [a, b] : [a * 8, b * 8 + 7];
    }
    let n = 0;
    for (let p = s; p <= e; p++) n += model.bitAt(buf, p);
    return n;
  },
  bitpos(buf: Buffer, bit: number, start?: number, end?: number, isBit = false): number {
    let s = 0, e = buf.length * 8 - 1;
    const endGiven = end !== undefined;
    if (start !== undefined) {
      const [a, b] = model.range(start, end ?? buf.length - 1, isBit ? buf.length * 8 : buf.length);
      if (a > b) return -1;
      [s, e] = isBit ? [a, b] : [a * 8, b * 8 + 7];
    }
    if (s > e) return -1;
    for (let p = s; p <= e; p++) if (model.bitAt(buf, p) === bit) return p;
    return bit === 0 && !endGiven ? e + 1 : -1;
  },
  field(buf: Buffer, off: number, bits: number, signed: boolean): bigint {
    let v = 0n;
    for (let k = 0; k < bits; k++) v = (v << 1n) | BigInt(model.bitAt(buf, off + k));
    if (signed && bits < 65 && (v >> BigInt(bits - 1)) & 1n) v -= 1n << BigInt(bits);
    return v;
  },
};
