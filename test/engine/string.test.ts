// String family through the engine in-process (debug build, fake clock).
// Expected replies were taken from redis-server 7.0.15; the differential test
// (test/diff/string.diff.test.ts) re-checks many of them against a live one.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';

/** Encoding and absolute TTL of a key, read with commands that touch no LRU bits. */
function peek(t: TestEngine, key: string, db = 0): { enc: string | null; expireAt: number } {
  const sel = (n: number) => expect(t.cmd('SELECT', String(n))).toBe('OK');
  if (db !== 0) sel(db);
  const enc = t.cmd('OBJECT', 'ENCODING', key) as string | null;
  const expireAt = t.cmd('PEXPIRETIME', key) as number;
  if (db !== 0) sel(0);
  return { enc, expireAt };
}

type Row = [args: (string | Buffer)[], raw: string];
/** Runs rows in order on one engine, comparing raw RESP replies. */
function run(t: TestEngine, rows: Row[]): void {
  for (const [args, raw] of rows) expect(`${args.join(' ')} -> ${t.rawCmd(...args)}`).toBe(`${args.join(' ')} -> ${raw}`);
}
const w = (s: string) => s.split(' ');
const NIL2 = '$-1\r\n';
const SYNTAX = '-ERR syntax error\r\n';
const NOTINT = '-ERR value is not an integer or out of range\r\n';
const NOTFLOAT = '-ERR value is not a valid float\r\n';
const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

describe('SET and friends', () => {
  it('replies and option errors', () => {
    run(new TestEngine(), [
      [w('SET k v'), '+OK\r\n'],
      [w('GET k'), bulk('v')],
      [w('SET k v2 NX'), NIL2],
      [w('SET k2 v XX'), NIL2],
      [w('SET k v3 XX GET'), bulk('v')],
      [w('SET n v NX GET'), NIL2],
      [w('GET n'), bulk('v')],
      [w('SET k v EX 0'), "-ERR invalid expire time in 'set' command\r\n"],
      [w('SET k v PX -1'), "-ERR invalid expire time in 'set' command\r\n"],
      [w('SET k v EX 9223372036854775807'), "-ERR invalid expire time in 'set' command\r\n"],
      [w('SET k v EX 9223372036854775'), "-ERR invalid expire time in 'set' command\r\n"],
      [w('SET k v PX 9223372036854775807'), "-ERR invalid expire time in 'set' command\r\n"],
      [w('SET k v EX x'), NOTINT],
      [w('SET k v EX 10 PX 10'), SYNTAX],
      [w('SET k v EX 10 KEEPTTL'), SYNTAX],
      [w('SET k v NX XX'), SYNTAX],
      [w('SET k v EX'), SYNTAX],
      [w('SET k v PERSIST'), SYNTAX],
      [w('SET k v EX 10 EX 20'), '+OK\r\n'],
      [['SET', 'k', 'v', Buffer.from('xx\0tail')], '+OK\r\n'],
      [w('SETNX k v'), ':0\r\n'],
      [w('SETNX k3 v'), ':1\r\n'],
      [w('SETEX k 0 v'), "-ERR invalid expire time in 'setex' command\r\n"],
      [w('PSETEX k 0 v'), "-ERR invalid expire time in 'psetex' command\r\n"],
      [w('SETEX k 10 v'), '+OK\r\n'],
      [w('GETSET k new'), bulk('v')],
      [w('GETSET none x'), NIL2],
      [w('GETDEL k'), bulk('new')],
      [w('GETDEL k'), NIL2],
      [w('MSET a 1 b 2'), '+OK\r\n'],
      [w('MSET a 1 b'), "-ERR wrong number of arguments for 'mset' command\r\n"],
      [w('MGET a b zz'), '*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n'],
      [w('MSETNX a 1 c 3'), ':0\r\n'],
      [w('GET c'), NIL2],
      [w('MSETNX c 3 d 4'), ':1\r\n'],
      [w('MSETNX c'), "-ERR wrong number of arguments for 'msetnx' command\r\n"],
    ]);
  });

  it('nil is _ in RESP3', () => {
    const t = new TestEngine();
    t.setProto(3);
    run(t, [[w('GET x'), '_\r\n'], [w('MGET x'), '*1\r\n_\r\n'], [w('SET x 1 XX'), '_\r\n'], [w('GETEX x'), '_\r\n']]);
  });

  it('stores int, embstr and raw like tryObjectEncoding', () => {
    const t = new TestEngine();
    const cases: [string, string][] = [['12345', 'int'], ['-9223372036854775808', 'int'], ['007', 'embstr'],
      ['-0', 'embstr'], ['99999999999999999999', 'embstr'], ['a'.repeat(44), 'embstr'], ['a'.repeat(45), 'raw']];
    for (const [v, enc] of cases) {
      t.cmd('SET', 'k', v);
      expect([v, peek(t, 'k').enc]).toEqual([v, enc]);
      expect(t.cmd('GET', 'k')).toBe(v);
    }
  });
});

describe('TTL handling with the fake clock', () => {
  it('EX/PX/EXAT/PXAT set absolute times; SET clears, KEEPTTL keeps', () => {
    const t = new TestEngine();
    t.cmd('SET', 'k', 'v', 'EX', '10');
    expect(peek(t, 'k').expireAt).toBe(t.now + 10_000);
    t.cmd('SET', 'k', 'v', 'PX', '1500');
    expect(peek(t, 'k').expireAt).toBe(t.now + 1500);
    t.cmd('SET', 'k', 'v2', 'KEEPTTL');
    expect(peek(t, 'k').expireAt).toBe(t.now + 1500);
    t.cmd('SET', 'k', 'v3');
    expect(peek(t, 'k').expireAt).toBe(-1);
    t.cmd('SET', 'k', 'v', 'EXAT', String(Math.floor(t.now / 1000) + 100));
    expect(peek(t, 'k').expireAt).toBe((Math.floor(t.now / 1000) + 100) * 1000);
    t.cmd('SET', 'k', 'v', 'PXAT', String(t.now + 7));
    expect(peek(t, 'k').expireAt).toBe(t.now + 7);
    t.cmd('SETEX', 'k', '5', 'v');
    expect(peek(t, 'k').expireAt).toBe(t.now + 5000);
    t.cmd('PSETEX', 'k', '5', 'v');
    expect(peek(t, 'k').expireAt).toBe(t.now + 5);
  });

  it('keys expire strictly after their time', () => {
    const t = new TestEngine();
    t.cmd('SET', 'k', 'v', 'PX', '100');
    t.advance(100);
    expect(t.cmd('GET', 'k')).toBe('v');
    t.advance(1);
    expect(t.cmd('GET', 'k')).toBe(null);
    expect(t.engine.x.expiresCount(0)).toBe(0);
    // A past absolute time leaves a key that is already gone on next access.
    t.cmd('SET', 'p', 'v', 'PXAT', String(t.now - 1));
    expect(t.cmd('GET', 'p')).toBe(null);
  });

  it('GETEX sets, persists, and deletes on a past EXAT/PXAT', () => {
    const t = new TestEngine();
    t.cmd('SET', 'k', 'v');
    expect(t.cmd('GETEX', 'k', 'EX', '100')).toBe('v');
    expect(peek(t, 'k').expireAt).toBe(t.now + 100_000);
    expect(t.cmd('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(peek(t, 'k').expireAt).toBe(-1);
    expect(t.rawCmd('GETEX', 'k', 'EX', '0')).toBe("-ERR invalid expire time in 'getex' command\r\n");
    expect(t.rawCmd('GETEX', 'nokey', 'EX', '0')).toBe(NIL2); // the key is looked up first
    expect(t.rawCmd('GETEX', 'k', 'PERSIST', 'EX', '1')).toBe(SYNTAX);
    expect(t.rawCmd('GETEX', 'k', 'KEEPTTL')).toBe(SYNTAX);
    expect(t.cmd('GETEX', 'k', 'PXAT', String(t.now))).toBe('v');
    expect(peek(t, 'k').enc).toBe(null);
  });

  it('INCR, INCRBYFLOAT, APPEND and SETRANGE keep the TTL; GETSET drops it', () => {
    const t = new TestEngine();
    for (const [args, key] of [[['INCR', 'a'], 'a'], [['INCRBYFLOAT', 'b', '1.5'], 'b'],
      [['APPEND', 'c', 'x'], 'c'], [['SETRANGE', 'd', '3', 'x'], 'd']] as [string[], string][]) {
      t.cmd('SET', key, '1', 'EX', '50');
      t.cmd(...args);
      expect([key, peek(t, key).expireAt]).toEqual([key, t.now + 50_000]);
    }
    t.cmd('SET', 'e', '1', 'EX', '50');
    t.cmd('GETSET', 'e', '2');
    expect(peek(t, 'e').expireAt).toBe(-1);
  });
});

describe('counters', () => {
  it('INCR family replies, errors and encoding', () => {
    const t = new TestEngine();
    run(t, [
      [w('INCR x'), ':1\r\n'], [w('INCRBY x 10'), ':11\r\n'], [w('DECR x'), ':10\r\n'], [w('DECRBY x 15'), ':-5\r\n'],
      [w('INCRBY x a'), NOTINT], [w('DECRBY x -9223372036854775808'), '-ERR decrement would overflow\r\n'],
      [w('SET m 9223372036854775807'), '+OK\r\n'], [w('INCR m'), '-ERR increment or decrement would overflow\r\n'],
      [w('SET m -9223372036854775808'), '+OK\r\n'], [w('DECR m'), '-ERR increment or decrement would overflow\r\n'],
      [w('SET f 1.5'), '+OK\r\n'], [w('INCR f'), NOTINT], [w('SET z 007'), '+OK\r\n'], [w('INCR z'), NOTINT],
    ]);
    t.cmd('SET', 'e', '41');
    expect(peek(t, 'x').enc).toBe('int');
    t.cmd('APPEND', 'e', '');
    expect(peek(t, 'e').enc).toBe('raw');
    expect(t.cmd('INCR', 'e')).toBe(42);
    expect(peek(t, 'e').enc).toBe('int');
  });

  // [stored value, increment, Redis 7.0.15's reply]
  const FLOATS: [string, string, string][] = [
    ['10.5', '0.1', '10.6'], ['0', '0.1', '0.1'], ['0.1', '0.2', '0.3'], ['3.0e3', '1', '3001'],
    ['1', '1e-17', '1.00000000000000001'], ['1', '5e-18', '1'], ['0', '1e-18', '0'], ['-1', '0.5', '-0.5'],
    ['1e100', '1', '9999999999999999999669353532207342619498699019828496079271391541752018669482644324418977840117055488'],
    ['0x10', '0x1p-3', '16.125'], ['9223372036854775807', '1', '9223372036854775808'], ['0', '-0.0', '0'],
    ['-0.0', '-0.0', '0'], ['5', '-5', '0'], ['0.3', '-0.1', '0.2'], ['1e-4940', '0', '0'],
    ['123456789.123456789', '0.000000001', '123456789.12345678999554366'],
  ];
  it.each(FLOATS)('INCRBYFLOAT %s + %s = %s (80-bit long double)', (v, incr, want) => {
    const t = new TestEngine();
    t.cmd('SET', 'k', v);
    expect(t.cmd('INCRBYFLOAT', 'k', incr)).toBe(want);
    expect(t.cmd('GET', 'k')).toBe(want);
    expect(peek(t, 'k').enc).toBe(want.length <= 44 ? 'embstr' : 'raw');
  });

  it('INCRBYFLOAT rejections', () => {
    const t = new TestEngine();
    run(t, [
      [w('INCRBYFLOAT k abc'), NOTFLOAT], [w('INCRBYFLOAT k nan'), NOTFLOAT], [w('INCRBYFLOAT k 1e4933'), NOTFLOAT],
      [w('INCRBYFLOAT k 1e-4951'), NOTFLOAT], [w('INCRBYFLOAT k 1e'), NOTFLOAT], [w('INCRBYFLOAT k 0x'), NOTFLOAT],
      [['INCRBYFLOAT', 'k', ' 1'], NOTFLOAT], [['INCRBYFLOAT', 'k', '1 '], NOTFLOAT], [['INCRBYFLOAT', 'k', Buffer.from('2\0')], NOTFLOAT],
      [['INCRBYFLOAT', 'k', '1'.repeat(5120)], NOTFLOAT],
      [w('INCRBYFLOAT k inf'), '-ERR increment would produce NaN or Infinity\r\n'],
      [w('SET k 1.1e4932'), '+OK\r\n'], [w('INCRBYFLOAT k 1.1e4932'), '-ERR increment would produce NaN or Infinity\r\n'],
      [w('SET k hello'), '+OK\r\n'], [w('INCRBYFLOAT k 1'), NOTFLOAT],
    ]);
  });
});

describe('ranges, APPEND, SETRANGE, STRLEN', () => {
  it('replies', () => {
    const t = new TestEngine();
    run(t, [
      [w('SET s Hello,World'), '+OK\r\n'], [w('GETRANGE s 0 4'), bulk('Hello')], [w('GETRANGE s -5 -1'), bulk('World')],
      [w('GETRANGE s -1 -5'), bulk('')], [w('GETRANGE s 0 100'), bulk('Hello,World')], [w('GETRANGE s 20 30'), bulk('')],
      [w('GETRANGE none 0 -1'), bulk('')], [w('GETRANGE s x 1'), NOTINT], [w('SUBSTR s 1 3'), bulk('ell')],
      [w('SET n 12345'), '+OK\r\n'], [w('GETRANGE n 1 2'), bulk('23')], [w('STRLEN n'), ':5\r\n'], [w('STRLEN none'), ':0\r\n'],
      [w('SETRANGE s 6 Redis'), ':11\r\n'], [w('GET s'), bulk('Hello,Redis')], [w('SETRANGE p 3 xy'), ':5\r\n'],
      [w('GET p'), bulk('\0\0\0xy')], [w('SETRANGE s -1 x'), '-ERR offset is out of range\r\n'],
      [['SETRANGE', 'q', '10', ''], ':0\r\n'], [w('GET q'), NIL2], [['SETRANGE', 's', '100', ''], ':11\r\n'],
      [w('SETRANGE s 536870911 ab'), '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n'],
      [w('APPEND a foo'), ':3\r\n'], [w('APPEND a bar'), ':6\r\n'], [w('GET a'), bulk('foobar')],
      [w('APPEND n 6'), ':6\r\n'], [w('GET n'), bulk('123456')],
    ]);
    expect(peek(t, 'n').enc).toBe('raw');
    expect(peek(t, 'p').enc).toBe('raw');
    t.cmd('APPEND', 'fresh', '12');
    expect(peek(t, 'fresh').enc).toBe('int');
    t.cmd('SET', 'r', '1');
    t.cmd('SETRANGE', 'r', '0', '2');
    expect(peek(t, 'r').enc).toBe('raw');
  });

  it('APPEND grows a long value', () => {
    const t = new TestEngine();
    let want = '';
    for (let i = 0; i < 300; i++) {
      const piece = `${i}-`.repeat(7);
      want += piece;
      expect(t.cmd('APPEND', 'k', piece)).toBe(want.length);
    }
    expect(t.cmd('GET', 'k')).toBe(want);
    expect(t.cmd('STRLEN', 'k')).toBe(want.length);
  });
});

describe('LCS', () => {
  it('RESP2 shapes', () => {
    const t = new TestEngine();
    t.cmd('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
    run(t, [
      [w('LCS key1 key2'), bulk('mytext')],
      [w('LCS key1 key2 LEN'), ':6\r\n'],
      [w('LCS key1 key2 IDX'), '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n'],
      [w('LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN'), '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n'],
      [w('LCS key1 key2 LEN IDX'), '-ERR If you want both the length and indexes, please just use IDX.\r\n'],
      [w('LCS key1 key2 MINMATCHLEN'), SYNTAX], [w('LCS key1 key2 MINMATCHLEN x'), NOTINT],
      [w('LCS key1 none'), bulk('')],
    ]);
  });

  it('RESP3 IDX is a map; non-strings are refused', () => {
    const t = new TestEngine();
    t.setProto(3);
    t.cmd('MSET', 'a', 'abc', 'b', 'xbc');
    expect(t.rawCmd('LCS', 'a', 'b', 'IDX')).toBe('%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:1\r\n:2\r\n*2\r\n:1\r\n:2\r\n$3\r\nlen\r\n:2\r\n');
  });
});

describe('types and keyspace statistics', () => {
  it('reads count hits and misses; writes do not', () => {
    const t = new TestEngine();
    const x = t.engine.x;
    t.cmd('SET', 'k', 'v');
    t.cmd('INCR', 'n');
    t.cmd('GET', 'k'); t.cmd('GET', 'no'); t.cmd('MGET', 'k', 'no', 'n'); t.cmd('STRLEN', 'k');
    expect([x.keyspaceHits(), x.keyspaceMisses()]).toEqual([4, 2]);
  });

  it('every string command refuses a non-string key', () => {
    const t = new TestEngine();
    const cmds: string[][] = [['GET', 'l'], ['GETDEL', 'l'], ['GETEX', 'l'], ['GETSET', 'l', 'v'], ['GETRANGE', 'l', '0', '1'],
      ['SUBSTR', 'l', '0', '1'], ['STRLEN', 'l'], ['APPEND', 'l', 'x'], ['SETRANGE', 'l', '0', 'x'], ['INCR', 'l'], ['DECR', 'l'],
      ['INCRBY', 'l', '1'], ['DECRBY', 'l', '1'], ['INCRBYFLOAT', 'l', '1'], ['SET', 'l', 'v', 'GET']];
    t.cmd('RPUSH', 'l', 'x'.repeat(50));
    for (const c of cmds) expect(`${c[0]} ${t.rawCmd(...c)}`).toBe(`${c[0]} ${WRONGTYPE}`);
    expect(t.rawCmd('LCS', 'l', 'x')).toBe('-ERR The specified keys must contain string values\r\n');
    expect(t.rawCmd('MGET', 'l')).toBe('*1\r\n$-1\r\n');
    expect(t.rawCmd('SET', 'l', 'v')).toBe('+OK\r\n');
    expect(t.cmd('GET', 'l')).toBe('v');
  });
});

describe('proto-max-bulk-len limits', () => {
  it('bounds APPEND, SETRANGE and the LCS table', () => {
    const t = new TestEngine();
    t.engine.x.setMaxBulkLen(1024 * 1024);
    const TOO_LONG = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n';
    t.cmd('SET', 'a', 'a'.repeat(600));
    t.cmd('SET', 'b', 'b'.repeat(600));
    // (601 * 601) cells of 4 bytes is just over 1 MiB; 401 * 601 is under.
    expect(t.rawCmd('LCS', 'a', 'b', 'LEN')).toBe('-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n');
    t.cmd('SET', 'b', 'b'.repeat(400));
    expect(t.cmd('LCS', 'a', 'b', 'LEN')).toBe(0);
    expect(t.rawCmd('APPEND', 'a', 'x'.repeat(1024 * 1024 - 600 + 1))).toBe(TOO_LONG);
    expect(t.cmd('APPEND', 'a', 'x'.repeat(1024 * 1024 - 600))).toBe(1024 * 1024);
    expect(t.rawCmd('SETRANGE', 'c', String(1024 * 1024), 'x')).toBe(TOO_LONG);
    expect(t.cmd('SETRANGE', 'c', String(1024 * 1024 - 1), 'x')).toBe(1024 * 1024);
    expect(t.cmd('STRLEN', 'a')).toBe(1024 * 1024);
  });
});
