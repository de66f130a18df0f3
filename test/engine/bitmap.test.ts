// Bitmap commands through the engine in-process. Literal expectations were
// checked against redis-server 7.0.15; range grids are checked against a
// small JS model of Redis's range rules, once per string encoding (int,
// embstr, raw). test/diff/bitmap.diff.test.ts compares with a live Redis.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const SYNTAX = '-ERR syntax error\r\n';
const NOT_INT = '-ERR value is not an integer or out of range\r\n';
const BIT_OFFSET = '-ERR bit offset is not an integer or out of range\r\n';
const BIT_VALUE = '-ERR bit is not an integer or out of range\r\n';
const BF_TYPE = '-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n';
const BF_RO = '-ERR BITFIELD_RO only supports the GET subcommand\r\n';
const BF_OVERFLOW = '-ERR Invalid OVERFLOW type specified\r\n';
const BITPOS_BIT = '-ERR The bit argument must be 1 or 0.\r\n';
const BITOP_NOT = '-ERR BITOP NOT must be called with a single source key.\r\n';

const int = (n: number | bigint) => `:${n}\r\n`;
const arr = (...items: string[]) => `*${items.length}\r\n${items.join('')}`;
const NIL = '$-1\r\n';
const bulk = (s: string | Buffer) => {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1');
  return `$${b.length}\r\n${b.toString('latin1')}\r\n`;
};

/** Runs `setup` then each [args, raw reply] row in order on a fresh engine. */
function runTable(setup: string[][], rows: [(string | number)[], string][]): void {
  const t = new TestEngine();
  // Arguments are bytes: '\xff' in a table means the byte 0xff.
  const bytes = (args: (string | number)[]) => args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
  for (const s of setup) t.cmd(...bytes(s));
  for (const [args, want] of rows) {
    expect(t.rawCmd(...bytes(args)), args.join(' ')).toBe(want);
  }
}

// The value "foobar" (0x66 6f 6f 62 61 72), used by Redis's own docs examples.
const FOOBAR: string[][] = [['SET', 's', 'foobar'], ['SET', 'n', '1234567'], ['SET', 'empty', ''], ['SET', 'wrong', 'x']];

describe('GETBIT / SETBIT', () => {
  it('reads and writes bits MSB first, growing with zeros', () => {
    runTable(FOOBAR, [
      [['GETBIT', 's', 1], int(1)],
      [['GETBIT', 's', 0], int(0)],
      [['GETBIT', 's', 47], int(0)],
      [['GETBIT', 's', 48], int(0)],
      [['GETBIT', 's', 4294967295], int(0)],
      [['GETBIT', 'nokey', 5], int(0)],
      [['GETBIT', 'n', 2], int(1)],      // '1' = 0x31
      [['GETBIT', 'n', 7], int(1)],
      [['GETBIT', 'n', 6], int(0)],
      [['SETBIT', 'b', 7, 1], int(0)],
      [['SETBIT', 'b', 7, 1], int(1)],
      [['SETBIT', 'b', 7, 0], int(1)],
      [['SETBIT', 'b', 17, 1], int(0)],
      [['GET', 'b'], bulk('\x00\x00\x40')],
      [['SETBIT', 'n', 7, 0], int(1)],   // int-encoded: edits the digits
      [['GET', 'n'], bulk('0234567')],
      [['SETBIT', 's', 49, 1], int(0)],
      [['GET', 's'], bulk('foobar\x40')],
    ]);
  });

  it('replies errors in Redis order: offset, value, type', () => {
    runTable([['SET', 's', 'foobar']], [
      [['SETBIT', 's', -1, 1], BIT_OFFSET],
      [['SETBIT', 's', 'x', 1], BIT_OFFSET],
      [['SETBIT', 's', '#1', 1], BIT_OFFSET],
      [['SETBIT', 's', 4294967296, 1], BIT_OFFSET],
      [['SETBIT', 's', 1, 2], BIT_VALUE],
      [['SETBIT', 's', 1, -1], BIT_VALUE],
      [['SETBIT', 's', 1, '01'], BIT_VALUE],
      [['SETBIT', 's', 1, 'x'], BIT_VALUE],
      [['GETBIT', 's', 4294967296], BIT_OFFSET],
      [['GETBIT', 'nokey', -1], BIT_OFFSET],
      [['GETBIT', 's', ' 1'], BIT_OFFSET],
      [['SETBIT', 's'], "-ERR wrong number of arguments for 'setbit' command\r\n"],
      [['GETBIT', 's'], "-ERR wrong number of arguments for 'getbit' command\r\n"],
    ]);
  });

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
  it('counts whole strings and ranges', () => {
    runTable(FOOBAR, [
      [['BITCOUNT', 's'], int(26)],
      [['BITCOUNT', 's', 0, 0], int(4)],
      [['BITCOUNT', 's', 1, 1], int(6)],
      [['BITCOUNT', 's', 1, 1, 'BYTE'], int(6)],
      [['BITCOUNT', 's', 5, 30, 'BIT'], int(17)],
      [['BITCOUNT', 's', 5, 30, 'bit'], int(17)],
      [['BITCOUNT', 's', 0, -1, 'BIT'], int(26)],
      [['BITCOUNT', 's', -100, 100], int(26)],
      [['BITCOUNT', 's', 3, 1], int(0)],
      [['BITCOUNT', 's', 6, 10], int(0)],
      [['BITCOUNT', 's', -1, -2, 'FOO'], int(0)],   // answered before the unit is read
      [['BITCOUNT', 'nokey', 'a', 'b'], int(0)],    // key looked up first
      [['BITCOUNT', 'nokey', 1], int(0)],
      [['BITCOUNT', 'n'], int(26)],
      [['BITCOUNT', 'n', 1, 2], int(7)],
      [['BITCOUNT', 'empty'], int(0)],
      [['BITCOUNT', 'empty', 0, -1, 'BIT'], int(0)],
      [['BITCOUNT', 's', 1], SYNTAX],
      [['BITCOUNT', 's', 0, 1, 'BIT', 'x'], SYNTAX],
      [['BITCOUNT', 's', 0, -1, 'FOO'], SYNTAX],
      [['BITCOUNT', 's', 'a', 1], NOT_INT],
      [['BITCOUNT', 's', 1, 'x', 'FOO'], NOT_INT],
      [['BITCOUNT'], "-ERR wrong number of arguments for 'bitcount' command\r\n"],
    ]);
  });

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
  it('finds set and clear bits with Redis special cases', () => {
    runTable([...FOOBAR, ['SET', 'ones', '\xff\xff\xff'], ['SET', 'zeros', '\x00\x00']], [
      [['BITPOS', 's', 1], int(1)],
      [['BITPOS', 's', 0], int(0)],
      [['BITPOS', 's', 1, 2], int(17)],
      [['BITPOS', 's', 1, 7, 15, 'BIT'], int(9)],
      [['BITPOS', 's', 0, 7, 15, 'BIT'], int(7)],
      [['BITPOS', 's', 1, -1], int(41)],
      [['BITPOS', 's', 0, 0, -1, 'BIT'], int(0)],
      [['BITPOS', 'ones', 0], int(24)],            // zero padding past the end
      [['BITPOS', 'ones', 0, 1], int(24)],
      [['BITPOS', 'ones', 0, 0, -1], int(-1)],     // explicit end: no padding
      [['BITPOS', 'ones', 0, 0, 100], int(-1)],
      [['BITPOS', 'ones', 0, 3, 20, 'BIT'], int(-1)],
      [['BITPOS', 'ones', 1, 3, 20, 'BIT'], int(3)],
      [['BITPOS', 'ones', 0, 5], int(-1)],         // empty range
      [['BITPOS', 'zeros', 1], int(-1)],
      [['BITPOS', 'zeros', 0], int(0)],
      [['BITPOS', 'zeros', 1, 0, -1, 'BIT'], int(-1)],
      [['BITPOS', 'empty', 0], int(-1)],
      [['BITPOS', 'empty', 1], int(-1)],
      [['BITPOS', 'nokey', 0], int(0)],
      [['BITPOS', 'nokey', 1], int(-1)],
      [['BITPOS', 'nokey', 1, 'x'], int(-1)],      // key looked up before the range
      [['BITPOS', 's', 0, -1, -2], int(-1)],
      [['BITPOS', 'n', 0], int(0)],
      [['BITPOS', 'n', 1, 1], int(10)],
      [['BITPOS', 's', 2], BITPOS_BIT],
      [['BITPOS', 'nokey', -1], BITPOS_BIT],
      [['BITPOS', 'nokey', 'x'], NOT_INT],
      [['BITPOS', 's', 1, 'x'], NOT_INT],
      [['BITPOS', 's', 1, 0, 'x'], NOT_INT],
      [['BITPOS', 's', 1, 0, 'x', 'FOO'], SYNTAX],  // unit is read before end
      [['BITPOS', 's', 1, 'x', 1, 'FOO'], NOT_INT],
      [['BITPOS', 's', 1, 0, 1, 'BIT', 7], SYNTAX],
    ]);
  });
});

describe('BITOP', () => {
  it('combines sources, zero-padding short and missing ones', () => {
    runTable([...FOOBAR, ['SET', 'a', 'abc'], ['SET', 'z', '\x0f']], [
      [['BITOP', 'AND', 'd', 's', 'a'], int(6)],
      [['GET', 'd'], bulk('`bc\x00\x00\x00')],
      [['BITOP', 'or', 'd', 's', 'a'], int(6)],
      [['GET', 'd'], bulk('goobar')],
      [['BITOP', 'XOR', 'd', 's', 'a', 'z'], int(6)],
      [['GET', 'd'], bulk('\x08\x0d\x0cbar')],
      [['BITOP', 'NOT', 'd', 'a'], int(3)],
      [['GET', 'd'], bulk('\x9e\x9d\x9c')],
      [['BITOP', 'AND', 'd', 's', 'nokey'], int(6)],
      [['GET', 'd'], bulk('\x00'.repeat(6))],
      [['BITOP', 'OR', 'd', 'n', 's'], int(7)],   // int-encoded source read as digits
      [['GET', 'd'], bulk('w\x7f\x7fvuv7')],
      [['BITOP', 'AND', 's', 's', 'a'], int(6)],  // destination among the sources
      [['GET', 's'], bulk('`bc\x00\x00\x00')],
      [['BITOP', 'OR', 'd', 'nokey', 'empty'], int(0)],
      [['GET', 'd'], NIL],                         // empty result deletes destkey
      [['BITOP', 'NOT', 'd', 'a', 'a'], BITOP_NOT],
      [['BITOP', 'NOT', 'd'], "-ERR wrong number of arguments for 'bitop' command\r\n"],
      [['BITOP', 'NAND', 'd', 'a'], SYNTAX],
    ]);
  });

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

describe('BITFIELD / BITFIELD_RO', () => {
  it('gets, sets and increments with every overflow mode', () => {
    runTable(FOOBAR, [
      [['BITFIELD', 's', 'GET', 'i8', 0, 'GET', 'u4', 4, 'GET', 'i64', 0, 'GET', 'u63', 3],
        arr(int(102), int(6), int(7381240782615871488n), int(1854847019899158528n))],
      [['BITFIELD', 's', 'GET', 'u8', '#1', 'GET', 'i8', 44, 'GET', 'u16', 40], arr(int(111), int(32), int(29184))],
      [['BITFIELD', 'nokey'], '*0\r\n'],
      [['BITFIELD', 'nokey', 'GET', 'i8', 0], arr(int(0))],
      [['BITFIELD', 'f', 'SET', 'i8', 0, 200, 'GET', 'i8', 0, 'INCRBY', 'i8', 0, 100,
        'OVERFLOW', 'SAT', 'INCRBY', 'i8', 0, 100, 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', 0, 100, 'GET', 'u8', 0],
        arr(int(0), int(-56), int(44), int(127), NIL, int(127))],
      [['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'SET', 'i8', 0, '-9223372036854775808', 'GET', 'i8', 0], arr(int(127), int(127))],
      [['BITFIELD', 'f', 'OVERFLOW', 'WRAP', 'SET', 'i8', 0, '-9223372036854775808', 'GET', 'i8', 0], arr(int(127), int(0))],
      [['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'SET', 'u8', 0, -5, 'GET', 'u8', 0], arr(int(0), int(255))],
      [['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', 0, -5, 'INCRBY', 'u8', 0, 300, 'GET', 'u8', 0], arr(NIL, NIL, int(255))],
      [['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', 0, -300, 'INCRBY', 'u2', 1, 5, 'OVERFLOW', 'WRAP', 'INCRBY', 'u3', 0, 9],
        arr(int(0), int(3), int(4))],
      [['BITFIELD', 'g', 'SET', 'i64', '#1', -1, 'INCRBY', 'i64', '#1', '-9223372036854775808',
        'OVERFLOW', 'SAT', 'INCRBY', 'i64', '#1', '-9223372036854775808', 'INCRBY', 'u63', 0, -5],
        arr(int(0), int(9223372036854775807n), int(-1), int(0))],
      [['GET', 'g'], bulk('\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff')],
      [['BITFIELD', 'h', 'SET', 'u1', 7, 1, 'SET', 'i1', 6, -1, 'GET', 'i2', 6, 'INCRBY', 'i1', 7, 1], arr(int(0), int(0), int(-1), int(0))],
      [['BITFIELD', 'n', 'INCRBY', 'u8', 0, 1], arr(int(50))],   // int-encoded: edits the digits
      [['GET', 'n'], bulk('2234567')],
      [['BITFIELD', 'u', 'GET', 'u8', '#2305843009213693952'], arr(int(0))], // '#' product wraps to 0
      [['BITFIELD_RO', 's', 'GET', 'i8', 0], arr(int(102))],
      [['BITFIELD_RO', 's', 'OVERFLOW', 'SAT', 'GET', 'i8', 0], arr(int(102))],
      [['BITFIELD_RO', 's', 'SET', 'i8', 0, 1], BF_RO],
      [['BITFIELD_RO', 's', 'INCRBY', 'i8', 0, 1, 'GET', 'u4', 0], BF_RO],
      [['BITFIELD_RO', 's', 'SET', 'i8', 0, 'x'], NOT_INT],       // parsing comes first
      [['BITFIELD_RO', 'nokey'], '*0\r\n'],
    ]);
  });

  it('rejects bad types, offsets, modes and syntax before touching the key', () => {
    runTable(FOOBAR, [
      [['BITFIELD', 's', 'GET', 'I8', 0], BF_TYPE],
      [['BITFIELD', 's', 'GET', 'u64', 0], BF_TYPE],
      [['BITFIELD', 's', 'GET', 'i65', 0], BF_TYPE],
      [['BITFIELD', 's', 'GET', 'i0', 0], BF_TYPE],
      [['BITFIELD', 's', 'GET', 'i08', 0], BF_TYPE],
      [['BITFIELD', 's', 'GET', 'i', 0], BF_TYPE],
      [['BITFIELD', 's', 'GET', '', 0], BF_TYPE],
      [['BITFIELD', 's', 'GET', 'i8', -1], BIT_OFFSET],
      [['BITFIELD', 's', 'GET', 'i8', '#-1'], BIT_OFFSET],
      [['BITFIELD', 's', 'GET', 'u8', '##1'], BIT_OFFSET],
      [['BITFIELD', 's', 'GET', 'i8', '+1'], BIT_OFFSET],
      [['BITFIELD', 's', 'GET', 'i8', 4294967296], BIT_OFFSET],
      [['BITFIELD', 's', 'GET', 'i8', 4294967295], arr(int(0))],
      [['BITFIELD', 's', 'GET', 'i8', '#536870912'], BIT_OFFSET],
      [['BITFIELD', 's', 'GET', 'i8', '#536870911'], arr(int(0))],
      [['BITFIELD', 's', 'GET', 'u8', '#1152921504606846976'], BIT_OFFSET],
      [['BITFIELD', 's', 'OVERFLOW', 'foo', 'GET', 'i8', 0], BF_OVERFLOW],
      [['BITFIELD', 's', 'OVERFLOW'], SYNTAX],
      [['BITFIELD', 's', 'GET', 'i8'], SYNTAX],
      [['BITFIELD', 's', 'SET', 'i8', 0], SYNTAX],
      [['BITFIELD', 's', 'foo'], SYNTAX],
      [['BITFIELD', 's', 'SET', 'i8', 0, 1, 'GET', 'u64', 0], BF_TYPE],
      [['GET', 's'], bulk('foobar')],                           // the valid SET did not run
      [['BITFIELD', 'new', 'SET', 'i8', 0, 'x'], NOT_INT],
      [['GET', 'new'], NIL],
    ]);
  });

  it('creates the key even when FAIL refuses every write, sized to the farthest bit', () => {
    runTable([], [
      [['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u2', 20, 9], arr(NIL)],
      [['GET', 'k'], bulk('\x00\x00\x00')],
      [['BITFIELD', 'k', 'SET', 'u8', 30, 255, 'GET', 'u16', 28], arr(int(0), int(0x3fc0))],
      [['GET', 'k'], bulk('\x00\x00\x00\x03\xfc')],
    ]);
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
