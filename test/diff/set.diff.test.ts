// Differential test of the set family: the same scripts go to a real
// redis-server and to Vermilion over TCP, in RESP2 and again in RESP3, with
// set-max-intset-entries lowered on both for the encoding-conversion cases.
//
// How replies are compared:
// - by default byte for byte;
// - SMEMBERS/SINTER/SUNION/SDIFF/SSCAN replies are unordered where the set
//   is a hashtable (the two hash tables order members differently): their
//   members are compared sorted, plus the reply's length and header. A step
//   wrapped as { exact } is compared byte for byte: used where the result is
//   an intset, whose ascending order Redis guarantees;
// - SPOP/SRANDMEMBER pick at random: errors, nils and empty replies must be
//   identical; otherwise the shapes (type, count) must agree and our members
//   must come from the set as it was (distinct unless SRANDMEMBER's count is
//   negative; the whole set when the count covers it). After an SPOP the
//   reference's set is made equal to ours (SREM what we popped, SADD back
//   what it popped) without ever growing it, so encodings stay comparable.
import { describe, it, expect } from 'vitest';
import { redisServerPath, RawClient } from '../helpers/server.js';
import { diffPair, labelOf, type Arg } from '../helpers/diffpair.js';
import { parseReply, RespValue } from '../helpers/resp.js';

type Step = Arg[] | { exact: Arg[] } | { intset: number };
type Script = [name: string, steps: Step[]];

const range = (a: number, b: number, prefix = ''): string[] => {
  const out: string[] = [];
  for (let i = a; i <= b; i++) out.push(`${prefix}${i}`);
  return out;
};
const LIMIT = { intset: 4 };      // set-max-intset-entries 4 from here on
const DEFAULT = { intset: 512 };  // back to Redis's default
const enc = (k: string): Step => ['OBJECT', 'ENCODING', k];

const scripts: Script[] = [
  ['SADD SREM SCARD SISMEMBER SMISMEMBER, intset and hashtable', [
    ['SADD', 'i', 3, 1, 2, 2], enc('i'), { exact: ['SMEMBERS', 'i'] }, ['SCARD', 'i'], ['SADD', 'i', 1, 2, 3],
    ['SISMEMBER', 'i', 1], ['SISMEMBER', 'i', 4], ['SISMEMBER', 'i', 'x'], ['SISMEMBER', 'i', '01'],
    ['SMISMEMBER', 'i', 1, 'x', 3, '3.0', 4], ['SREM', 'i', 'x', 5, '01', 1, 1], ['SCARD', 'i'], enc('i'),
    ['SADD', 'h', 'a', 'b', 'c', 1], enc('h'), ['SMEMBERS', 'h'], ['SISMEMBER', 'h', 'a'], ['SISMEMBER', 'h', 1],
    ['SISMEMBER', 'h', 'z'], ['SMISMEMBER', 'h', 'a', 'z', 1], ['SREM', 'h', 'a', 'z'], ['SCARD', 'h'],
    ['SADD', 'm', 1, 'x'], enc('m'), ['SREM', 'm', 'x'], enc('m'), ['SMEMBERS', 'm'],
    ['SREM', 'i', 2, 3], ['EXISTS', 'i'], ['SREM', 'h', 'b', 'c', 1, 'again'], ['EXISTS', 'h'],
    ['SREM', 'nokey', 'a'], ['SCARD', 'nokey'], ['SISMEMBER', 'nokey', 'a'], ['SMISMEMBER', 'nokey', 'a', 'b'],
    ['SET', 'str', 'v'], ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'],
    ['SMISMEMBER', 'str', 'a'], ['GET', 'str'], ['TYPE', 'm'],
    ['SADD', 'k'], ['SADD'], ['SREM', 'k'], ['SCARD'], ['SCARD', 'a', 'b'], ['SISMEMBER', 'k'],
    ['SISMEMBER', 'k', 'a', 'b'], ['SMISMEMBER', 'k'],
  ]],
  ['which members an intset takes', [
    ...['0', '-0', '007', '+1', ' 1', '1 ', '1.0', '1e3', '', '-', '9223372036854775807', '-9223372036854775808',
      '9223372036854775808', '-9223372036854775809', '18446744073709551615', '0x10', '12345678901234567890'].flatMap(
      (v, i): Step[] => [['SADD', `s${i}`, v], enc(`s${i}`), ['SMEMBERS', `s${i}`], ['SISMEMBER', `s${i}`, v],
        ['SADD', `s${i}`, 5], enc(`s${i}`)]),
    ['SADD', 'w', 1, 2], ['SADD', 'w', 40000], { exact: ['SMEMBERS', 'w'] }, ['SADD', 'w', -40000, 5000000000],
    ['SADD', 'w', '-5000000000', '-9223372036854775808', '9223372036854775807', 0], { exact: ['SMEMBERS', 'w'] },
    ['SISMEMBER', 'w', 40000], ['SISMEMBER', 'w', 40001], ['SISMEMBER', 'w', '-9223372036854775808'],
    ['SREM', 'w', 5000000000, '-9223372036854775808', '9223372036854775807'], { exact: ['SMEMBERS', 'w'] },
    ['SISMEMBER', 'w', 5000000000], enc('w'), ['SCARD', 'w'],
    ['SADD', 'neg', -1, -32768, -32769, 32767, 32768, -2147483648, -2147483649, 2147483647, 2147483648],
    { exact: ['SMEMBERS', 'neg'] }, { exact: ['SSCAN', 'neg', 0] },
  ]],
  ['conversion at set-max-intset-entries', [
    LIMIT, ['SADD', 's', 1, 2, 3, 4], enc('s'), ['SADD', 's', 4], enc('s'), ['SADD', 's', 5], enc('s'),
    ['SREM', 's', 1, 2, 3, 4], enc('s'), ['SMEMBERS', 's'], ['SADD', 'b', 1, 2, 3, 4, 5, 6], enc('b'),
    ['SADD', 'x', 'a'], enc('x'), ['SADD', 'y', 1], ['SADD', 'y', 'a'], enc('y'), ['SREM', 'y', 'a'], enc('y'),
    ['SMOVE', 'b', 'z', 1], enc('z'), ['SMOVE', 'x', 'zz', 'a'], enc('zz'), DEFAULT,
    ['SADD', 'big', ...range(1, 512)], enc('big'), ['SADD', 'big', 513], enc('big'), ['SCARD', 'big'],
  ]],
  ['SMOVE', [
    ['SADD', 'a', 1, 2, 'x'], ['SADD', 'b', 3], ['SMOVE', 'a', 'b', 1], ['SMEMBERS', 'a'], { exact: ['SMEMBERS', 'b'] },
    enc('b'), ['SMOVE', 'a', 'b', 'x'], enc('b'), ['SMOVE', 'a', 'b', 'nope'], ['SMOVE', 'a', 'c', 2],
    ['EXISTS', 'a'], enc('c'), ['SMEMBERS', 'c'], ['SMOVE', 'c', 'b', 2], ['EXISTS', 'c'],
    ['SMOVE', 'b', 'b', 3], ['SMOVE', 'b', 'b', 'zz'], ['SMOVE', 'nokey', 'b', 3], ['SMOVE', 'nokey', 'nokey', 3],
    ['SET', 'str', 'v'], ['SMOVE', 'nokey', 'str', 'a'], ['SMOVE', 'b', 'str', 3], ['SMOVE', 'str', 'b', 3],
    ['SMOVE', 'str', 'str', 3], ['SMOVE', 'b', 'd', 'x'], enc('d'), ['SADD', 'd', 'x'],
    ['SADD', 'e', 'y'], ['SMOVE', 'd', 'e', 'x'], ['SMEMBERS', 'e'], ['EXPIRE', 'e', 100], ['SMOVE', 'e', 'f', 'x'],
    ['TTL', 'e'], ['TTL', 'f'], ['SMOVE', 'e', 'f'], ['SMOVE', 'a', 'b', 'c', 'd'],
  ]],
  ['SINTER SINTERSTORE SINTERCARD', [
    ['SADD', 'a', 1, 2, 3, 4, 5], ['SADD', 'b', 3, 4, 5, 6], ['SADD', 'c', 4, 5, 'x'], ['SADD', 'h', 'x', 'y', 4],
    { exact: ['SINTER', 'a', 'b'] }, ['SINTER', 'a', 'b', 'c'], ['SINTER', 'c', 'h'], ['SINTER', 'a', 'a'],
    { exact: ['SINTER', 'a'] }, ['SINTER', 'a', 'nokey'], ['SINTER', 'nokey', 'a'], ['SINTER', 'a', 'h', 'b'],
    ['SINTERSTORE', 'd', 'a', 'b'], enc('d'), { exact: ['SMEMBERS', 'd'] }, ['SINTERSTORE', 'd', 'c', 'h'], enc('d'),
    ['SMEMBERS', 'd'], ['SINTERSTORE', 'd', 'a', 'nokey'], ['EXISTS', 'd'], ['SINTERSTORE', 'd', 'a', 'h', 'b'],
    ['SINTERCARD', 2, 'a', 'b'], ['SINTERCARD', 3, 'a', 'b', 'c'], ['SINTERCARD', 1, 'a'],
    ['SINTERCARD', 2, 'a', 'b', 'LIMIT', 0], ['SINTERCARD', 2, 'a', 'b', 'LIMIT', 1], ['SINTERCARD', 2, 'a', 'b', 'limit', 2],
    ['SINTERCARD', 2, 'a', 'b', 'LIMIT', 100], ['SINTERCARD', 2, 'a', 'b', 'LIMIT', 5, 'LIMIT', 1],
    ['SINTERCARD', 2, 'a', 'nokey'], ['SINTERCARD', 1, 'nokey'],
    ['SET', 'str', 'v'], ['SINTER', 'a', 'str'], ['SINTER', 'nokey', 'str'], ['SINTER', 'str', 'nokey'],
    ['SINTERCARD', 2, 'nokey', 'str'], ['SINTERCARD', 2, 'a', 'str', 'LIMIT', 1],
    ['SINTERSTORE', 'd2', 'nokey', 'str'], ['SINTERSTORE', 'str', 'a', 'b'], ['TYPE', 'str'], { exact: ['SMEMBERS', 'str'] },
    ['SINTERCARD', 0, 'a'], ['SINTERCARD', -1, 'a'], ['SINTERCARD', 'x', 'a'], ['SINTERCARD', '', 'a'],
    ['SINTERCARD', '9223372036854775808', 'a'], ['SINTERCARD', 3, 'a', 'b'], ['SINTERCARD', 2, 'a', 'b', 'LIMIT'],
    ['SINTERCARD', 2, 'a', 'b', 'LIMIT', -1], ['SINTERCARD', 2, 'a', 'b', 'LIMIT', 'x'], ['SINTERCARD', 2, 'a', 'b', 'foo'],
    ['SINTERCARD', 1, 'a', 'b'], ['SINTERCARD', 2, 'a', 'b', 'LIMIT', 1, 'x'], ['SINTERCARD', 1],
    ['SINTER'], ['SINTERSTORE', 'd'], ['SMEMBERS'], ['SMEMBERS', 'a', 'b'],
  ]],
  ['STORE commands replace the destination and its TTL', [
    ['SADD', 'a', 1, 2, 3], ['SADD', 'b', 2, 3, 4], ['SET', 'd', 'string'], ['EXPIRE', 'd', 100],
    ['SINTERSTORE', 'd', 'a', 'b'], ['TTL', 'd'], ['TYPE', 'd'], ['EXPIRE', 'd', 100], ['SUNIONSTORE', 'd', 'a', 'b'],
    ['TTL', 'd'], { exact: ['SMEMBERS', 'd'] }, ['EXPIRE', 'd', 100], ['SDIFFSTORE', 'd', 'a', 'b'], ['TTL', 'd'],
    { exact: ['SMEMBERS', 'd'] }, ['SINTERSTORE', 'a', 'a', 'b'], { exact: ['SMEMBERS', 'a'] },
    ['SUNIONSTORE', 'b', 'b', 'a', 'nokey'], { exact: ['SMEMBERS', 'b'] }, ['SDIFFSTORE', 'b', 'b', 'b'], ['EXISTS', 'b'],
    ['SET', 'e', 'v'], ['SDIFFSTORE', 'e', 'nokey', 'a'], ['EXISTS', 'e'], ['SUNIONSTORE', 'e', 'nokey'], ['EXISTS', 'e'],
    ['SADD', 'f', 'x'], ['SINTERSTORE', 'f', 'a', 'nokey'], ['EXISTS', 'f'], ['SADD', 'f', 'x'],
    ['SINTERSTORE', 'f', 'a', 'f'], ['EXISTS', 'f'],
  ]],
  ['SUNION SUNIONSTORE SDIFF SDIFFSTORE', [
    ['SADD', 'a', 1, 2, 3, 4, 5], ['SADD', 'b', 3, 4, 5, 6], ['SADD', 'c', 4, 5, 'x'], ['SADD', 'h', 'x', 'y', 4],
    { exact: ['SUNION', 'a', 'b'] }, ['SUNION', 'a', 'c'], { exact: ['SUNION', 'a', 'nokey'] }, ['SUNION', 'nokey'],
    { exact: ['SUNION', 'a', 'a'] }, ['SUNION', 'h', 'c', 'b'], { exact: ['SDIFF', 'a', 'b'] }, { exact: ['SDIFF', 'a', 'c'] },
    ['SDIFF', 'h', 'a'], ['SDIFF', 'a', 'a'], ['SDIFF', 'a', 'b', 'a'], ['SDIFF', 'nokey', 'a'], { exact: ['SDIFF', 'a', 'nokey'] },
    { exact: ['SDIFF', 'a'] }, ['SDIFF', 'a', 'b', 'c', 'h'], ['SDIFF', 'c', 'a', 'b'],
    ['SUNIONSTORE', 'd', 'a', 'b'], enc('d'), ['SUNIONSTORE', 'd', 'a', 'h'], enc('d'), ['SUNIONSTORE', 'd', 'nokey'],
    ['EXISTS', 'd'], ['SDIFFSTORE', 'd', 'a', 'b'], enc('d'), ['SDIFFSTORE', 'd', 'h', 'c'], enc('d'), ['SMEMBERS', 'd'],
    ['SDIFFSTORE', 'd', 'c', 'h'], enc('d'), ['SDIFFSTORE', 'd', 'a', 'a'], ['EXISTS', 'd'],
    ['SET', 'str', 'v'], ['SUNION', 'a', 'str'], ['SUNION', 'nokey', 'str'], ['SDIFF', 'nokey', 'str'], ['SDIFF', 'str', 'a'],
    ['SUNIONSTORE', 'd', 'a', 'str'], ['SDIFFSTORE', 'd', 'nokey', 'str'], ['SDIFFSTORE', 'str', 'a', 'b'], ['TYPE', 'str'],
    ['SUNION'], ['SUNIONSTORE', 'd'], ['SDIFF'], ['SDIFFSTORE', 'd'],
  ]],
  ['result encodings of the STORE commands follow Redis', [
    LIMIT, ['SADD', 'a', 1, 2, 3], ['SADD', 'b', 3, 4, 5], ['SUNIONSTORE', 'u', 'a', 'b'], enc('u'),
    ['SADD', 'c', 1, 2], ['SUNIONSTORE', 'u', 'a', 'c'], enc('u'), ['SADD', 'big', 1, 2, 3, 4, 5, 6, 7],
    ['SINTERSTORE', 'i', 'big', 'a'], enc('i'), ['SDIFFSTORE', 'df', 'big', 'a'], enc('df'), DEFAULT,
    // SDIFF's algorithm 2 (first set small next to the work of algorithm 1)
    // copies the whole first set before removing: 600 integers make the
    // result a hashtable even though 300 remain. Algorithm 1 keeps an intset.
    ['SADD', 'x', ...range(1, 600)], ['SADD', 'y1', ...range(1, 100)], ['SADD', 'y2', ...range(101, 200)],
    ['SADD', 'y3', ...range(201, 300)], ['SDIFFSTORE', 'r2', 'x', 'y1', 'y2', 'y3'], enc('r2'), ['SCARD', 'r2'],
    ['SADD', 'z', ...range(1, 300), ...range(1, 400, 'm')], ['SDIFFSTORE', 'r1', 'x', 'z'], enc('r1'), ['SCARD', 'r1'],
    { exact: ['SMEMBERS', 'r1'] }, ['SDIFF', 'x', 'y1', 'y2', 'y3'], { exact: ['SDIFF', 'x', 'z'] },
    ['SADD', 'hx', 'str', ...range(1, 10)], ['SREM', 'hx', 'str'], enc('hx'), { exact: ['SUNION', 'hx'] },
    ['SINTERSTORE', 'hi', 'hx', 'hx'], enc('hi'), { exact: ['SMEMBERS', 'hi'] }, ['SDIFFSTORE', 'hd', 'hx', 'nokey'], enc('hd'),
  ]],
  ['SPOP', [
    ['SPOP', 'nokey'], ['SPOP', 'nokey', 0], ['SPOP', 'nokey', 5], ['SET', 'str', 'v'], ['SPOP', 'str'], ['SPOP', 'str', 0],
    ['SPOP', 'str', -1], ['SPOP', 'str', 'x'], ['SPOP', 'nokey', -1], ['SPOP', 'nokey', 'x'], ['SPOP', 'k', 1, 2],
    ['SPOP', 'str', 1, 2], ['SPOP', 'k', '1.5'], ['SPOP', 'k', ''], ['SPOP', 'k', '9223372036854775808'], ['SPOP'],
    ['SADD', 'i', 1, 2, 3, 4, 5], ['SPOP', 'i'], ['SCARD', 'i'], ['SPOP', 'i', 0], ['SPOP', 'i', 2], ['SCARD', 'i'],
    { exact: ['SPOP', 'i', 2] }, ['EXISTS', 'i'], ['SADD', 'i', 9, 8, 7], { exact: ['SPOP', 'i', 3] }, ['EXISTS', 'i'],
    ['SADD', 'i', 1], ['SPOP', 'i'], ['EXISTS', 'i'],
    ['SADD', 'h', ...range(1, 20, 'm')], ['SPOP', 'h'], ['SPOP', 'h', 3], ['SCARD', 'h'], enc('h'), ['SPOP', 'h', 15],
    ['SCARD', 'h'], enc('h'), ['SPOP', 'h', 1], ['EXISTS', 'h'],
    // Whole-set SPOP answers through SUNION: an all-integer hashtable comes back sorted.
    ['SADD', 'hi', 'x', 9, 8, 7, 6, 5, 4, 3, 2, 1], ['SREM', 'hi', 'x'], enc('hi'), { exact: ['SPOP', 'hi', 100] },
    // Few survivors: they go to a new set, an intset again when they can.
    ['SADD', 'n', ...range(1, 600)], enc('n'), ['SPOP', 'n', 590], ['SCARD', 'n'], enc('n'),
    ['SADD', 'n', ...range(1000, 1600)], ['SPOP', 'n', 500], ['SCARD', 'n'], enc('n'), ['SPOP', 'n', 0],
    ['SADD', 'p', ...range(1, 600)], ['SPOP', 'p', 499], enc('p'), ['SCARD', 'p'], ['SPOP', 'p', 1], ['SCARD', 'p'],
    ['SADD', 't', ...range(1, 30)], ['EXPIRE', 't', 100], ['SPOP', 't', 29], ['TTL', 't'], ['SCARD', 't'],
    ['SADD', 's', ...range(1, 50, 'e')], ['SPOP', 's', 45], enc('s'), ['SPOP', 's', 3], ['SCARD', 's'],
  ]],
  ['SRANDMEMBER', [
    ['SRANDMEMBER', 'nokey'], ['SRANDMEMBER', 'nokey', 0], ['SRANDMEMBER', 'nokey', 5], ['SRANDMEMBER', 'nokey', -5],
    ['SET', 'str', 'v'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', 1], ['SRANDMEMBER', 'str', 'x'],
    ['SRANDMEMBER', 'k', '-9223372036854775808'], ['SRANDMEMBER', 'str', '-9223372036854775808'],
    ['SRANDMEMBER', 'k', '9223372036854775808'], ['SRANDMEMBER', 'k', '-0'], ['SRANDMEMBER', 'k', 1, 2],
    ['SRANDMEMBER', 'str', 1, 2], ['SRANDMEMBER'],
    ['SADD', 'i', 5, 3, 1, -2], ['SRANDMEMBER', 'i'], ['SRANDMEMBER', 'i', 0], ['SRANDMEMBER', 'i', 1],
    ['SRANDMEMBER', 'i', 3], { exact: ['SRANDMEMBER', 'i', 4] }, { exact: ['SRANDMEMBER', 'i', 100] },
    ['SRANDMEMBER', 'i', -1], ['SRANDMEMBER', 'i', -10], ['SCARD', 'i'],
    ['SADD', 'h', ...range(1, 100, 'm')], ['SRANDMEMBER', 'h'], ['SRANDMEMBER', 'h', 5], ['SRANDMEMBER', 'h', 40],
    ['SRANDMEMBER', 'h', 99], ['SRANDMEMBER', 'h', 100], ['SRANDMEMBER', 'h', 1000], ['SRANDMEMBER', 'h', -200],
    ['SADD', 'n', ...range(1, 1000)], ['SRANDMEMBER', 'n', 10], ['SRANDMEMBER', 'n', 500], ['SRANDMEMBER', 'n', -3],
    ['SRANDMEMBER', 'n', '9223372036854775807'], ['SCARD', 'n'],
  ]],
  ['SSCAN arguments and one-call iterations', [
    ['SSCAN', 'nokey', 0], ['SSCAN', 'nokey', 'x'], ['SSCAN', 'nokey', 0, 'COUNT', 0], ['SSCAN', 'nokey', 0, 'foo'],
    ['SET', 'str', 'v'], ['SSCAN', 'str', 0], ['SSCAN', 'str', 'x'], ['SSCAN', 'str', 0, 'COUNT', 0],
    ['SADD', 'i', 10, 2, 33, -4], { exact: ['SSCAN', 'i', 0] }, { exact: ['SSCAN', 'i', 12345] }, { exact: ['SSCAN', 'i', ''] },
    { exact: ['SSCAN', 'i', 0, 'COUNT', 1] }, { exact: ['SSCAN', 'i', 0, 'MATCH', '*3*'] }, { exact: ['SSCAN', 'i', 0, 'MATCH', '-*'] },
    { exact: ['SSCAN', 'i', 0, 'match', 'nomatch', 'count', 100] }, { exact: ['SSCAN', 'i', '18446744073709551615'] },
    ['SSCAN', 'i', '-1'], ['SSCAN', 'i', '18446744073709551616'], ['SSCAN', 'i', ' 0'], ['SSCAN', 'i', '1x'],
    ['SSCAN', 'i', 0, 'COUNT'], ['SSCAN', 'i', 0, 'MATCH'], ['SSCAN', 'i', 0, 'COUNT', 'x'], ['SSCAN', 'i', 0, 'COUNT', -1],
    ['SSCAN', 'i', 0, 'COUNT', 0], ['SSCAN', 'i', 0, 'TYPE', 'string'], ['SSCAN', 'i', 0, 'COUNT', 1, 'foo', 'bar'],
    ['SSCAN', 'i', 0, 'MATCH', '*', 'COUNT', 0], ['SSCAN', 'i'], ['SSCAN'],
    ['SADD', 'h', ...range(1, 40, 'user:'), 'other', 'x'], ['SSCAN', 'h', 0, 'COUNT', 1000],
    ['SSCAN', 'h', 0, 'MATCH', 'user:1*', 'COUNT', 1000], ['SSCAN', 'h', 0, 'MATCH', 'o*', 'COUNT', 1000],
    ['SSCAN', 'h', 0, 'MATCH', '*', 'COUNT', 1000], ['SSCAN', 'h', 0, 'MATCH', 'x', 'MATCH', 'user:2?', 'COUNT', 1000],
  ]],
  ['binary members', [
    ['SADD', 'b', Buffer.from([0]), Buffer.from([0xff, 0x0d, 0x0a]), '', 'a\r\nb'], ['SCARD', 'b'],
    ['SISMEMBER', 'b', ''], ['SISMEMBER', 'b', Buffer.from([0])], ['SMEMBERS', 'b'], ['SREM', 'b', ''],
    ['SMISMEMBER', 'b', '', 'a\r\nb'], ['SMOVE', 'b', 'c', Buffer.from([0xff, 0x0d, 0x0a])], ['SMEMBERS', 'c'],
    ['SSCAN', 'b', 0, 'MATCH', Buffer.from([0]), 'COUNT', 100], ['SSCAN', 'b', 0, 'MATCH', Buffer.from('a\r\n*'), 'COUNT', 100],
  ]],
  ['big sets in both encodings', [
    ['SADD', 'ints', ...range(1, 512)], enc('ints'), ['SADD', 'strs', ...range(1, 700, 'v')], enc('strs'),
    ['SADD', 'mix', ...range(300, 900)], enc('mix'), { exact: ['SMEMBERS', 'ints'] }, ['SMEMBERS', 'strs'],
    { exact: ['SINTER', 'ints', 'mix'] }, ['SINTER', 'mix', 'ints'], ['SINTERCARD', 2, 'ints', 'mix'],
    ['SINTERCARD', 2, 'mix', 'ints', 'LIMIT', 10], ['SUNION', 'ints', 'mix'], ['SDIFF', 'mix', 'ints'], ['SDIFF', 'ints', 'mix'],
    ['SUNIONSTORE', 'u', 'ints', 'strs'], ['SCARD', 'u'], enc('u'), ['SDIFFSTORE', 'd', 'u', 'strs'], enc('d'), ['SCARD', 'd'],
    ['SINTERSTORE', 'i', 'u', 'mix'], enc('i'), ['SCARD', 'i'], ['SREM', 'strs', ...range(1, 690, 'v')], ['SCARD', 'strs'],
    ['SMEMBERS', 'strs'], enc('strs'),
  ]],
];

const haveRedis = redisServerPath() !== null;
// Without redis-server the test may be skipped locally, never in CI.
const suite = haveRedis || process.env.CI ? describe : describe.skip;

const UNORDERED = new Set(['SMEMBERS', 'SINTER', 'SUNION', 'SDIFF', 'SSCAN']);
const RANDOM = new Set(['SPOP', 'SRANDMEMBER']);

function items(v: RespValue): RespValue[] | null {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === 'object' && 'set' in v) return v.set;
  return null;
}
const sortedStrings = (v: RespValue[]): string[] => v.map((x) => String(x)).sort();

suite('set family vs redis-server', () => {
  const pair = diffPair();
  const both = pair.both;

  /** Our set's members (parsed from SMEMBERS), or [] if it is missing or not a set. */
  async function oursMembers(key: Arg): Promise<string[]> {
    const r = await pair.ours.cmd('SMEMBERS', key);
    const v = items(r);
    return v ? v.map(String) : [];
  }

  async function compareRandom(args: Arg[], label: string): Promise<void> {
    const cmd = String(args[0]).toUpperCase();
    const universe = args.length >= 2 ? await oursMembers(args[1]) : [];
    const refMembers = args.length >= 2 ? items(await pair.ref.cmd('SMEMBERS', args[1])) : [];
    expect(sortedStrings(refMembers ?? []), `${label}: sets differ before`).toEqual([...universe].sort());
    const [a, b] = await both(args);
    const ra = parseReply(a)![0];
    const rb = parseReply(b)![0];
    const ia = items(ra);
    if (ra === null || (typeof ra === 'object' && 'error' in ra) || (ia && ia.length === 0)) {
      expect(b.toString('latin1'), label).toBe(a.toString('latin1'));
      return;
    }
    expect(String.fromCharCode(b[0]), label).toBe(String.fromCharCode(a[0]));
    const inSet = new Set(universe);
    const ib = items(rb);
    const picked = ib ? ib.map(String) : [String(rb)];
    expect(picked.length, label).toBe(ia ? ia.length : 1);
    for (const m of picked) expect(inSet.has(m), `${label}: ${m} not a member`).toBe(true);
    const count = args.length >= 3 ? Number(args[2]) : 1;
    if (cmd === 'SPOP' || count >= 0) expect(new Set(picked).size, `${label}: repeats`).toBe(picked.length);
    if (args.length >= 3 && count >= universe.length) expect([...picked].sort(), label).toEqual(sortedStrings(ia!));
    if (cmd === 'SPOP') {
      // Make the reference's set equal to ours, never emptying it (that
      // would drop its TTL) and never growing it past its size (that could
      // change its encoding).
      const refPicked = new Set(ia ? ia.map(String) : [String(ra)]);
      const key = args[1];
      const mine = new Set(picked);
      const refLeft = universe.filter((m) => !refPicked.has(m));
      const remove = refLeft.filter((m) => mine.has(m));
      const back = [...refPicked].filter((m) => !mine.has(m));
      if (back.length > 0 && remove.length === refLeft.length) await pair.ref.cmd('SADD', key, back.shift()!);
      if (remove.length > 0) await pair.ref.cmd('SREM', key, ...remove);
      if (back.length > 0) await pair.ref.cmd('SADD', key, ...back);
      expect(sortedStrings(items(await pair.ref.cmd('SMEMBERS', key)) ?? []), label)
        .toEqual((await oursMembers(key)).sort());
    }
  }

  async function compare(step: Step): Promise<void> {
    if (!Array.isArray(step) && 'intset' in step) {
      const [a, b] = await both(['CONFIG', 'SET', 'set-max-intset-entries', step.intset]);
      expect(b.toString('latin1')).toBe(a.toString('latin1'));
      return;
    }
    const exact = !Array.isArray(step);
    const args = Array.isArray(step) ? step : step.exact;
    const cmd = String(args[0]).toUpperCase();
    const label = labelOf(args);
    if (!exact && RANDOM.has(cmd)) { await compareRandom(args, label); return; }
    const [a, b] = await both(args);
    if (exact || !UNORDERED.has(cmd)) {
      expect(b.toString('latin1'), label).toBe(a.toString('latin1'));
      return;
    }
    const ra = parseReply(a)![0];
    const rb = parseReply(b)![0];
    if (cmd === 'SSCAN' && Array.isArray(ra) && Array.isArray(rb)) {
      expect(ra[0], `${label}: redis did not finish in one call`).toBe('0');
      expect([rb[0], sortedStrings(rb[1] as RespValue[])], label).toEqual([ra[0], sortedStrings(ra[1] as RespValue[])]);
    } else {
      const ia = items(ra);
      const ib = items(rb);
      if (ia && ib) expect(sortedStrings(ib), label).toEqual(sortedStrings(ia));
      else expect(rb, label).toEqual(ra);
    }
    // Beyond the order, the framing must be identical: same length, same header.
    expect(b.length, label).toBe(a.length);
    expect(b.subarray(0, 2).toString('latin1'), label).toBe(a.subarray(0, 2).toString('latin1'));
  }

  for (const proto of [2, 3]) {
    for (const [name, steps] of scripts) {
      it(`RESP${proto}: ${name}`, async () => {
        await both(['HELLO', proto]);
        await both(['FLUSHALL']);
        await both(['CONFIG', 'SET', 'set-max-intset-entries', 512]);
        for (const s of steps) await compare(s);
      });
    }
  }

  it('keyspace hits/misses and the change counter move as in Redis', async () => {
    await both(['HELLO', 2]);
    await both(['FLUSHALL']);
    const counters = async (c: RawClient): Promise<number[]> => {
      const info = String(await c.cmd('INFO', 'all'));
      return ['keyspace_hits', 'keyspace_misses', 'rdb_changes_since_last_save'].map((f) =>
        Number(new RegExp(`^${f}:(\\d+)`, 'm').exec(info)![1]));
    };
    const cmds: Arg[][] = [
      ['SADD', 'a', 1, 2, 3, 'x'], ['SADD', 'a', 1, 'y'], ['SADD', 'b', 2, 3, 4], ['SREM', 'a', 'y', 'nope'],
      ['SREM', 'nokey', 1], ['SCARD', 'a'], ['SCARD', 'nokey'], ['SISMEMBER', 'a', 1], ['SMISMEMBER', 'nokey', 1],
      ['SMEMBERS', 'a'], ['SINTER', 'a', 'b', 'nokey'], ['SINTERCARD', 3, 'nokey', 'a', 'b'],
      ['SINTERSTORE', 'd', 'a', 'b'], ['SINTERSTORE', 'd', 'a', 'nokey'], ['SINTERSTORE', 'd', 'a', 'nokey'],
      ['SUNIONSTORE', 'd', 'a', 'b', 'nokey'], ['SDIFFSTORE', 'd', 'a', 'a'], ['SDIFFSTORE', 'd', 'a', 'a'],
      ['SUNION', 'a', 'nokey'], ['SDIFF', 'nokey', 'a'], ['SMOVE', 'a', 'b', 2], ['SMOVE', 'a', 'b', 1],
      ['SMOVE', 'nokey', 'b', 1], ['SMOVE', 'a', 'a', 3], ['SRANDMEMBER', 'a'], ['SRANDMEMBER', 'nokey', 3],
      ['SRANDMEMBER', 'a', 100], ['SRANDMEMBER', 'a', -5], ['SRANDMEMBER', 'a', 1], ['SRANDMEMBER', 'a', 0],
      ['SMISMEMBER', 'a', 1, 2], ['SISMEMBER', 'nokey', 1], ['SUNIONSTORE', 'e', 'nokey'], ['SDIFF', 'a', 'b', 'nokey'],
      ['SSCAN', 'a', 0], ['SSCAN', 'nokey', 0], ['SADD', 'p', ...range(1, 20)], ['SPOP', 'p'], ['SPOP', 'p', 0],
      ['SPOP', 'p', 2], ['SPOP', 'p', 15], ['SPOP', 'p', 10], ['SPOP', 'nokey'], ['SPOP', 'nokey', 2],
      ['SET', 'str', 'v'], ['SADD', 'str', 1], ['SINTER', 'a', 'str'], ['SMOVE', 'a', 'str', 3],
    ];
    let [ra, rb] = [await counters(pair.ref), await counters(pair.ours)];
    for (const c of cmds) {
      await both(c);
      const [na, nb] = [await counters(pair.ref), await counters(pair.ours)];
      expect(nb.map((v, i) => v - rb[i]), labelOf(c)).toEqual(na.map((v, i) => v - ra[i]));
      [ra, rb] = [na, nb];
    }
  });

  it('SSCAN with a small COUNT visits every member of a hashtable exactly as Redis does', async () => {
    await both(['HELLO', 2]);
    await both(['FLUSHALL']);
    const members = [...range(1, 300, 'k'), ...range(1, 50)];
    await both(['SADD', 's', ...members]);
    for (const c of [pair.ref, pair.ours]) {
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const r = (await c.cmd('SSCAN', 's', cursor, 'COUNT', 7, 'MATCH', 'k*')) as [string, string[]];
        cursor = r[0];
        for (const m of r[1]) seen.add(m);
        calls++;
      } while (cursor !== '0');
      expect([...seen].sort()).toEqual(range(1, 300, 'k').sort());
      expect(calls).toBeGreaterThan(10);
    }
  });
});
