// Differential test of the sorted set family: the same command scripts go to
// a real redis-server and to Vermilion over TCP and the raw replies must be
// byte for byte equal, in RESP2 and RESP3, under three encoding settings:
//   listpack   the defaults (128 entries, 64-byte members)
//   skiplist   zset-max-listpack-entries 0: every sorted set is a skiplist
//   tiny       4 entries, 8-byte members: conversions in the middle of scripts
// Only what Redis leaves unspecified is normalized, each rule says why:
//   ZSCAN of a skiplist   hash order: its (member, score) pairs are sorted (every
//                         script asks COUNT >= 1000 so one call returns all).
//   ZRANDMEMBER           random picks: compared by shape (count, nesting,
//                         distinctness when the count is positive), except
//                         count >= size, which Redis answers in order.
// Blocking commands are checked with two and three connections per server.
import { describe, it, expect } from 'vitest';
import { redisServerPath, RawClient } from '../helpers/server.js';
import { diffPair, labelOf, type Arg } from '../helpers/diffpair.js';
import { parseReply, RespValue } from '../helpers/resp.js';
import { engineHas } from '../helpers/implemented.js';
import { Prng } from '../helpers/prng.js';

type Script = [name: string, cmds: Arg[][]];

const LONG = 'm'.repeat(70);
const NUL_PLUS = Buffer.from('+\0x');
const NUL_SCORE = Buffer.from('1\0x');

// Scores whose parsing or printing is delicate (glibc strtod and %.17g).
const SCORES = ['0', '-0', '1', '-1', '1.1', '0.1', '3.14159265358979323846', '1e17', '123456789012345678', '1e16',
  '9007199254740993', '1e22', '1e23', '1e-300', '2.5e-308', '4.9e-324', '1.7976931348623157e308', '0x1p-3', '0X1.8P1',
  'inf', '-inf', '+inf', 'Infinity', '-INF', '.5', '5.', '1e+2', '0.000001', '0.0001', '123.456e-7', '99999999999999999',
  '0.30000000000000004', '2.2250738585072011e-308', '00012', '-0.0', '1E3', '1234567890123456.25', '1234567890123456.75'];
const BAD_SCORES = ['abc', 'nan', 'NaN', '-nan', '1e400', '-1e400', '1e-400', ' 1', '1 ', '', '1.5.5', '0x', '1e', '+', '-',
  '.', 'inf ', '(1', '0x1p', NUL_SCORE];

const scripts: Script[] = [
  ['ZADD replies, options and errors', [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'], ['ZADD', 'z', 1, 'a'], ['ZADD', 'z', 'CH', 5, 'a', 6, 'd'], ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
    ['ZADD', 'z', 'NX', 10, 'a', 7, 'e'], ['ZADD', 'z', 'XX', 10, 'a', 8, 'f'], ['ZADD', 'z', 'XX', 'CH', 11, 'a', 8, 'f'],
    ['ZADD', 'z', 'GT', 'CH', 1, 'a', 12, 'b'], ['ZADD', 'z', 'LT', 'CH', 1, 'a', 100, 'c'], ['ZADD', 'z', 'gt', 'xx', 'ch', 50, 'c', 1, 'new'],
    ['ZADD', 'z', 'LT', 5, 'brandnew'], ['ZADD', 'z', 'GT', 5, 'brandnew2'], ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
    ['ZADD', 'z', 'INCR', 5, 'a'], ['ZADD', 'z', 'INCR', 5, 'nope'], ['ZADD', 'z', 'NX', 'INCR', 5, 'a'], ['ZADD', 'z', 'XX', 'INCR', 5, 'missing'],
    ['ZADD', 'z', 'GT', 'INCR', -1, 'a'], ['ZADD', 'z', 'LT', 'INCR', -1, 'a'], ['ZADD', 'z', 'GT', 'INCR', 1, 'a'], ['ZADD', 'z', 'INCR', 'CH', 1, 'a'],
    ['ZADD', 'z', 'NX', 'XX', 1, 'a'], ['ZADD', 'z', 'GT', 'LT', 1, 'a'], ['ZADD', 'z', 'GT', 'NX', 1, 'a'], ['ZADD', 'z', 'LT', 'NX', 1, 'a'],
    ['ZADD', 'z', 'INCR', 1, 'a', 2, 'b'], ['ZADD', 'z', 1, 'a', 2], ['ZADD', 'z', 'NX'], ['ZADD', 'z', 'NX', 'XX'], ['ZADD', 'z', 'x', 'a'],
    ['ZADD', 'z', 1, 'a', 'x', 'b'], ['ZADD', 'z', 'INCR', 'x', 'a'], ['ZADD', 'z', 'FOO', 1, 'a'], ['ZADD', 'z', 'NX', 'NX', 2, 'a'],
    ['ZADD', 'missing', 'XX', 1, 'a'], ['ZADD', 'missing', 'XX', 'INCR', 1, 'a'], ['EXISTS', 'missing'], ['ZADD', 'missing', 'GT', 1, 'a'],
    ['SET', 's', 'v'], ['ZADD', 's', 1, 'a'], ['ZADD', 's', 'x', 'a'], ['ZADD', 's', 'NX', 'XX', 1, 'a'],
    ['ZADD', 'inf', 'inf', 'a'], ['ZADD', 'inf', 'INCR', '-inf', 'a'], ['ZSCORE', 'inf', 'a'], ['ZINCRBY', 'inf', '-inf', 'a'],
    ['ZADD', 'inf', '-inf', 'b'], ['ZINCRBY', 'inf', 'inf', 'b'], ['ZINCRBY', 'inf', '+inf', 'c'], ['ZRANGE', 'inf', 0, -1, 'WITHSCORES'],
    ['ZADD', 'z'], ['ZADD', 'z', 1], ['ZADD'],
    ['ZADD', 'dup', 1, 'a', 2, 'a'], ['ZADD', 'dup', 'CH', 3, 'a', 3, 'a', 4, 'b', 5, 'b'], ['ZRANGE', 'dup', 0, -1, 'WITHSCORES'],
    ['ZADD', 'dup', 'GT', 'CH', 1, 'a', 9, 'a', 2, 'a'], ['ZSCORE', 'dup', 'a'], ['ZADD', 'dup2', 'NX', 1, 'x', 2, 'x'], ['ZSCORE', 'dup2', 'x'],
  ]],
  ['ZADD score parsing and printing', [
    ...SCORES.map((s, i) => ['ZADD', 'sc', s, `m${i}`]),
    ['ZRANGE', 'sc', 0, -1, 'WITHSCORES'], ...SCORES.map((_, i) => ['ZSCORE', 'sc', `m${i}`]),
    ...BAD_SCORES.map((s) => ['ZADD', 'sc', s, 'bad']), ['ZSCORE', 'sc', 'bad'], ['ZSCAN', 'sc', 0, 'COUNT', 1000],
    ['ZADD', 'neg0', '-0', 'a'], ['ZADD', 'neg0', '0', 'a'], ['ZSCORE', 'neg0', 'a'], ['ZINCRBY', 'neg0', '0', 'a'], ['ZSCORE', 'neg0', 'a'],
    ['ZADD', 'zero', '0', 'a'], ['ZINCRBY', 'zero', '-0', 'a'], ['ZSCORE', 'zero', 'a'],
  ]],
  ['members of every shape', [
    ['ZADD', 'mem', 0, '', 0, '1', 0, '-1', 0, '007', 0, '9223372036854775807', 0, '9223372036854775808', 0, '-9223372036854775808',
      0, 'a', 0, Buffer.from([0, 1, 255]), 0, 'A', 0, 'aa', 0, '10', 0, '2', 0, '-0', 0, '1.5', 0, ' 1'],
    ['ZRANGE', 'mem', 0, -1], ['ZRANGEBYLEX', 'mem', '-', '+'], ['ZRANK', 'mem', '10'], ['ZSCORE', 'mem', ''], ['ZREM', 'mem', '007', '7'],
    ['ZRANGEBYLEX', 'mem', '[1', '(a'], ['ZREVRANGEBYLEX', 'mem', '+', '[1'], ['ZLEXCOUNT', 'mem', '(', '+'], ['ZLEXCOUNT', 'mem', '[', '+'],
    ['ZADD', 'mem', 1, LONG], ['OBJECT', 'ENCODING', 'mem'], ['ZRANGE', 'mem', -3, -1, 'WITHSCORES'],
  ]],
  ['ZINCRBY', [
    ['ZINCRBY', 'zi', 1, 'a'], ['ZINCRBY', 'zi', '1.5', 'a'], ['ZINCRBY', 'zi', '-0.1', 'a'], ['ZINCRBY', 'zi', 'x', 'a'],
    ['ZINCRBY', 'zi', 'nan', 'a'], ['ZINCRBY', 'zi', 'nx', 'a'], ['ZINCRBY', 'zi', 'incr', 'a'], ['ZINCRBY', 'zi', 'ch', '1'],
    ['ZINCRBY', 'zi', 1, 'incr'], ['ZINCRBY', 'zi', '1e308', 'big'], ['ZINCRBY', 'zi', '1e308', 'big'], ['ZRANGE', 'zi', 0, -1, 'WITHSCORES'],
    ['SET', 's', 'v'], ['ZINCRBY', 's', 1, 'a'], ['ZINCRBY', 'zi', 1], ['ZINCRBY', 'zi', 1, 'a', 'b'],
  ]],
  ['ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK', [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 2, 'bb'], ['ZCARD', 'z'], ['ZCARD', 'missing'], ['ZSCORE', 'z', 'b'], ['ZSCORE', 'z', 'x'],
    ['ZSCORE', 'missing', 'x'], ['ZMSCORE', 'z', 'a', 'x', 'c'], ['ZMSCORE', 'missing', 'a', 'b'], ['ZRANK', 'z', 'a'], ['ZRANK', 'z', 'bb'],
    ['ZREVRANK', 'z', 'a'], ['ZREVRANK', 'z', 'bb'], ['ZRANK', 'z', 'x'], ['ZRANK', 'missing', 'x'], ['ZREVRANK', 'missing', 'x'],
    ['ZREM', 'z', 'a', 'x', 'a'], ['ZREM', 'missing', 'a'], ['ZREM', 'z', 'b', 'bb', 'c', 'zz'], ['EXISTS', 'z'], ['ZCARD', 'z'],
    ['SET', 's', 'v'], ['ZCARD', 's'], ['ZSCORE', 's', 'a'], ['ZMSCORE', 's', 'a'], ['ZRANK', 's', 'a'], ['ZREVRANK', 's', 'a'], ['ZREM', 's', 'a'],
    ['ZCARD'], ['ZSCORE', 'z'], ['ZMSCORE', 'z'], ['ZRANK', 'z'], ['ZRANK', 'z', 'a', 'b'], ['ZREM', 'z'],
  ]],
  ['ZCOUNT and ZLEXCOUNT ranges', [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', '-inf', 'ni', 'inf', 'pi'],
    ...[['-inf', '+inf'], ['1', '3'], ['(1', '3'], ['1', '(3'], ['(1', '(3'], ['(', '3'], ['', '3'], [' 1', '3'], ['( 1', '3'],
      ['1e999', '+inf'], ['-1e999', '1e999'], ['3', '1'], ['(3', '3'], ['3', '(3'], ['3', '3'], ['inf', 'inf'], ['(inf', 'inf'],
      ['-inf', '(-inf'], ['1e-999', '2'], ['0x1', '0x3'], ['abc', '1'], ['1', 'abc'], [' ', '1'], ['1 ', '2'], ['nan', '1'], ['(nan', '1'],
      ['1', '(nan'], ['((1', '2'], [NUL_SCORE, '5'], ['-inf', NUL_SCORE], ['(1e', '2']].map(([a, b]) => ['ZCOUNT', 'z', a, b]),
    ['DEL', 'z'], ['ZADD', 'z', 0, 'a', 0, 'b', 0, 'c', 0, 'd', 0, 'e', 0, 'ee'],
    ...[['-', '+'], ['[a', '[c'], ['(a', '(c'], ['[a', '(c'], ['[c', '[a'], ['(c', '(c'], ['[c', '[c'], ['-', '-'], ['+', '+'], ['+', '-'],
      ['[e', '+'], ['(e', '+'], ['-', '(a'], ['[', '+'], ['(', '+'], ['-', '['], ['a', '+'], ['-', 'b'], ['', '+'], ['+a', '+'],
      ['-', '+b'], [NUL_PLUS, '-'], ['-', NUL_PLUS], [Buffer.from('-\0'), '+']].map(([a, b]) => ['ZLEXCOUNT', 'z', a, b]),
    ['ZCOUNT', 'missing', 0, 1], ['ZLEXCOUNT', 'missing', '-', '+'], ['ZCOUNT', 'missing', 'x', 1], ['ZLEXCOUNT', 'missing', 'x', '+'],
    ['SET', 's', 'v'], ['ZCOUNT', 's', 0, 1], ['ZLEXCOUNT', 's', '-', '+'], ['ZCOUNT', 's', 'x', 1], ['ZCOUNT', 'z', 1], ['ZLEXCOUNT', 'z', '-'],
  ]],
  ['ZRANGE by rank, score and lex, every option', [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 5, 'ee', 6, 'f'],
    ...[[0, -1], [1, 3], [-3, -1], [-100, 100], [3, 1], [5, 100], [100, 200], [-1, -100], ['-9223372036854775808', '9223372036854775807'],
      [0, 0], [-1, -1]].flatMap(([a, b]) => [['ZRANGE', 'z', a, b], ['ZRANGE', 'z', a, b, 'WITHSCORES'], ['ZRANGE', 'z', a, b, 'REV'],
      ['ZREVRANGE', 'z', a, b, 'withscores']]),
    ['ZRANGE', 'z', 2, 4, 'BYSCORE'], ['ZRANGE', 'z', '(2', 4, 'BYSCORE', 'WITHSCORES'], ['ZRANGE', 'z', 4, 2, 'BYSCORE', 'REV'],
    ['ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 1, 3, 'WITHSCORES'], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 0, -1],
    ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', -1, 3], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 2, 0],
    ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 7, 1], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 6, 5],
    ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 1, 2, 'LIMIT', 3, 4], ['ZRANGE', 'z', '[b', '[e', 'BYLEX'],
    ['ZRANGE', 'z', '[e', '[b', 'BYLEX', 'REV'], ['ZRANGE', 'z', '-', '+', 'BYLEX', 'LIMIT', 2, 2], ['ZRANGE', 'z', '+', '-', 'BYLEX', 'REV', 'LIMIT', 1, 10],
    ['ZRANGE', 'z', 0, -1, 'LIMIT', 0, 1], ['ZRANGE', 'z', 0, -1, 'LIMIT', 0, -1], ['ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'],
    ['ZRANGE', 'z', 0, -1, 'BYSCORE', 'BYLEX'], ['ZRANGE', 'z', 0, -1, 'REV', 'REV'], ['ZRANGE', 'z', 0, -1, 'LIMIT', 1],
    ['ZRANGE', 'z', 0, -1, 'LIMIT', 'x', 1], ['ZRANGE', 'z', 0, -1, 'BYSCORE', 'LIMIT', 1, 'x'], ['ZRANGE', 'z', 'x', -1],
    ['ZRANGE', 'z', 0, 'x'], ['ZRANGE', 'z', 'x', 1, 'BYSCORE'], ['ZRANGE', 'z', 'x', '+', 'BYLEX'], ['ZRANGE', 'z', 0, -1, 'FOO'],
    ['ZRANGE', 'z', 0, -1, 'withscores', 'withscores'], ['ZRANGE', 'missing', 0, -1], ['ZRANGE', 'missing', 'x', -1],
    ['ZRANGE', 'missing', 0, -1, 'BYSCORE'], ['ZRANGE', 'z', 0],
    ['ZRANGEBYSCORE', 'z', 2, 5], ['ZRANGEBYSCORE', 'z', 2, 5, 'WITHSCORES', 'LIMIT', 1, 2], ['ZRANGEBYSCORE', 'z', 2, 5, 'REV'],
    ['ZRANGEBYSCORE', 'z', 2, 5, 'BYSCORE'], ['ZRANGEBYSCORE', 'z', 5, 2], ['ZRANGEBYSCORE', 'z', '(5', '(5'], ['ZRANGEBYSCORE', 'z', 'x', 2],
    ['ZREVRANGEBYSCORE', 'z', 5, 2], ['ZREVRANGEBYSCORE', 'z', 5, 2, 'LIMIT', 1, 1, 'WITHSCORES'], ['ZREVRANGEBYSCORE', 'z', 2, 5],
    ['ZREVRANGEBYSCORE', 'z', '+inf', '(5'], ['ZRANGEBYLEX', 'z', '[a', '[c'], ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', 1, 3],
    ['ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES'], ['ZRANGEBYLEX', 'z', 'a', 'c'], ['ZREVRANGEBYLEX', 'z', '[c', '[a'],
    ['ZREVRANGEBYLEX', 'z', '+', '-', 'LIMIT', 0, 2], ['ZREVRANGEBYLEX', 'z', '[a', '[c'], ['ZREVRANGE', 'z', 0, -1, 'BYSCORE'],
    ['ZREVRANGE', 'z', 0, -1, 'REV'], ['ZREVRANGE', 'z', 0, -1, 'LIMIT', 0, 1], ['SET', 's', 'v'], ['ZRANGE', 's', 0, -1],
    ['ZRANGE', 's', 'x', -1], ['ZRANGEBYSCORE', 's', 0, 1], ['ZRANGEBYLEX', 's', '-', '+'], ['ZREVRANGE', 's', 0, 1],
  ]],
  ['ZRANGESTORE', [
    ['ZADD', 'src', 1, 'a', 2, 'b', 3, 'c', 4, 'd'], ['ZRANGESTORE', 'dst', 'src', 0, -1], ['ZRANGE', 'dst', 0, -1, 'WITHSCORES'],
    ['OBJECT', 'ENCODING', 'dst'], ['ZRANGESTORE', 'dst', 'src', 1, 2, 'REV'], ['ZRANGE', 'dst', 0, -1, 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'src', '(1', 3, 'BYSCORE'], ['ZRANGE', 'dst', 0, -1, 'WITHSCORES'], ['ZRANGESTORE', 'dst', 'src', '[c', '-', 'BYLEX', 'REV', 'LIMIT', 0, 1],
    ['ZRANGE', 'dst', 0, -1], ['ZRANGESTORE', 'dst', 'src', 5, 10], ['EXISTS', 'dst'], ['ZRANGESTORE', 'dst', 'src', 5, 10], ['SET', 'str', 'v'],
    ['EXPIRE', 'str', 100], ['ZRANGESTORE', 'str', 'src', 0, 0], ['TYPE', 'str'], ['TTL', 'str'], ['ZRANGESTORE', 'str', 'missing', 0, -1],
    ['EXISTS', 'str'], ['ZRANGESTORE', 'dst', 'src', 0, -1, 'WITHSCORES'], ['ZRANGESTORE', 'dst', 'src', 0, -1, 'LIMIT', 0, 1],
    ['SET', 's', 'v'], ['ZRANGESTORE', 'dst', 's', 0, -1], ['ZRANGESTORE', 'src', 'src', 1, -1], ['ZRANGE', 'src', 0, -1],
    ['ZRANGESTORE', 'dst', 'src', 'x', 1], ['ZRANGESTORE', 'dst', 'src', 0], ['ZRANGESTORE', 'dst', 'src', 0, 1, 'BYLEX'],
  ]],
  ['ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX', [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 6, 'f', 7, 'g'], ['ZREMRANGEBYRANK', 'z', 1, 2], ['ZRANGE', 'z', 0, -1],
    ['ZREMRANGEBYRANK', 'z', -2, -1], ['ZREMRANGEBYRANK', 'z', 5, 1], ['ZREMRANGEBYRANK', 'z', 10, 20], ['ZREMRANGEBYRANK', 'z', 'x', 1],
    ['ZREMRANGEBYSCORE', 'z', '(4', 5], ['ZRANGE', 'z', 0, -1, 'WITHSCORES'], ['ZREMRANGEBYSCORE', 'z', 'x', 1], ['ZREMRANGEBYSCORE', 'z', 10, 1],
    ['ZADD', 'lz', 0, 'p', 0, 'q', 0, 'r', 0, 's'], ['ZREMRANGEBYLEX', 'lz', '[p', '(r'], ['ZRANGE', 'lz', 0, -1], ['ZREMRANGEBYLEX', 'lz', 'p', 'r'],
    ['ZREMRANGEBYLEX', 'lz', '(r', '+'], ['ZRANGE', 'lz', 0, -1],
    ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'], ['EXISTS', 'z'], ['ZREMRANGEBYRANK', 'missing', 0, -1], ['ZREMRANGEBYSCORE', 'missing', 0, 1],
    ['ZREMRANGEBYLEX', 'missing', '-', '+'], ['ZREMRANGEBYSCORE', 'missing', 'x', 1], ['ZADD', 'z2', 1, 'a', 2, 'b'],
    ['ZREMRANGEBYRANK', 'z2', 0, -1], ['EXISTS', 'z2'], ['ZADD', 'z3', 0, 'a', 0, 'b'], ['ZREMRANGEBYLEX', 'z3', '-', '+'], ['EXISTS', 'z3'],
    ['SET', 's', 'v'], ['ZREMRANGEBYRANK', 's', 0, 1], ['ZREMRANGEBYSCORE', 's', 0, 1], ['ZREMRANGEBYLEX', 's', '-', '+'],
    ['ZREMRANGEBYRANK', 'z', 0], ['ZREMRANGEBYLEX', 'z', '-', '+', 'x'],
  ]],
  ['ZPOPMIN ZPOPMAX ZMPOP', [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 1.5, 'x'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z'], ['ZPOPMIN', 'z', 2], ['ZPOPMAX', 'z', 0],
    ['ZPOPMIN', 'z', -1], ['ZPOPMIN', 'z', 'x'], ['ZPOPMIN', 'z', 1, 2], ['ZPOPMAX', 'z', 10], ['EXISTS', 'z'], ['ZPOPMIN', 'missing'],
    ['ZPOPMIN', 'missing', 0], ['ZPOPMAX', 'missing', 3], ['SET', 's', 'v'], ['ZPOPMIN', 's'], ['ZPOPMIN', 's', 0], ['ZPOPMIN', 's', -1],
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'], ['ZADD', 'y', 10, 'p'], ['ZMPOP', 2, 'missing', 'z', 'MIN'], ['ZMPOP', 2, 'missing', 'z', 'max', 'COUNT', 5],
    ['ZMPOP', 2, 'z', 'y', 'MIN', 'COUNT', 1], ['ZMPOP', 1, 'missing', 'MIN'], ['ZMPOP', 2, 's', 'y', 'MIN'], ['ZMPOP', 2, 'y', 's', 'MIN'],
    ['ZMPOP', 0, 'y', 'MIN'], ['ZMPOP', -1, 'y', 'MIN'], ['ZMPOP', 'x', 'y', 'MIN'], ['ZMPOP', 3, 'y', 'MIN'], ['ZMPOP', 1, 'y'],
    ['ZMPOP', 1, 'y', 'BOTH'], ['ZMPOP', 1, 'y', 'MIN', 'COUNT'], ['ZMPOP', 1, 'y', 'MIN', 'COUNT', 0], ['ZMPOP', 1, 'y', 'MIN', 'COUNT', 'x'],
    ['ZMPOP', 1, 'y', 'MIN', 'COUNT', -1], ['ZMPOP', 1, 'y', 'MIN', 'COUNT', 1, 'COUNT', 1], ['ZMPOP', 1, 'y', 'MIN', 'FOO'],
    ['ZMPOP', '99999999999', 'y', 'MIN'], ['ZADD', 'y', 1, 'q'], ['ZMPOP', 1, 'y', 'MIN', 'count', 2], ['ZPOPMIN'], ['ZMPOP', 1, 'y'],
  ]],
  ['BZPOPMIN BZPOPMAX BZMPOP that need not wait', [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'], ['BZPOPMIN', 'missing', 'z', 0], ['BZPOPMAX', 'z', 'missing', '0.5'], ['BZPOPMIN', 'z', 'x'],
    ['BZPOPMIN', 'z', -1], ['BZPOPMIN', 'z', '1e400'], ['BZPOPMIN', 'z', 'inf'], ['BZPOPMIN', 'z', '9223372036854775807'], ['SET', 's', 'v'],
    ['BZPOPMIN', 's', 0], ['BZPOPMIN', 'missing', 's', 0], ['BZPOPMIN', 'z', 's', 0], ['ZADD', 'z', 4, 'd'], ['BZMPOP', 0, 2, 'missing', 'z', 'MAX'],
    ['ZADD', 'z', 5, 'e', 6, 'f'], ['BZMPOP', '0.1', 1, 'z', 'MIN', 'COUNT', 10], ['BZMPOP', 'x', 1, 'z', 'MIN'], ['BZMPOP', 'x', 0, 'z', 'MIN'],
    ['BZMPOP', 0, 1, 'z', 'FOO'], ['BZMPOP', -1, 1, 'z', 'MIN'], ['BZMPOP', 0, 1, 's', 'MIN'], ['BZMPOP', 0, 1, 'z', 'MIN', 'COUNT', 0],
    ['BZPOPMIN', 'missing', '0.01'], ['BZPOPMAX', 'missing', 'other', '0.02'], ['BZMPOP', '0.01', 2, 'missing', 'other', 'MIN', 'COUNT', 2],
    ['BZPOPMIN', 'z'], ['BZMPOP', 0, 1, 'z'],
    // Inside a transaction nothing waits: an empty key answers at once.
    ['MULTI'], ['BZPOPMIN', 'missing', 0], ['BZMPOP', 0, 1, 'missing', 'MIN'], ['ZADD', 'mk', 1, 'a'], ['BZPOPMAX', 'mk', 0],
    ['BZMPOP', 0, 1, 'mk', 'MIN'], ['EXEC'],
  ]],
  ['ZRANDMEMBER', [
    ['ZRANDMEMBER', 'missing'], ['ZRANDMEMBER', 'missing', 5], ['ZRANDMEMBER', 'missing', -5, 'WITHSCORES'], ['ZRANDMEMBER', 'missing', 0],
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', '1.5', 'f'], ['ZRANDMEMBER', 'z', 0], ['ZRANDMEMBER', 'z', 6], ['ZRANDMEMBER', 'z', 100, 'WITHSCORES'],
    ['ZRANDMEMBER', 'z', 1], ['ZRANDMEMBER', 'z', 3], ['ZRANDMEMBER', 'z', 5, 'WITHSCORES'], ['ZRANDMEMBER', 'z', -3], ['ZRANDMEMBER', 'z', -20, 'WITHSCORES'],
    ['ZRANDMEMBER', 'z', 1, 'WITHSCORES'], ['ZRANDMEMBER', 'z', -1], ['ZRANDMEMBER', 'z'], ['ZRANDMEMBER', 'z', 'x'], ['ZRANDMEMBER', 'z', 1, 'FOO'],
    ['ZRANDMEMBER', 'z', 1, 'WITHSCORES', 'x'], ['ZRANDMEMBER', 'z', '-9223372036854775808'], ['ZRANDMEMBER', 'z', '9223372036854775807', 'WITHSCORES'],
    ['ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'], ['ZRANDMEMBER', 'z', '-4611686018427387905', 'WITHSCORES'], ['ZRANDMEMBER', 'z', 'x', 'FOO'],
    ['SET', 's', 'v'], ['ZRANDMEMBER', 's'], ['ZRANDMEMBER', 's', 1], ['ZRANDMEMBER', 's', 'x'], ['ZRANDMEMBER'],
  ]],
  ['ZSCAN', [
    ['ZSCAN', 'missing', 0], ['ZSCAN', 'missing', 'x'], ['ZSCAN', 'missing', 0, 'COUNT', 0], ['ZSCAN', 'missing', 0, 'FOO'],
    ['ZADD', 'z', 1, 'a', 2.5, 'b', 3, 'c', '-inf', 'ninf', 'inf', 'pinf', '-0', 'negz', '1e17', 'e17', '0.1', 'tenth', 4, 'abc', 5, 'xyz'],
    ['ZSCAN', 'z', 0, 'COUNT', 1000], ['ZSCAN', 'z', 0, 'MATCH', 'a*', 'COUNT', 1000], ['ZSCAN', 'z', 0, 'MATCH', '*', 'COUNT', 1000],
    ['ZSCAN', 'z', 0, 'MATCH', 'zz', 'COUNT', 1000], ['ZSCAN', 'z', '', 'COUNT', 1000], ['ZSCAN', 'z', 'x'], ['ZSCAN', 'z', '-1x'],
    ['ZSCAN', 'z', 0, 'COUNT', 0], ['ZSCAN', 'z', 0, 'COUNT', 'x'], ['ZSCAN', 'z', 0, 'COUNT'], ['ZSCAN', 'z', 0, 'TYPE', 'zset'],
    ['ZSCAN', 'z', 0, 'MATCH'], ['SET', 's', 'v'], ['ZSCAN', 's', 0], ['ZSCAN', 's', 'x'], ['ZSCAN', 'z'],
  ]],
  ['ZUNION ZINTER ZDIFF and their STORE forms', [
    ['ZADD', 'a', 1, 'x', 2, 'y', 3, 'z'], ['ZADD', 'b', 10, 'y', 20, 'z', 30, 'w'], ['ZADD', 'c', 100, 'z', '-inf', 'x', 'inf', 'w'],
    ['ZUNION', 2, 'a', 'b'], ['ZUNION', 2, 'a', 'b', 'WITHSCORES'], ['ZUNION', 3, 'a', 'b', 'c', 'WITHSCORES', 'AGGREGATE', 'MIN'],
    ['ZUNION', 3, 'a', 'b', 'c', 'AGGREGATE', 'max', 'WITHSCORES'], ['ZUNION', 2, 'a', 'b', 'WEIGHTS', 2, '0.5', 'WITHSCORES'],
    ['ZUNION', 2, 'a', 'c', 'WEIGHTS', 0, 0, 'WITHSCORES'], ['ZUNION', 2, 'c', 'c', 'WITHSCORES'], ['ZUNION', 2, 'a', 'missing', 'WITHSCORES'],
    ['ZUNION', 2, 'c', 'a', 'WEIGHTS', '-1', 1, 'WITHSCORES'], ['ZUNION', 2, 'a', 'b', 'WEIGHTS', 1, 'WITHSCORES'], ['ZUNION', 2, 'a', 'b', 'WEIGHTS', 1, 'x'],
    ['ZUNION', 2, 'a', 'b', 'WEIGHTS', 'nan', 1], ['ZUNION', 2, 'a', 'b', 'AGGREGATE', 'avg'], ['ZUNION', 2, 'a', 'b', 'AGGREGATE'],
    ['ZUNION', 2, 'a', 'b', 'FOO'], ['ZUNION', 0, 'a'], ['ZUNION', -1, 'a'], ['ZUNION', 'x', 'a'], ['ZUNION', 3, 'a', 'b'],
    ['ZUNION', 1, 'a', 'WEIGHTS', 2, 'WEIGHTS', 3, 'WITHSCORES', 'WITHSCORES', 'AGGREGATE', 'SUM', 'AGGREGATE', 'MIN'],
    ['ZINTER', 2, 'a', 'b', 'WITHSCORES'], ['ZINTER', 3, 'a', 'b', 'c'], ['ZINTER', 3, 'a', 'b', 'c', 'WITHSCORES', 'AGGREGATE', 'MAX'],
    ['ZINTER', 2, 'a', 'c', 'WITHSCORES'], ['ZINTER', 2, 'a', 'a', 'WEIGHTS', 1, 2, 'WITHSCORES'], ['ZINTER', 2, 'a', 'missing'],
    ['ZINTER', 2, 'c', 'b', 'WEIGHTS', 0, 1, 'WITHSCORES'], ['ZINTER', 1, 'c', 'WEIGHTS', 0, 'WITHSCORES'],
    ['ZDIFF', 2, 'a', 'b'], ['ZDIFF', 2, 'a', 'b', 'WITHSCORES'], ['ZDIFF', 3, 'b', 'a', 'c', 'WITHSCORES'], ['ZDIFF', 2, 'a', 'a'],
    ['ZDIFF', 2, 'missing', 'a'], ['ZDIFF', 1, 'c', 'WITHSCORES'], ['ZDIFF', 2, 'a', 'b', 'WEIGHTS', 1, 1], ['ZDIFF', 2, 'a', 'b', 'AGGREGATE', 'SUM'],
    ['ZDIFF', 0, 'a'], ['ZINTERCARD', 2, 'a', 'b'], ['ZINTERCARD', 3, 'a', 'b', 'c'], ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', 1],
    ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', 0], ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', -1], ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', 'x'],
    ['ZINTERCARD', 2, 'a', 'b', 'WITHSCORES'], ['ZINTERCARD', 2, 'a', 'b', 'WEIGHTS', 1, 1], ['ZINTERCARD', 0, 'a'], ['ZINTERCARD', 2, 'a'],
    ['ZINTERCARD', 2, 'a', 'missing'],
    ['ZUNIONSTORE', 'd', 2, 'a', 'b'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'd'],
    ['ZUNIONSTORE', 'd', 3, 'a', 'b', 'c', 'WEIGHTS', 1, 2, 3, 'AGGREGATE', 'MIN'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'],
    ['ZINTERSTORE', 'd', 2, 'a', 'b'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'], ['ZINTERSTORE', 'd', 2, 'a', 'missing'], ['EXISTS', 'd'],
    ['ZDIFFSTORE', 'd', 2, 'b', 'a'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'], ['ZDIFFSTORE', 'd', 2, 'a', 'a'], ['EXISTS', 'd'],
    ['ZUNIONSTORE', 'd', 2, 'missing', 'missing2'], ['ZUNIONSTORE', 'd', 1, 'a', 'WITHSCORES'], ['ZDIFFSTORE', 'd', 1, 'a', 'WITHSCORES'],
    ['SET', 'str', 'v'], ['EXPIRE', 'str', 100], ['ZUNIONSTORE', 'str', 1, 'a'], ['TYPE', 'str'], ['TTL', 'str'],
    ['ZUNIONSTORE', 'a', 2, 'a', 'b'], ['ZRANGE', 'a', 0, -1, 'WITHSCORES'], ['ZUNION', 2, 'a', 'str2'], ['SET', 'str2', 'v'],
    ['ZUNION', 2, 'a', 'str2'], ['ZINTER', 2, 'missing', 'str2'], ['ZDIFF', 2, 'a', 'str2'], ['ZINTERCARD', 1, 'str2'],
    ['ZUNIONSTORE', 'd', 2, 'a', 'str2'], ['ZUNION', 2, 'str2', 'a', 'FOO'], ['ZUNIONSTORE', 'd', 0, 'a'], ['ZINTERSTORE', 'd', 'x', 'a'],
    ['ZDIFFSTORE', 'd', -1, 'a'], ['ZINTERSTORE', 'd', 5, 'a'], ['ZUNIONSTORE', 'd'], ['ZUNION', 1],
  ]],
  ['sums of infinities and NaN weights', [
    ['ZADD', 'p', 'inf', 'm', 1, 'n'], ['ZADD', 'q', '-inf', 'm', 2, 'n'], ['ZUNION', 2, 'p', 'q', 'WITHSCORES'],
    ['ZINTER', 2, 'p', 'q', 'WITHSCORES'], ['ZUNION', 2, 'p', 'q', 'WEIGHTS', 0, 1, 'WITHSCORES'], ['ZINTER', 2, 'p', 'q', 'WEIGHTS', 1, 0, 'WITHSCORES', 'AGGREGATE', 'MIN'],
    ['ZINTER', 2, 'p', 'q', 'WEIGHTS', 0, 0, 'WITHSCORES', 'AGGREGATE', 'MAX'], ['ZUNION', 2, 'p', 'q', 'WEIGHTS', 'inf', '-inf', 'WITHSCORES'],
    ['ZINTERSTORE', 'r', 2, 'p', 'q'], ['ZRANGE', 'r', 0, -1, 'WITHSCORES'], ['ZUNION', 2, 'p', 'p', 'WEIGHTS', 1, -1, 'WITHSCORES'],
    ['ZUNION', 2, 'p', 'q', 'WEIGHTS', '1e308', '1e308', 'WITHSCORES'], ['ZINTER', 2, 'p', 'p', 'WEIGHTS', 1, -1, 'WITHSCORES'],
  ]],
];

// Conversion points: each check reads OBJECT ENCODING where Redis changes it.
const conversions: Script[] = [
  ['listpack to skiplist at the entry and member limits', [
    ['CONFIG', 'SET', 'zset-max-listpack-entries', 4], ['CONFIG', 'SET', 'zset-max-listpack-value', 8],
    ['ZADD', 'e', 1, 'a', 2, 'b', 3, 'c', 4, 'd'], ['OBJECT', 'ENCODING', 'e'], ['ZADD', 'e', 5, 'e'], ['OBJECT', 'ENCODING', 'e'],
    ['ZADD', 'f', 1, 'a', 1, 'a', 1, 'a', 1, 'a', 1, 'a'], ['OBJECT', 'ENCODING', 'f'], ['ZADD', 'g', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e'],
    ['OBJECT', 'ENCODING', 'g'], ['ZADD', 'h', 1, '12345678'], ['OBJECT', 'ENCODING', 'h'], ['ZADD', 'h', 1, '123456789'], ['OBJECT', 'ENCODING', 'h'],
    ['ZADD', 'i', 1, '123456789'], ['OBJECT', 'ENCODING', 'i'], ['ZADD', 'j', 1, 'a', 1, '123456789'], ['OBJECT', 'ENCODING', 'j'],
    ['ZADD', 'k', 'XX', 1, '123456789'], ['EXISTS', 'k'], ['ZINCRBY', 'l', 1, '123456789'], ['OBJECT', 'ENCODING', 'l'],
    ['ZADD', 'm', 1, 'a', 2, 'b', 3, 'c', 4, 'd'], ['ZADD', 'm', 'XX', 5, 'e'], ['OBJECT', 'ENCODING', 'm'], ['ZADD', 'm', 'NX', 5, 'a'],
    ['OBJECT', 'ENCODING', 'm'], ['ZREM', 'e', 'a', 'b', 'c'], ['OBJECT', 'ENCODING', 'e'],
    ['ZUNIONSTORE', 'u', 1, 'e'], ['OBJECT', 'ENCODING', 'u'], ['ZUNIONSTORE', 'u', 2, 'g', 'm'], ['OBJECT', 'ENCODING', 'u'],
    ['ZINTERSTORE', 'u', 2, 'g', 'm'], ['OBJECT', 'ENCODING', 'u'], ['ZUNIONSTORE', 'u', 1, 'j'], ['OBJECT', 'ENCODING', 'u'],
    ['ZDIFFSTORE', 'u', 2, 'j', 'h'], ['OBJECT', 'ENCODING', 'u'], ['ZDIFFSTORE', 'u', 1, 'g'], ['OBJECT', 'ENCODING', 'u'],
    ['ZRANGESTORE', 'u', 'g', 0, 3], ['OBJECT', 'ENCODING', 'u'], ['ZRANGESTORE', 'u', 'g', 0, 4], ['OBJECT', 'ENCODING', 'u'],
    ['ZRANGESTORE', 'u', 'g', 0, '+inf', 'BYSCORE'], ['OBJECT', 'ENCODING', 'u'], ['ZRANGESTORE', 'u', 'g', 0, '(5', 'BYSCORE'],
    ['OBJECT', 'ENCODING', 'u'], ['ZRANGESTORE', 'u', 'j', 0, -1], ['OBJECT', 'ENCODING', 'u'], ['COPY', 'g', 'g2'], ['OBJECT', 'ENCODING', 'g2'],
    ['ZRANGE', 'g2', 0, -1, 'WITHSCORES'], ['COPY', 'h', 'h2'], ['OBJECT', 'ENCODING', 'h2'], ['ZRANGE', 'h2', 0, -1, 'WITHSCORES'],
    ['CONFIG', 'SET', 'zset-max-listpack-entries', 0], ['ZADD', 'n', 1, 'a'], ['OBJECT', 'ENCODING', 'n'], ['ZADD', 'h', 2, 'b'],
    ['OBJECT', 'ENCODING', 'h'], ['ZUNIONSTORE', 'u', 1, 'h'], ['OBJECT', 'ENCODING', 'u'],
    ['CONFIG', 'SET', 'zset-max-listpack-entries', 128], ['CONFIG', 'SET', 'zset-max-listpack-value', 64],
  ]],
  // With mixed scores a listpack checks only its two ends against a lex range
  // (zzlIsInLexRange). A skiplist's answer depends on its random levels, in
  // Redis too, so it is left out.
  ['lex ranges over mixed scores in a listpack', [
    ['ZADD', 'mx', 1, 'a', 4, 'd', 0, 'p', 0, 'q', 0, 'r'], ['ZREMRANGEBYLEX', 'mx', '[p', '(r'], ['ZLEXCOUNT', 'mx', '[p', '+'],
    ['ZRANGEBYLEX', 'mx', '-', '[q'], ['ZREVRANGEBYLEX', 'mx', '+', '[b'], ['ZLEXCOUNT', 'mx', '-', '+'], ['ZRANGEBYLEX', 'mx', '[a', '[e'],
    ['ZREMRANGEBYLEX', 'mx', '-', '[b'], ['ZRANGE', 'mx', 0, -1],
  ]],
  ['129 members leave the listpack', [
    ['ZADD', 'big', ...Array.from({ length: 128 }, (_, i) => [i, `m${i}`]).flat()], ['OBJECT', 'ENCODING', 'big'],
    ['ZADD', 'big', 128, 'm128'], ['OBJECT', 'ENCODING', 'big'], ['ZRANGE', 'big', 120, -1, 'WITHSCORES'], ['ZRANK', 'big', 'm100'],
    ['ZUNIONSTORE', 'u', 1, 'big'], ['OBJECT', 'ENCODING', 'u'], ['ZRANGESTORE', 'u', 'big', 0, 127], ['OBJECT', 'ENCODING', 'u'],
    ['ZPOPMAX', 'big'], ['OBJECT', 'ENCODING', 'big'],
  ]],
];

const haveRedis = redisServerPath() !== null;
// Without redis-server the test may be skipped locally, never in CI.
const suite = haveRedis || process.env.CI ? describe : describe.skip;

const MODES: [name: string, entries: number, value: number][] = [['listpack', 128, 64], ['skiplist', 0, 64], ['tiny', 4, 8]];

function isArr(v: RespValue): v is RespValue[] { return Array.isArray(v); }

/** Normalizes the replies whose order or picks Redis leaves unspecified (see the header). */
function normalize(args: Arg[], reply: RespValue, skiplistScan: boolean): RespValue {
  const cmd = String(args[0]).toUpperCase();
  if (cmd === 'ZSCAN' && skiplistScan && isArr(reply) && reply.length === 2 && isArr(reply[1])) {
    const flat = reply[1] as RespValue[];
    const pairs: string[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push(JSON.stringify([flat[i], flat[i + 1]]));
    return [reply[0], pairs.sort()];
  }
  if (cmd === 'ZRANDMEMBER' && args.length >= 3 && isArr(reply)) {
    const count = Number(args[2]);
    const withScores = args.length >= 4;
    const items = withScores && reply.length > 0 && !isArr(reply[0]) ? reply.filter((_, i) => i % 2 === 0) : reply.map((r) => (isArr(r) ? r[0] : r));
    // Fewer members than asked: the whole set, which Redis returns in order.
    if (count > 0 && items.length === count) {
      // Distinct picks: only the count and distinctness are compared (order and choice are random).
      return { shape: `unique ${reply.length} ${new Set(items.map((x) => JSON.stringify(x))).size} ${isArr(reply[0]) ? 'nested' : 'flat'}` } as any;
    }
    if (count < 0) return { shape: `repeats ${reply.length} ${reply.length > 0 && isArr(reply[0]) ? 'nested' : 'flat'}` } as any;
  }
  if (cmd === 'ZRANDMEMBER' && args.length === 2 && typeof reply === 'string') return { shape: 'one member' } as any;
  return reply;
}

suite('sorted set family vs redis-server', () => {
  const pair = diffPair({ perTest: true });

  const both = pair.both;


  async function compare(args: Arg[], skiplistScan: boolean): Promise<void> {
    const [a, b] = await both(args);
    const cmd = String(args[0]).toUpperCase();
    if (a.equals(b)) return;
    if (cmd === 'ZSCAN' || cmd === 'ZRANDMEMBER') {
      const ra = normalize(args, parseReply(a)![0], skiplistScan);
      const rb = normalize(args, parseReply(b)![0], skiplistScan);
      expect(rb, labelOf(args)).toEqual(ra);
      if (!(ra as any)?.shape) expect(b.length, labelOf(args)).toBe(a.length);
      return;
    }
    expect(b.toString('latin1'), labelOf(args)).toBe(a.toString('latin1'));
  }

  async function setMode(entries: number, value: number): Promise<void> {
    await both(['CONFIG', 'SET', 'zset-max-listpack-entries', entries]);
    await both(['CONFIG', 'SET', 'zset-max-listpack-value', value]);
  }

  for (const [mode, entries, value] of MODES) {
    for (const proto of [2, 3]) {
      for (const [name, cmds] of scripts) {
        it(`${name} (${mode}, RESP${proto})`, async () => {
          await both(['HELLO', proto]);
          await both(['FLUSHALL']);
          await setMode(entries, value);
          for (const c of cmds) await compare(c, mode !== 'listpack');
          await setMode(128, 64);
        });
      }
    }
  }

  for (const proto of [2, 3]) {
    for (const [name, cmds] of conversions) {
      it(`${name} (RESP${proto})`, async () => {
        await both(['HELLO', proto]);
        await both(['FLUSHALL']);
        await setMode(128, 64);
        for (const c of cmds) await compare(c, true);
      });
    }
  }

  it('plain sets as inputs of ZUNION, ZINTER, ZDIFF and ZINTERCARD', async () => {
    if (!engineHas('SADD')) return;
    await both(['HELLO', 2]);
    await both(['FLUSHALL']);
    for (const c of [['SADD', 'set', 'x', 'y', '5'], ['SADD', 'iset', 1, 2, 3], ['ZADD', 'z', 2, 'y', 3, '5', 4, 'q', 7, '2'],
      ['ZUNION', 3, 'set', 'z', 'iset', 'WITHSCORES'], ['ZINTER', 2, 'set', 'z', 'WITHSCORES'], ['ZINTER', 2, 'iset', 'z', 'WEIGHTS', 3, 1, 'WITHSCORES'],
      ['ZDIFF', 2, 'set', 'z', 'WITHSCORES'], ['ZDIFF', 2, 'z', 'iset', 'WITHSCORES'], ['ZINTERCARD', 2, 'set', 'z'],
      ['ZUNIONSTORE', 'd', 2, 'set', 'iset'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'd'],
      ['ZINTERSTORE', 'd', 2, 'set', 'set', 'AGGREGATE', 'MAX'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'], ['ZRANGE', 'set', 0, -1]] as Arg[][]) {
      await compare(c, false);
    }
  });

  it('random scores parse (strtod) and print (%.17g) as glibc does', async () => {
    const rnd = new Prng(4242);
    const f64 = new Float64Array(1);
    const u32 = new Uint32Array(f64.buffer);
    const digits = (n: number) => Array.from({ length: n }, () => String(rnd.int(10))).join('');
    const scores: string[] = [];
    for (let i = 0; i < 3000; i++) {
      switch (rnd.int(6)) {
        case 0: // any finite double, printed with more digits than it needs
          do { u32[0] = rnd.int(2 ** 32); u32[1] = rnd.int(2 ** 32); } while (!Number.isFinite(f64[0]));
          scores.push(f64[0].toPrecision(1 + rnd.int(21)));
          break;
        case 1: scores.push(`${digits(1 + rnd.int(20))}.${digits(rnd.int(30))}`); break;
        case 2: scores.push(`${digits(1 + rnd.int(3))}e${rnd.int(2) ? '-' : ''}${rnd.int(330)}`); break;
        case 3: scores.push(`0.${'0'.repeat(rnd.int(320))}${digits(1 + rnd.int(25))}`); break;
        case 4: scores.push(`0x${digits(1 + rnd.int(16))}p${rnd.int(2) ? '-' : ''}${rnd.int(1100)}`); break;
        default: scores.push(`${digits(17)}${'0'.repeat(rnd.int(3))}.${rnd.int(2) ? '5' : '25'}`);
      }
    }
    await both(['HELLO', 2]);
    await both(['FLUSHALL']);
    for (let i = 0; i < scores.length; i += 100) {
      const args: Arg[] = ['ZADD', 'r'];
      for (let j = i; j < i + 100; j++) args.push(scores[j], `m${j}`);
      const [a, b] = await both(args);
      // A score out of range fails the batch on both: then add one by one.
      if (a.toString().startsWith('-')) {
        expect(b.toString()).toBe(a.toString());
        for (let j = i; j < i + 100; j++) await compare(['ZADD', 'r', scores[j], `m${j}`], false);
      } else {
        expect(b.toString()).toBe(a.toString());
      }
    }
    await compare(['ZRANGE', 'r', 0, -1, 'WITHSCORES'], false);
    await compare(['ZSCAN', 'r', 0, 'COUNT', 10000], true);
    // The listpack form of the same scores (integers or %.17g text), in order.
    for (let i = 0; i < 3000; i += 100) {
      await compare(['ZRANGESTORE', 'lp', 'r', i, i + 99], false);
      await compare(['OBJECT', 'ENCODING', 'lp'], false);
      await compare(['ZSCAN', 'lp', 0], false);
    }
  });

  it('random command sequences (seeded)', async () => {
    for (const [mode, entries, value] of MODES) {
      for (const proto of [2, 3]) {
        const rnd = new Prng(9000 + entries * 7 + proto);
        await both(['HELLO', proto]);
        await both(['FLUSHALL']);
        await setMode(entries, value);
        for (let i = 0; i < 600; i++) await compare(randomCommand(rnd), mode !== 'listpack');
      }
    }
    await setMode(128, 64);
  });

  // ---- blocking --------------------------------------------------------------------

  /** A pair of connections (first, second) to each server, in RESP `proto`. */
  async function pairs(n: number, proto: number): Promise<[RawClient[], RawClient[]]> {
    const r: RawClient[] = [];
    const o: RawClient[] = [];
    for (let i = 0; i < n; i++) {
      const [ri, oi] = await pair.connect();
      r.push(ri);
      o.push(oi);
    }
    for (const c of [...r, ...o]) await c.cmd('HELLO', proto);
    return [r, o];
  }

  /** Sends the same command on connection `i` of both servers. */
  function sendBoth(conns: [RawClient[], RawClient[]], i: number, ...args: Arg[]): void {
    conns[0][i].send(...args);
    conns[1][i].send(...args);
  }

  async function readBoth(conns: [RawClient[], RawClient[]], i: number, what: string): Promise<void> {
    const a = await conns[0][i].readRaw();
    const b = await conns[1][i].readRaw();
    expect(b.toString('latin1'), what).toBe(a.toString('latin1'));
  }

  const settle = () => new Promise((r) => setTimeout(r, 60));

  for (const proto of [2, 3]) {
    it(`a waiter is served by a later ZADD, in arrival order (RESP${proto})`, async () => {
      await both(['FLUSHALL']);
      const conns = await pairs(3, proto);
      try {
        sendBoth(conns, 0, 'BZPOPMIN', 'k1', 'k2', 0);
        await settle();
        sendBoth(conns, 1, 'BZPOPMAX', 'k2', 0);
        await settle();
        sendBoth(conns, 2, 'ZADD', 'k2', 1, 'a', 2, 'b', 3, 'c');
        await readBoth(conns, 2, 'ZADD');
        await readBoth(conns, 0, 'first waiter');
        await readBoth(conns, 1, 'second waiter');
        sendBoth(conns, 2, 'ZRANGE', 'k2', 0, -1, 'WITHSCORES');
        await readBoth(conns, 2, 'what is left');
      } finally {
        for (const c of [...conns[0], ...conns[1]]) c.close();
      }
    });

    it(`BZMPOP with COUNT, and a ZADD inside another client's pipeline (RESP${proto})`, async () => {
      await both(['FLUSHALL']);
      const conns = await pairs(2, proto);
      try {
        sendBoth(conns, 0, 'BZMPOP', 0, 2, 'x', 'y', 'MAX', 'COUNT', 2);
        await settle();
        for (const c of [conns[0][1], conns[1][1]]) {
          c.write(Buffer.concat([['ZADD', 'y', 1, 'a', 2, 'b', 3, 'c'], ['ZCARD', 'y'], ['ZADD', 'y', 9, 'z'], ['ZRANGE', 'y', 0, -1]]
            .map((a) => Buffer.from(`*${a.length}\r\n${a.map((s) => `$${Buffer.byteLength(String(s))}\r\n${s}\r\n`).join('')}`))));
        }
        for (const what of ['ZADD', 'ZCARD', 'ZADD again', 'ZRANGE']) await readBoth(conns, 1, what);
        await readBoth(conns, 0, 'waiter');
        sendBoth(conns, 0, 'BZPOPMIN', 'w', 0);
        await settle();
        sendBoth(conns, 1, 'ZUNIONSTORE', 'w', 1, 'y');
        await readBoth(conns, 1, 'ZUNIONSTORE');
        await readBoth(conns, 0, 'woken by a store that created the key');
        sendBoth(conns, 0, 'BZPOPMIN', 'r', 0);
        await settle();
        sendBoth(conns, 1, 'ZRANGESTORE', 'r', 'w', 0, -1);
        await readBoth(conns, 1, 'ZRANGESTORE');
        await readBoth(conns, 0, 'woken by ZRANGESTORE');
      } finally {
        for (const c of [...conns[0], ...conns[1]]) c.close();
      }
    });

    it(`timeouts (fractional) and CLIENT UNBLOCK (RESP${proto})`, async () => {
      await both(['FLUSHALL']);
      const conns = await pairs(2, proto);
      try {
        const t0 = Date.now();
        sendBoth(conns, 0, 'BZPOPMIN', 'k', '0.15');
        await readBoth(conns, 0, 'timeout reply');
        expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
        sendBoth(conns, 0, 'BZMPOP', '0.05', 1, 'k', 'MIN');
        await readBoth(conns, 0, 'BZMPOP timeout reply');
        for (const how of ['TIMEOUT', 'ERROR']) {
          const ids: number[] = [];
          for (const c of [conns[0][0], conns[1][0]]) ids.push(Number(await c.cmd('CLIENT', 'ID')));
          sendBoth(conns, 0, 'BZPOPMAX', 'k', 0);
          await settle();
          conns[0][1].send('CLIENT', 'UNBLOCK', ids[0], how);
          conns[1][1].send('CLIENT', 'UNBLOCK', ids[1], how);
          await readBoth(conns, 1, `CLIENT UNBLOCK ${how}`);
          await readBoth(conns, 0, `unblocked with ${how}`);
        }
      } finally {
        for (const c of [...conns[0], ...conns[1]]) c.close();
      }
    });
  }

  it('a waiter is served after the whole EXEC that filled its key', async () => {
    await both(['FLUSHALL']);
    const conns = await pairs(2, 2);
    try {
      sendBoth(conns, 0, 'BZPOPMAX', 'k', 0);
      await settle();
      for (const c of [['MULTI'], ['ZADD', 'k', 1, 'a'], ['ZADD', 'k', 2, 'b'], ['ZREM', 'k', 'a'], ['EXEC']] as Arg[][]) {
        sendBoth(conns, 1, ...c);
        await readBoth(conns, 1, String(c[0]));
      }
      await readBoth(conns, 0, 'waiter');
      sendBoth(conns, 1, 'EXISTS', 'k');
      await readBoth(conns, 1, 'EXISTS');
    } finally {
      for (const c of [...conns[0], ...conns[1]]) c.close();
    }
  });

  it('a store over an existing key of another type wakes nobody (as Redis 7.0)', async () => {
    await both(['FLUSHALL']);
    const conns = await pairs(2, 2);
    try {
      sendBoth(conns, 0, 'BZPOPMIN', 'k', '0.3');
      await settle();
      for (const c of [['SET', 'k', 'v'], ['ZADD', 'src', 1, 'a'], ['ZUNIONSTORE', 'k', 1, 'src']] as Arg[][]) {
        sendBoth(conns, 1, ...c);
        await readBoth(conns, 1, String(c[0]));
      }
      await readBoth(conns, 0, 'still times out');
      sendBoth(conns, 1, 'ZCARD', 'k');
      await readBoth(conns, 1, 'the stored key is untouched');
    } finally {
      for (const c of [...conns[0], ...conns[1]]) c.close();
    }
  });
});

// ---- random sequences ---------------------------------------------------------------

const R_KEYS = ['z1', 'z2', 'z3', 'str'];
const R_MEMBERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', '1', '2', '-5', 'long-member-name', ''];
const R_SCORES = ['0', '1', '2', '-1', '1.5', '0.1', '-0', '3', 'inf', '-inf', '1e3', '2.5', '7', '10'];
const R_RANGES = ['-inf', '+inf', '0', '1', '(1', '2', '(2.5', '3', '(0', '-1', '10', '(inf'];
const R_LEX = ['-', '+', '[a', '(a', '[c', '(d', '[1', '(2', '[g', '[', '('];
// Lex ranges assume equal scores: with mixed scores a skiplist's answer
// depends on its random levels, in Redis too. Lex commands use the key
// 'lex', whose members all score 0.

function randomCommand(r: Prng): Arg[] {
  const k = () => r.pick(R_KEYS.slice(0, 3));
  const m = () => r.pick(R_MEMBERS);
  const s = () => r.pick(R_SCORES);
  const i = () => String(r.int(15) - 7);
  switch (r.int(22)) {
    case 0: case 1: case 2: {
      const out: Arg[] = ['ZADD', k()];
      for (const o of ['NX', 'XX', 'GT', 'LT', 'CH']) if (r.int(8) === 0) out.push(o);
      const n = 1 + r.int(4);
      for (let j = 0; j < n; j++) out.push(s(), m());
      return out;
    }
    case 3: return ['ZINCRBY', k(), s(), m()];
    case 4: return ['ZREM', k(), m(), m()];
    case 5: return ['ZRANGE', k(), i(), i(), ...(r.int(2) ? ['WITHSCORES'] : []), ...(r.int(3) === 0 ? ['REV'] : [])];
    case 6: return ['ZRANGEBYSCORE', k(), r.pick(R_RANGES), r.pick(R_RANGES), 'WITHSCORES', ...(r.int(2) ? ['LIMIT', i(), i()] : [])];
    case 7: return ['ZREVRANGEBYSCORE', k(), r.pick(R_RANGES), r.pick(R_RANGES), ...(r.int(2) ? ['LIMIT', i(), i()] : [])];
    case 8: return [r.pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), 'lex', r.pick(R_LEX), r.pick(R_LEX)];
    case 9: return ['ZCOUNT', k(), r.pick(R_RANGES), r.pick(R_RANGES)];
    case 10: return r.int(2) ? ['ZLEXCOUNT', 'lex', r.pick(R_LEX), r.pick(R_LEX)] : ['ZADD', 'lex', '0', m(), '0', m()];
    case 11: return [r.pick(['ZRANK', 'ZREVRANK', 'ZSCORE']), k(), m()];
    case 12: return [r.pick(['ZPOPMIN', 'ZPOPMAX']), k(), ...(r.int(2) ? [String(r.int(4))] : [])];
    case 13: return [r.pick(['ZREMRANGEBYRANK']), k(), i(), i()];
    case 14: return ['ZREMRANGEBYSCORE', k(), r.pick(R_RANGES), r.pick(R_RANGES)];
    case 15: return ['ZREMRANGEBYLEX', 'lex', r.pick(R_LEX), r.pick(R_LEX)];
    case 16: return [r.pick(['ZUNIONSTORE', 'ZINTERSTORE']), k(), '2', k(), k(), 'WEIGHTS', s(), s(), 'AGGREGATE', r.pick(['SUM', 'MIN', 'MAX'])];
    case 17: return ['ZDIFFSTORE', k(), '2', k(), k()];
    case 18: return [r.pick(['ZUNION', 'ZINTER', 'ZDIFF']), '2', k(), k(), 'WITHSCORES'];
    case 19: return ['ZRANGESTORE', k(), k(), r.pick(R_RANGES), r.pick(R_RANGES), 'BYSCORE'];
    case 20: return ['ZMPOP', '2', k(), k(), r.pick(['MIN', 'MAX']), 'COUNT', String(1 + r.int(3))];
    default: return ['ZCARD', k()];
  }
}
