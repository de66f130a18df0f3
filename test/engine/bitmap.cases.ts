// Bitmap command cases as [arguments, raw RESP2 reply] rows, each table run
// in order on an empty keyspace after its setup. The engine test checks the
// replies written here; the differential test sends the same rows to a real
// redis-server 7.0 and to Vermilion and compares the bytes, which keeps the
// literals honest.

export const SYNTAX = '-ERR syntax error\r\n';
export const NOT_INT = '-ERR value is not an integer or out of range\r\n';
export const BIT_OFFSET = '-ERR bit offset is not an integer or out of range\r\n';
export const BIT_VALUE = '-ERR bit is not an integer or out of range\r\n';
export const BF_TYPE = '-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n';
export const BF_RO = '-ERR BITFIELD_RO only supports the GET subcommand\r\n';
export const BF_OVERFLOW = '-ERR Invalid OVERFLOW type specified\r\n';
export const BITPOS_BIT = '-ERR The bit argument must be 1 or 0.\r\n';
export const BITOP_NOT = '-ERR BITOP NOT must be called with a single source key.\r\n';

export const int = (n: number | bigint) => `:${n}\r\n`;
export const arr = (...items: string[]) => `*${items.length}\r\n${items.join('')}`;
export const NIL = '$-1\r\n';
export const bulk = (s: string | Buffer) => {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1');
  return `$${b.length}\r\n${b.toString('latin1')}\r\n`;
};

// The value "foobar" (0x66 6f 6f 62 61 72), used by Redis's own docs examples.
export const FOOBAR: string[][] = [['SET', 's', 'foobar'], ['SET', 'n', '1234567'], ['SET', 'empty', '']];

export interface BitmapTable {
  name: string;
  setup: string[][];
  rows: [(string | number)[], string][];
}

export const BITMAP_TABLES: BitmapTable[] = [
  {
    name: 'reads and writes bits MSB first, growing with zeros',
    setup: FOOBAR,
    rows: [
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
    ],
  },
  {
    name: 'replies errors in Redis order: offset, value, type',
    setup: [['SET', 's', 'foobar']],
    rows: [
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
    ],
  },
  {
    name: 'counts whole strings and ranges',
    setup: FOOBAR,
    rows: [
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
    ],
  },
  {
    name: 'finds set and clear bits with Redis special cases',
    setup: [...FOOBAR, ['SET', 'ones', '\xff\xff\xff'], ['SET', 'zeros', '\x00\x00']],
    rows: [
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
    ],
  },
  {
    name: 'combines sources, zero-padding short and missing ones',
    setup: [...FOOBAR, ['SET', 'a', 'abc'], ['SET', 'z', '\x0f']],
    rows: [
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
    ],
  },
  {
    name: 'gets, sets and increments with every overflow mode',
    setup: FOOBAR,
    rows: [
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
      [['BITFIELD', 'w', 'SET', 'i8', 0, 5, 'INCRBY', 'i8', 0, '-9223372036854775808', 'INCRBY', 'i51', 8, '-9223372036854775808'],
        arr(int(0), int(5), int(0))],               // WRAP keeps only the field's bits
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
    ],
  },
  {
    name: 'rejects bad types, offsets, modes and syntax before touching the key',
    setup: FOOBAR,
    rows: [
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
    ],
  },
  {
    name: 'creates the key even when FAIL refuses every write, sized to the farthest bit',
    setup: [],
    rows: [
      [['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u2', 20, 9], arr(NIL)],
      [['GET', 'k'], bulk('\x00\x00\x00')],
      [['BITFIELD', 'k', 'SET', 'u8', 30, 255, 'GET', 'u16', 28], arr(int(0), int(0x3fc0))],
      [['GET', 'k'], bulk('\x00\x00\x00\x03\xfc')],
    ],
  },
];
