// The generic keyspace family (assembly/commands/keys.ts) through the engine,
// with the fake clock for every TTL rule. Expected replies were checked
// against redis-server 7.0.15 (see also test/diff/keys.diff.test.ts).
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import type { RespValue } from '../helpers/resp.js';

const T0 = 1_700_000_000_000; // TestEngine's starting clock, a whole second
const S0 = T0 / 1000;
const err = (error: string) => ({ error });
const NOT_INT = err('ERR value is not an integer or out of range');
const INT_RANGE = err('ERR value is out of range, value must between -2147483648 and 2147483647');
const DB_RANGE = err('ERR DB index is out of range');
const SAME = err('ERR source and destination objects are the same');
const SYNTAX = err('ERR syntax error');
const LONG = 'x'.repeat(45); // past the 44-byte embstr limit

// A step runs a command and checks its reply, or moves the fake clock.
type Step = [(string | number)[], RespValue] | { advance: number } | { lfu: boolean } | { shared: boolean };
type Case = [name: string, steps: Step[]];

function run(steps: Step[], t = new TestEngine()): TestEngine {
  for (const [i, s] of steps.entries()) {
    if ('advance' in s) t.advance(s.advance);
    else if ('lfu' in s) t.engine.x.setEvictionBits(s.lfu ? 1 : 0, 10, 1);
    else if ('shared' in s) t.engine.x.setSharedIntegers(s.shared ? 1 : 0);
    else expect(t.cmd(...s[0]), `step ${i}: ${s[0].join(' ')}`).toEqual(s[1]);
  }
  return t;
}

const cases: Case[] = [
  // ---- EXPIRE family ----
  ['EXPIRE on a missing key', [[['EXPIRE', 'k', 100], 0], [['PEXPIRE', 'k', 100], 0], [['EXPIREAT', 'k', S0 + 9], 0]]],
  ['EXPIRE sets, TTL rounds, keys vanish after', [
    [['SET', 'k', 'v'], 'OK'], [['EXPIRE', 'k', 100], 1], [['TTL', 'k'], 100], [['PTTL', 'k'], 100000],
    { advance: 40_400 }, [['TTL', 'k'], 60], [['PTTL', 'k'], 59_600],
    { advance: 100 }, [['TTL', 'k'], 60], { advance: 1 }, [['TTL', 'k'], 59], // 59500 ms rounds up, 59499 down
  ]],
  ['TTL rounding to nearest second', [
    [['SET', 'k', 'v'], 'OK'], [['PEXPIRE', 'k', 1499], 1], [['TTL', 'k'], 1],
    [['PEXPIRE', 'k', 1500], 1], [['TTL', 'k'], 2], [['PEXPIRE', 'k', 499], 1], [['TTL', 'k'], 0],
  ]],
  ['a TTL ending exactly now is still alive; one ms later it is gone', [
    [['SET', 'k', 'v'], 'OK'], [['PEXPIRE', 'k', 1], 1], { advance: 1 },
    [['PTTL', 'k'], 0], [['TTL', 'k'], 0], [['EXISTS', 'k'], 1], { advance: 1 },
    [['PTTL', 'k'], -2], [['TTL', 'k'], -2], [['EXISTS', 'k'], 0], [['TYPE', 'k'], 'none'], [['GET', 'k'], null],
  ]],
  ['zero or negative relative time deletes the key', [
    [['SET', 'a', 'v'], 'OK'], [['EXPIRE', 'a', 0], 1], [['EXISTS', 'a'], 0],
    [['SET', 'b', 'v'], 'OK'], [['PEXPIRE', 'b', -5], 1], [['EXISTS', 'b'], 0],
    [['SET', 'c', 'v'], 'OK'], [['EXPIRE', 'c', '-9223372036854775'], 1], [['EXISTS', 'c'], 0],
  ]],
  ['past or present absolute time deletes the key', [
    [['SET', 'a', 'v'], 'OK'], [['EXPIREAT', 'a', 1], 1], [['EXISTS', 'a'], 0],
    [['SET', 'b', 'v'], 'OK'], [['PEXPIREAT', 'b', T0], 1], [['EXISTS', 'b'], 0],
    [['SET', 'c', 'v'], 'OK'], [['PEXPIREAT', 'c', T0 + 1], 1], [['PTTL', 'c'], 1],
    [['SET', 'd', 'v'], 'OK'], [['EXPIREAT', 'd', -1], 1], [['EXISTS', 'd'], 0],
  ]],
  ['EXPIREAT / PEXPIREAT and EXPIRETIME / PEXPIRETIME', [
    [['SET', 'k', 'v'], 'OK'], [['EXPIRETIME', 'k'], -1], [['PEXPIRETIME', 'k'], -1],
    [['EXPIRETIME', 'nokey'], -2], [['PEXPIRETIME', 'nokey'], -2],
    [['EXPIREAT', 'k', S0 + 100], 1], [['EXPIRETIME', 'k'], S0 + 100], [['PEXPIRETIME', 'k'], T0 + 100_000],
    [['TTL', 'k'], 100], [['PEXPIREAT', 'k', T0 + 1499], 1], [['EXPIRETIME', 'k'], S0 + 1],
    [['PEXPIREAT', 'k', T0 + 1500], 1], [['EXPIRETIME', 'k'], S0 + 2], [['PEXPIRETIME', 'k'], T0 + 1500],
    { advance: 1000 }, [['PEXPIRETIME', 'k'], T0 + 1500], [['PTTL', 'k'], 500],
  ]],
  ['NX applies only without a TTL', [
    [['SET', 'k', 'v'], 'OK'], [['EXPIRE', 'k', 100, 'NX'], 1], [['EXPIRE', 'k', 200, 'nx'], 0], [['TTL', 'k'], 100],
    [['EXPIRE', 'k', 0, 'NX'], 0], [['EXISTS', 'k'], 1],
    [['SET', 'j', 'v'], 'OK'], [['EXPIRE', 'j', -1, 'NX'], 1], [['EXISTS', 'j'], 0],
  ]],
  ['XX applies only with a TTL', [
    [['SET', 'k', 'v'], 'OK'], [['EXPIRE', 'k', 100, 'XX'], 0], [['TTL', 'k'], -1],
    [['EXPIRE', 'k', 100], 1], [['EXPIRE', 'k', 50, 'XX'], 1], [['TTL', 'k'], 50],
    [['EXPIRE', 'k', 0, 'XX'], 1], [['EXISTS', 'k'], 0],
  ]],
  ['GT: no TTL counts as infinite; equal is not greater', [
    [['SET', 'k', 'v'], 'OK'], [['EXPIRE', 'k', 100, 'GT'], 0], [['TTL', 'k'], -1],
    [['EXPIRE', 'k', 100], 1], [['EXPIRE', 'k', 100, 'GT'], 0], [['EXPIRE', 'k', 50, 'GT'], 0],
    [['EXPIRE', 'k', 200, 'GT'], 1], [['TTL', 'k'], 200], [['EXPIRE', 'k', -1, 'GT'], 0], [['EXISTS', 'k'], 1],
    [['PEXPIREAT', 'k', T0 + 300_000, 'GT', 'XX'], 1], [['TTL', 'k'], 300],
  ]],
  ['LT: no TTL counts as infinite, so any time is less', [
    [['SET', 'k', 'v'], 'OK'], [['EXPIRE', 'k', 100, 'LT'], 1], [['TTL', 'k'], 100],
    [['EXPIRE', 'k', 100, 'LT'], 0], [['EXPIRE', 'k', 200, 'lt'], 0], [['EXPIRE', 'k', 50, 'LT'], 1], [['TTL', 'k'], 50],
    [['EXPIRE', 'k', 10, 'LT', 'XX'], 1], [['TTL', 'k'], 10],
    [['SET', 'j', 'v'], 'OK'], [['EXPIRE', 'j', -10, 'LT'], 1], [['EXISTS', 'j'], 0],
    [['SET', 'i', 'v'], 'OK'], [['EXPIRE', 'i', 5, 'LT', 'XX'], 0], [['TTL', 'i'], -1],
  ]],
  ['EXPIRE option errors (checked before the number and the key)', [
    [['EXPIRE', 'k', 10, 'NX', 'XX'], err('ERR NX and XX, GT or LT options at the same time are not compatible')],
    [['EXPIRE', 'k', 10, 'NX', 'GT'], err('ERR NX and XX, GT or LT options at the same time are not compatible')],
    [['EXPIRE', 'k', 10, 'LT', 'NX'], err('ERR NX and XX, GT or LT options at the same time are not compatible')],
    [['PEXPIRE', 'k', 10, 'GT', 'LT'], err('ERR GT and LT options at the same time are not compatible')],
    [['EXPIRE', 'k', 10, 'foo'], err('ERR Unsupported option foo')],
    [['EXPIRE', 'k', 'x', 'foo'], err('ERR Unsupported option foo')],
    [['EXPIRE', 'k', 'x', 'NX', 'NX'], NOT_INT],
    [['EXPIRE', 'k', 'x'], NOT_INT], [['PEXPIREAT', 'k', '1.5'], NOT_INT], [['EXPIRE', 'k', ''], NOT_INT],
    [['EXPIRE', 'k', '9223372036854775808'], NOT_INT],
  ]],
  ['EXPIRE overflow errors name the command', [
    [['SET', 'k', 'v'], 'OK'],
    [['EXPIRE', 'k', '9223372036854775807'], err("ERR invalid expire time in 'expire' command")],
    [['EXPIRE', 'nokey', '9223372036854775807'], err("ERR invalid expire time in 'expire' command")],
    [['EXPIRE', 'k', '9223372036854775'], err("ERR invalid expire time in 'expire' command")],
    [['EXPIRE', 'k', '-9223372036854776'], err("ERR invalid expire time in 'expire' command")],
    [['PEXPIRE', 'k', '9223372036854775807'], err("ERR invalid expire time in 'pexpire' command")],
    [['EXPIREAT', 'k', '-9223372036854775808'], err("ERR invalid expire time in 'expireat' command")],
    [['EXPIREAT', 'k', '9223372036854776'], err("ERR invalid expire time in 'expireat' command")],
    [['TTL', 'k'], -1],
    [['EXPIREAT', 'k', '9223372036854775'], 1], [['PEXPIRETIME', 'k'], 9223372036854775000n],
    [['PEXPIREAT', 'k', '9223372036854775807'], 1], [['PEXPIRETIME', 'k'], 9223372036854775807n],
    [['EXPIRETIME', 'k'], 9223372036854776n],
  ]],
  ['PERSIST', [
    [['PERSIST', 'nokey'], 0], [['SET', 'k', 'v'], 'OK'], [['PERSIST', 'k'], 0],
    [['EXPIRE', 'k', 10], 1], [['PERSIST', 'k'], 1], [['TTL', 'k'], -1], [['PERSIST', 'k'], 0],
    { advance: 20_000 }, [['GET', 'k'], 'v'],
    [['PEXPIRE', 'k', 10], 1], { advance: 11 }, [['PERSIST', 'k'], 0], [['EXISTS', 'k'], 0],
  ]],
  ['a long key gets a TTL (entry reallocation) and keeps its value and encoding', [
    [['SET', 'k'.repeat(100), 'v'.repeat(44)], 'OK'], [['EXPIRE', 'k'.repeat(100), 10], 1],
    [['GET', 'k'.repeat(100)], 'v'.repeat(44)], [['OBJECT', 'ENCODING', 'k'.repeat(100)], 'embstr'],
    [['SET', 'i', 123], 'OK'], [['EXPIRE', 'i', 10], 1], [['GET', 'i'], '123'], [['OBJECT', 'ENCODING', 'i'], 'int'],
    [['SET', 'r', LONG], 'OK'], [['EXPIRE', 'r', 10], 1], [['GET', 'r'], LONG], [['OBJECT', 'ENCODING', 'r'], 'raw'],
  ]],

  // ---- DEL UNLINK EXISTS TOUCH TYPE ----
  ['DEL / UNLINK count existing keys', [
    [['DEL', 'a'], 0], [['SET', 'a', 1], 'OK'], [['SET', 'b', 2], 'OK'], [['SET', 'c', 3], 'OK'],
    [['DEL', 'a', 'a', 'x'], 1], [['UNLINK', 'b', 'c', 'y'], 2], [['UNLINK', 'b'], 0], [['DBSIZE'], 0],
    [['SET', 'e', 1], 'OK'], [['PEXPIRE', 'e', 5], 1], { advance: 6 }, [['DEL', 'e'], 0],
  ]],
  ['EXISTS counts repeats; TOUCH counts existing keys', [
    [['SET', 'a', 1], 'OK'], [['EXISTS', 'a', 'a', 'b', 'a'], 3], [['EXISTS', 'b'], 0],
    [['TOUCH', 'a', 'b', 'a'], 2], [['TOUCH', 'nokey'], 0],
  ]],
  ['TYPE', [
    [['TYPE', 'k'], 'none'], [['SET', 'k', 'v'], 'OK'], [['TYPE', 'k'], 'string'],
    [['SET', 'n', 5], 'OK'], [['TYPE', 'n'], 'string'],
    [['PEXPIRE', 'k', 1], 1], { advance: 2 }, [['TYPE', 'k'], 'none'],
  ]],

  // ---- RENAME RENAMENX ----
  ['RENAME errors and same-key no-ops', [
    [['RENAME', 'nokey', 'x'], err('ERR no such key')], [['RENAME', 'nokey', 'nokey'], err('ERR no such key')],
    [['RENAMENX', 'nokey', 'x'], err('ERR no such key')], [['RENAMENX', 'nokey', 'nokey'], err('ERR no such key')],
    [['SET', 'k', 'v'], 'OK'], [['RENAME', 'k', 'k'], 'OK'], [['RENAMENX', 'k', 'k'], 0], [['GET', 'k'], 'v'],
    [['PEXPIRE', 'k', 1], 1], { advance: 2 }, [['RENAME', 'k', 'x'], err('ERR no such key')],
  ]],
  ['RENAME moves the value and carries the TTL', [
    [['SET', 'a', 'hello'], 'OK'], [['PEXPIRE', 'a', 5000], 1], [['RENAME', 'a', 'b'], 'OK'],
    [['EXISTS', 'a'], 0], [['GET', 'b'], 'hello'], [['PTTL', 'b'], 5000], { advance: 5001 }, [['EXISTS', 'b'], 0],
  ]],
  ['RENAME overwrites the destination and its TTL', [
    [['SET', 'a', 'A'], 'OK'], [['SET', 'b', 'B'], 'OK'], [['EXPIRE', 'b', 100], 1],
    [['RENAME', 'a', 'b'], 'OK'], [['GET', 'b'], 'A'], [['TTL', 'b'], -1], [['DBSIZE'], 1],
  ]],
  ['RENAMENX keeps an existing destination, takes an expired one', [
    [['SET', 'a', 'A'], 'OK'], [['SET', 'b', 'B'], 'OK'], [['RENAMENX', 'a', 'b'], 0],
    [['GET', 'a'], 'A'], [['GET', 'b'], 'B'], [['PEXPIRE', 'b', 1], 1], { advance: 2 },
    [['RENAMENX', 'a', 'b'], 1], [['GET', 'b'], 'A'], [['EXISTS', 'a'], 0],
  ]],
  ['RENAME keeps encoding and refcount (same object)', [
    [['SET', 'i', 7], 'OK'], [['SET', 'e', 'short'], 'OK'], [['SET', 'r', LONG], 'OK'], { advance: 10_000 },
    [['RENAME', 'i', 'i2'], 'OK'], [['RENAME', 'e', 'a-much-longer-key-name-than-before'], 'OK'], [['RENAME', 'r', 'r2'], 'OK'],
    [['OBJECT', 'ENCODING', 'i2'], 'int'], [['OBJECT', 'REFCOUNT', 'i2'], 2147483647], [['GET', 'i2'], '7'],
    [['OBJECT', 'ENCODING', 'a-much-longer-key-name-than-before'], 'embstr'],
    [['GET', 'a-much-longer-key-name-than-before'], 'short'],
    [['OBJECT', 'ENCODING', 'r2'], 'raw'], [['GET', 'r2'], LONG],
  ]],

  // ---- MOVE ----
  ['MOVE moves key and TTL to another db', [
    [['SET', 'k', 'v'], 'OK'], [['PEXPIRE', 'k', 3000], 1], [['MOVE', 'k', 1], 1], [['EXISTS', 'k'], 0],
    [['SELECT', 1], 'OK'], [['GET', 'k'], 'v'], [['PTTL', 'k'], 3000], [['MOVE', 'k', 0], 1],
    [['SELECT', 0], 'OK'], [['GET', 'k'], 'v'], { advance: 3001 }, [['EXISTS', 'k'], 0],
  ]],
  ['MOVE returns 0 for a missing key or an existing destination', [
    [['MOVE', 'nokey', 1], 0], [['SET', 'k', 'here'], 'OK'], [['SELECT', 3], 'OK'], [['SET', 'k', 'there'], 'OK'],
    [['SELECT', 0], 'OK'], [['MOVE', 'k', 3], 0], [['GET', 'k'], 'here'],
    [['SELECT', 3], 'OK'], [['PEXPIRE', 'k', 1], 1], { advance: 2 }, [['SELECT', 0], 'OK'], [['MOVE', 'k', 3], 1],
  ]],
  ['MOVE errors', [
    [['SET', 'k', 'v'], 'OK'], [['MOVE', 'k', 0], SAME], [['MOVE', 'nokey', 0], SAME],
    [['MOVE', 'k', 16], DB_RANGE], [['MOVE', 'k', -1], DB_RANGE], [['MOVE', 'k', 'x'], NOT_INT],
    [['MOVE', 'k', '2147483648'], INT_RANGE], [['MOVE', 'k', '-2147483649'], INT_RANGE],
    [['MOVE', 'k', '99999999999999999999'], NOT_INT], [['GET', 'k'], 'v'],
  ]],

  // ---- COPY ----
  ['COPY basics', [
    [['SET', 'a', 'hello'], 'OK'], [['COPY', 'a', 'b'], 1], [['GET', 'b'], 'hello'], [['GET', 'a'], 'hello'],
    [['SET', 'a', 'new'], 'OK'], [['COPY', 'a', 'b'], 0], [['GET', 'b'], 'hello'],
    [['COPY', 'a', 'b', 'REPLACE'], 1], [['GET', 'b'], 'new'], [['COPY', 'nokey', 'b'], 0], [['COPY', 'nokey', 'b', 'replace'], 0],
    [['GET', 'b'], 'new'],
  ]],
  ['COPY to another db, options in any order and repeated', [
    [['SET', 'a', 'v'], 'OK'], [['COPY', 'a', 'a', 'DB', 1], 1], [['COPY', 'a', 'a', 'db', 0], SAME],
    [['COPY', 'a', 'b', 'REPLACE', 'REPLACE', 'DB', 1, 'DB', 2], 1],
    [['SELECT', 2], 'OK'], [['GET', 'b'], 'v'], [['SELECT', 1], 'OK'], [['GET', 'a'], 'v'], [['EXISTS', 'b'], 0],
  ]],
  ['COPY errors', [
    [['SET', 'a', 'v'], 'OK'], [['COPY', 'a', 'a'], SAME], [['COPY', 'nokey', 'nokey'], SAME],
    [['COPY', 'a', 'b', 'DB', 16], DB_RANGE], [['COPY', 'a', 'b', 'DB', -1], DB_RANGE],
    [['COPY', 'a', 'b', 'DB', 'x'], NOT_INT], [['COPY', 'a', 'b', 'DB', '2147483648'], INT_RANGE],
    [['COPY', 'a', 'b', 'DB'], SYNTAX], [['COPY', 'a', 'b', 'foo'], SYNTAX], [['COPY', 'a', 'b', 'DB', 1, 'x'], SYNTAX],
    [['DBSIZE'], 1],
  ]],
  ['COPY carries the TTL; an expired source copies nothing; an expired destination is replaced', [
    [['SET', 'a', 'v'], 'OK'], [['PEXPIRE', 'a', 2000], 1], [['COPY', 'a', 'b'], 1], [['PTTL', 'b'], 2000],
    [['SET', 'c', 'C'], 'OK'], [['PEXPIRE', 'c', 500], 1], [['COPY', 'c', 'd', 'DB', 5], 1],
    { advance: 600 }, [['COPY', 'c', 'e'], 0], [['SELECT', 5], 'OK'], [['EXISTS', 'd'], 0], [['SELECT', 0], 'OK'],
    [['SET', 'x', 'X'], 'OK'], [['COPY', 'x', 'b'], 0], { advance: 1500 }, [['COPY', 'x', 'b'], 1],
    [['TTL', 'b'], -1], [['GET', 'b'], 'X'],
  ]],
  ['COPY keeps encodings; copied small ints are not shared', [
    [['SET', 'i', 100], 'OK'], [['SET', 'e', 'short'], 'OK'], [['SET', 'r', LONG], 'OK'],
    [['COPY', 'i', 'i2'], 1], [['COPY', 'e', 'e2'], 1], [['COPY', 'r', 'r2'], 1],
    [['OBJECT', 'ENCODING', 'i2'], 'int'], [['OBJECT', 'ENCODING', 'e2'], 'embstr'], [['OBJECT', 'ENCODING', 'r2'], 'raw'],
    [['OBJECT', 'REFCOUNT', 'i'], 2147483647], [['OBJECT', 'REFCOUNT', 'i2'], 1],
    [['GET', 'i2'], '100'], [['GET', 'e2'], 'short'], [['GET', 'r2'], LONG],
    // The raw copy owns its bytes: freeing the original and reusing its block leaves it intact.
    [['DEL', 'r'], 1], [['SET', 'r', 'y'.repeat(45)], 'OK'], [['GET', 'r2'], LONG],
    [['RENAME', 'i2', 'i3'], 'OK'], [['OBJECT', 'REFCOUNT', 'i3'], 1],
    // INCR into the shared range hands back Redis's shared object.
    [['INCR', 'i3'], 101], [['OBJECT', 'REFCOUNT', 'i3'], 2147483647],
    [['COPY', 'i3', 'i4'], 1], [['INCRBY', 'i4', 20000], 20101], [['OBJECT', 'REFCOUNT', 'i4'], 1],
  ]],
  ['COPY makes a new object (fresh idle time) and touches the source', [
    [['SET', 'a', 'v'], 'OK'], [['SET', 'b', 'w'], 'OK'], { advance: 10_000 },
    [['OBJECT', 'IDLETIME', 'a'], 10], [['COPY', 'a', 'c'], 1], [['OBJECT', 'IDLETIME', 'c'], 0], [['OBJECT', 'IDLETIME', 'a'], 0],
    { advance: 5000 }, [['COPY', 'b', 'c', 'REPLACE'], 1], [['OBJECT', 'IDLETIME', 'c'], 0],
  ]],

  // ---- OBJECT ----
  ['OBJECT ENCODING', [
    [['OBJECT', 'ENCODING', 'nokey'], null], [['SET', 'i', '-123'], 'OK'], [['OBJECT', 'ENCODING', 'i'], 'int'],
    [['SET', 'e', 'x'.repeat(44)], 'OK'], [['OBJECT', 'encoding', 'e'], 'embstr'],
    [['SET', 'r', LONG], 'OK'], [['OBJECT', 'ENCODING', 'r'], 'raw'],
    [['SET', 'big', '12345678901234567890123'], 'OK'], [['OBJECT', 'ENCODING', 'big'], 'embstr'],
    [['SET', 'lz', '0123'], 'OK'], [['OBJECT', 'ENCODING', 'lz'], 'embstr'],
  ]],
  ['OBJECT REFCOUNT: shared integers 0..9999 report INT_MAX', [
    [['OBJECT', 'REFCOUNT', 'nokey'], null],
    [['SET', 'a', 0], 'OK'], [['OBJECT', 'REFCOUNT', 'a'], 2147483647],
    [['SET', 'a', 9999], 'OK'], [['OBJECT', 'REFCOUNT', 'a'], 2147483647],
    [['SET', 'a', 10000], 'OK'], [['OBJECT', 'REFCOUNT', 'a'], 1],
    [['SET', 'a', -5], 'OK'], [['OBJECT', 'REFCOUNT', 'a'], 1],
    [['SET', 'a', 'hello'], 'OK'], [['OBJECT', 'REFCOUNT', 'a'], 1],
    [['SET', 'b', 5], 'OK'], { shared: false }, [['SET', 'c', 5], 'OK'],
    [['OBJECT', 'REFCOUNT', 'c'], 1], [['OBJECT', 'REFCOUNT', 'b'], 2147483647],
    { shared: true }, [['OBJECT', 'REFCOUNT', 'c'], 1], [['SET', 'c', 5], 'OK'], [['OBJECT', 'REFCOUNT', 'c'], 2147483647],
  ]],
  ['OBJECT IDLETIME: only real accesses reset it', [
    [['OBJECT', 'IDLETIME', 'nokey'], null], [['SET', 'k', 'v'], 'OK'], [['OBJECT', 'IDLETIME', 'k'], 0],
    { advance: 5500 }, [['OBJECT', 'IDLETIME', 'k'], 5], [['OBJECT', 'IDLETIME', 'k'], 5],
    [['TYPE', 'k'], 'string'], [['EXISTS', 'k'], 1], [['TTL', 'k'], -1], [['PTTL', 'k'], -1],
    [['EXPIRETIME', 'k'], -1], [['OBJECT', 'ENCODING', 'k'], 'embstr'], [['OBJECT', 'REFCOUNT', 'k'], 1],
    [['KEYS', '*'], ['k']], [['SCAN', 0], ['0', ['k']]], [['SCAN', 0, 'TYPE', 'string'], ['0', ['k']]],
    [['OBJECT', 'IDLETIME', 'k'], 5],
    [['TOUCH', 'k'], 1], [['OBJECT', 'IDLETIME', 'k'], 0],
    { advance: 3000 }, [['GET', 'k'], 'v'], [['OBJECT', 'IDLETIME', 'k'], 0],
    { advance: 3000 }, [['EXPIRE', 'k', 100], 1], [['OBJECT', 'IDLETIME', 'k'], 0],
    { advance: 3000 }, [['PERSIST', 'k'], 1], [['OBJECT', 'IDLETIME', 'k'], 0],
    { advance: 3000 }, [['MOVE', 'k', 1], 1], [['SELECT', 1], 'OK'], [['OBJECT', 'IDLETIME', 'k'], 0],
    { advance: 3000 }, [['RENAME', 'k', 'j'], 'OK'], [['OBJECT', 'IDLETIME', 'j'], 0],
    { advance: 3000 }, [['RENAME', 'j', 'j'], 'OK'], [['OBJECT', 'IDLETIME', 'j'], 0],
    { advance: 3000 }, [['DEL', 'nokey'], 0], [['EXPIRE', 'nokey', 1], 0], [['OBJECT', 'IDLETIME', 'j'], 3],
  ]],
  ['OBJECT FREQ needs an LFU policy; IDLETIME needs its absence', [
    [['SET', 'k', 'v'], 'OK'],
    [['OBJECT', 'FREQ', 'k'], err('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.')],
    [['OBJECT', 'FREQ', 'nokey'], null],
    { lfu: true }, [['SET', 'f', 'hello'], 'OK'], [['OBJECT', 'FREQ', 'f'], 5], [['OBJECT', 'FREQ', 'f'], 5],
    [['GET', 'f'], 'hello'], [['OBJECT', 'FREQ', 'f'], 6], [['TYPE', 'f'], 'string'], [['OBJECT', 'FREQ', 'f'], 6],
    { advance: 120_000 }, [['OBJECT', 'FREQ', 'f'], 4],
    [['OBJECT', 'IDLETIME', 'f'], err('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.')],
    [['OBJECT', 'IDLETIME', 'nokey'], null],
  ]],
  ['OBJECT HELP and arity', [
    [['OBJECT', 'HELP'], [
      'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'ENCODING <key>',
      '    Return the kind of internal representation used in order to store the value',
      '    associated with a <key>.',
      'FREQ <key>',
      '    Return the access frequency index of the <key>. The returned integer is',
      '    proportional to the logarithm of the recent access frequency of the key.',
      'IDLETIME <key>',
      '    Return the idle time of the <key>, that is the approximated number of',
      '    seconds elapsed since the last access to the key.',
      'REFCOUNT <key>',
      '    Return the number of references of the value associated with the specified',
      '    <key>.',
      'HELP',
      '    Prints this help.',
    ]],
    [['OBJECT', 'HELP', 'x'], err("ERR wrong number of arguments for 'object|help' command")],
    [['OBJECT', 'ENCODING'], err("ERR wrong number of arguments for 'object|encoding' command")],
    [['OBJECT', 'REFCOUNT', 'a', 'b'], err("ERR wrong number of arguments for 'object|refcount' command")],
    [['OBJECT', 'foo', 'k'], err("ERR unknown subcommand 'foo'. Try OBJECT HELP.")],
  ]],

  // ---- KEYS RANDOMKEY ----
  ['KEYS on an empty db, and expired keys are hidden but not deleted', [
    [['KEYS', '*'], []], [['SET', 'a', 1], 'OK'], [['SET', 'b', 1], 'OK'], [['PEXPIRE', 'b', 1], 1],
    { advance: 2 }, [['KEYS', '*'], ['a']], [['DBSIZE'], 2], [['KEYS', 'b'], []],
  ]],
  ['RANDOMKEY', [
    [['RANDOMKEY'], null], [['SET', 'only', 1], 'OK'], [['RANDOMKEY'], 'only'],
    [['PEXPIRE', 'only', 1], 1], { advance: 2 }, [['RANDOMKEY'], null], [['DBSIZE'], 0],
  ]],

  // ---- SCAN (options and filters; coverage across resizes is tested below) ----
  ['SCAN argument errors', [
    [['SCAN', 'x'], err('ERR invalid cursor')], [['SCAN', ' 0'], err('ERR invalid cursor')],
    [['SCAN', '1x'], err('ERR invalid cursor')], [['SCAN', '-'], err('ERR invalid cursor')],
    [['SCAN', '18446744073709551616'], err('ERR invalid cursor')], [['SCAN', 'x', 'COUNT', 0], err('ERR invalid cursor')],
    [['SCAN', 0, 'COUNT', 0], SYNTAX], [['SCAN', 0, 'COUNT', -1], SYNTAX], [['SCAN', 0, 'COUNT', 'x'], NOT_INT],
    [['SCAN', 0, 'COUNT'], SYNTAX], [['SCAN', 0, 'MATCH'], SYNTAX], [['SCAN', 0, 'TYPE'], SYNTAX],
    [['SCAN', 0, 'foo', 'bar'], SYNTAX], [['SCAN', 0, 'MATCH', '*', 'COUNT', 0], SYNTAX],
  ]],
  ['SCAN cursors: empty db, "" and +0 read as 0', [
    [['SCAN', 0], ['0', []]], [['SET', 'k', 'v'], 'OK'], [['SCAN', ''], ['0', ['k']]], [['SCAN', '+0'], ['0', ['k']]],
    [['SCAN', '00'], ['0', ['k']]], [['SCAN', '-0'], ['0', ['k']]], [['SCAN', '0', 'count', '1000'], ['0', ['k']]],
  ]],
  ['SCAN MATCH and TYPE filters', [
    [['SET', 'user:1', 'a'], 'OK'], [['SET', 'user:2', 'b'], 'OK'], [['SET', 'other', 'c'], 'OK'],
    [['SCAN', 0, 'MATCH', 'user:1*', 'COUNT', 100], ['0', ['user:1']]],
    [['SCAN', 0, 'MATCH', 'user:[2-9]', 'COUNT', 100], ['0', ['user:2']]],
    [['SCAN', 0, 'MATCH', 'nomatch', 'MATCH', 'other'], ['0', ['other']]],
    [['SCAN', 0, 'TYPE', 'list'], ['0', []]], [['SCAN', 0, 'TYPE', 'STRING', 'MATCH', 'o*'], ['0', ['other']]],
    [['SCAN', 0, 'TYPE', 'none'], ['0', []]],
  ]],
  ['SCAN deletes expired keys it meets; TYPE none lists them (as Redis does)', [
    [['SET', 'a', 1], 'OK'], [['SET', 'b', 2], 'OK'], [['SET', 'c', 3], 'OK'],
    [['PEXPIRE', 'b', 1], 1], [['PEXPIRE', 'c', 1], 1], { advance: 2 },
    [['SCAN', 0, 'MATCH', 'a'], ['0', ['a']]], [['DBSIZE'], 3],
    [['SCAN', 0, 'TYPE', 'None', 'MATCH', 'b'], ['0', ['b']]], [['DBSIZE'], 2],
    [['SCAN', 0], ['0', ['a']]], [['DBSIZE'], 1],
  ]],
];

describe('keys family', () => {
  for (const [name, steps] of cases) it(name, () => { run(steps); });
});

describe('glob matching (util/glob.ts) through KEYS and SCAN MATCH', () => {
  // [pattern, key, matches]; checked against redis-server 7.0.15.
  const table: [string, string, boolean][] = [
    ['abc', 'abc', true], ['abc', 'abd', false], ['abc', 'ab', false], ['ab', 'abc', false],
    ['a*', 'abc', true], ['*c', 'abc', true], ['a*c', 'ac', true], ['*a*b*', 'xaxxbx', true], ['*a*b', 'xaxxbx', false],
    ['a**', 'a', true], ['**', '', false], ['*', '', false], ['?', '', false], ['', '', true], ['', 'a', false],
    ['a?c', 'abc', true], ['a?c', 'ac', false], ['???', 'abc', true],
    ['[abc]x', 'bx', true], ['[abc]x', 'dx', false], ['[^abc]x', 'bx', false], ['[^abc]x', 'dx', true],
    ['[a-c]x', 'bx', true], ['[c-a]x', 'bx', true], ['[a-c]x', 'dx', false], ['[^a-c]', 'd', true],
    ['[a-]', '-', false], ['[a-]', 'a', true], ['[-a]', '-', true], ['[\\]]', ']', true], ['[\\-]', '-', true],
    ['[]', 'a', false], ['[]]', ']', false], ['[abc', 'a', true], ['[abc', 'abc', false], ['[^', 'x', true],
    ['\\*', '*', true], ['\\*', 'a', false], ['\\?', '?', true], ['\\[a]', '[a]', true], ['a\\', 'a\\', true],
    ['\\a', 'a', true], ['*\\', 'x\\', true], ['h[ae]llo', 'hello', true], ['h[ae]llo', 'hillo', false],
    ['A*', 'abc', false], ['[A-Z]', 'a', false],
  ];
  for (const [pat, key, want] of table) {
    it(`${JSON.stringify(pat)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(key)}`, () => {
      const t = new TestEngine();
      t.cmd('SET', key, 'v');
      expect(t.cmd('KEYS', pat)).toEqual(want || (pat === '*') ? [key] : []);
      expect(t.cmd('SCAN', 0, 'MATCH', pat)).toEqual(['0', want || pat === '*' ? [key] : []]);
    });
  }

  it('compares range ends as signed chars, as Redis on x86 does', () => {
    const t = new TestEngine();
    t.cmd('SET', Buffer.from([0x80]), 'v');
    t.cmd('SET', Buffer.from([0x41]), 'v');
    // [\x01-\xff] is [-1..1] in signed chars: neither 0x80 (-128) nor 'A'.
    expect(t.cmd('KEYS', Buffer.from([0x5b, 0x01, 0x2d, 0xff, 0x5d]))).toEqual([]);
    // [\x80-A] is [-128..65]: both.
    expect((t.cmd('KEYS', Buffer.from([0x5b, 0x80, 0x2d, 0x41, 0x5d])) as string[]).sort()).toEqual(['A', '\x80']);
  });

  it('gives up on star nesting past 1000 levels', () => {
    const t = new TestEngine();
    const key = 'a'.repeat(1100);
    t.cmd('SET', key, 'v');
    expect(t.cmd('KEYS', 'a*'.repeat(900))).toEqual([key]);
    expect(t.cmd('KEYS', '*a'.repeat(1100))).toEqual([]);
  });
});

describe('SCAN across resizes', () => {
  it('returns every key present for the whole iteration while the table grows and shrinks', () => {
    const t = new TestEngine();
    const stable = new Set<string>();
    for (let i = 0; i < 500; i++) { const k = `stable:${i}`; stable.add(k); t.cmd('SET', k, i); }
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    let phase = 0;
    const sizes: number[] = [];
    do {
      const [next, keys] = t.cmd('SCAN', cursor, 'COUNT', 7) as [string, string[]];
      for (const k of keys) seen.add(k);
      cursor = next;
      calls++;
      // Every few calls, grow the table by thousands of keys or delete them
      // all again (a 6% fill makes the table shrink), so the iteration runs
      // through expansions, shrinks and incremental rehashing.
      if (calls % 5 === 0) {
        if (phase % 2 === 0) for (let i = 0; i < 3000 + phase * 500; i++) t.cmd('SET', `tmp:${phase}:${i}`, i);
        else for (let i = 0; i < 3000 + (phase - 1) * 500; i++) t.cmd('DEL', `tmp:${phase - 1}:${i}`);
        phase++;
        sizes.push(t.cmd('DBSIZE') as number);
      }
    } while (cursor !== '0' && calls < 100_000);
    expect(cursor).toBe('0');
    expect(phase).toBeGreaterThan(4);
    for (const k of stable) expect(seen.has(k), k).toBe(true);
    expect(Math.min(...sizes)).toBe(500);
  });

  it('returns every key once in a stable table, in COUNT-sized pages', () => {
    const t = new TestEngine();
    for (let i = 0; i < 1000; i++) t.cmd('SET', `k${i}`, i);
    const all: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = t.cmd('SCAN', cursor) as [string, string[]];
      expect(keys.length).toBeLessThanOrEqual(10 + 10); // COUNT is a hint: a bucket's chain comes whole
      all.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(all.length).toBe(1000);
    expect(new Set(all).size).toBe(1000);
  });
});

describe('keyspace statistics and dirty counter', () => {
  // [command, hits, misses, dirty] deltas, on a db holding a=1, b=2 (b with a TTL).
  const table: [(string | number)[], number, number, number][] = [
    [['EXISTS', 'a', 'nokey'], 1, 1, 0], [['TYPE', 'a'], 1, 0, 0], [['TTL', 'nokey'], 0, 1, 0],
    [['PTTL', 'a'], 1, 0, 0], [['EXPIRETIME', 'a'], 1, 0, 0], [['PEXPIRETIME', 'a'], 1, 0, 0],
    [['OBJECT', 'ENCODING', 'a'], 1, 0, 0], [['OBJECT', 'REFCOUNT', 'nokey'], 0, 1, 0],
    [['TOUCH', 'a', 'b', 'c'], 2, 1, 0], [['COPY', 'a', 'c'], 1, 0, 1], [['COPY', 'nokey', 'c'], 0, 1, 0],
    [['COPY', 'a', 'b'], 1, 0, 0], [['SCAN', 0, 'TYPE', 'string'], 2, 0, 0], [['SCAN', 0], 0, 0, 0],
    [['KEYS', '*'], 0, 0, 0], [['RANDOMKEY'], 0, 0, 0],
    [['DEL', 'a', 'b', 'c'], 0, 0, 2], [['UNLINK', 'a'], 0, 0, 1],
    [['EXPIRE', 'a', 100], 0, 0, 1], [['EXPIRE', 'a', 0], 0, 0, 1], [['EXPIRE', 'nokey', 10], 0, 0, 0],
    [['EXPIRE', 'a', 10, 'NX'], 0, 0, 1], [['EXPIRE', 'b', 10, 'NX'], 0, 0, 0],
    [['PERSIST', 'b'], 0, 0, 1], [['PERSIST', 'a'], 0, 0, 0],
    [['RENAME', 'a', 'c'], 0, 0, 1], [['RENAME', 'a', 'a'], 0, 0, 0], [['RENAMENX', 'a', 'b'], 0, 0, 0],
    [['MOVE', 'a', 1], 0, 0, 1], [['MOVE', 'nokey', 1], 0, 0, 0],
  ];
  for (const [args, hits, misses, dirty] of table) {
    it(args.join(' '), () => {
      const t = new TestEngine();
      t.cmd('SET', 'a', 1);
      t.cmd('SET', 'b', 2);
      t.cmd('EXPIRE', 'b', 100);
      const x = t.engine.x;
      const before = [x.keyspaceHits(), x.keyspaceMisses(), x.dirtyCount()];
      t.cmd(...args);
      expect([x.keyspaceHits() - before[0], x.keyspaceMisses() - before[1], x.dirtyCount() - before[2]]).toEqual([hits, misses, dirty]);
    });
  }
});

describe('lazy expiry', () => {
  it('deletes on access, counts an expired key, and is not a change for the dirty counter', () => {
    const t = new TestEngine();
    const x = t.engine.x;
    for (const k of ['a', 'b', 'c', 'd']) { t.cmd('SET', k, 1); t.cmd('PEXPIRE', k, 10); }
    t.advance(11);
    const dirty = x.dirtyCount();
    const expired = x.expiredKeys();
    expect(t.cmd('EXISTS', 'a')).toBe(0);
    expect(t.cmd('TTL', 'b')).toBe(-2);
    expect(t.cmd('OBJECT', 'ENCODING', 'c')).toBe(null);
    expect(t.cmd('DEL', 'd')).toBe(0);
    expect(x.expiredKeys() - expired).toBe(4);
    expect(x.dirtyCount() - dirty).toBe(0);
    expect(t.cmd('DBSIZE')).toBe(0);
  });
});

describe('RESP3 shapes', () => {
  it('uses null for missing keys and plain arrays for KEYS/SCAN', () => {
    const t = new TestEngine();
    t.setProto(3);
    expect(t.rawCmd('OBJECT', 'ENCODING', 'nokey')).toBe('_\r\n');
    expect(t.rawCmd('RANDOMKEY')).toBe('_\r\n');
    t.cmd('SET', 'k', 'v');
    expect(t.rawCmd('KEYS', '*')).toBe('*1\r\n$1\r\nk\r\n');
    expect(t.rawCmd('SCAN', 0)).toBe('*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n');
    expect(t.rawCmd('TYPE', 'k')).toBe('+string\r\n');
  });
});
