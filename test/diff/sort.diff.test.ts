// Differential test of SORT and SORT_RO against a real redis-server: lists,
// sets (integer and string) and sorted sets; numeric and ALPHA order; BY
// patterns on strings and hash fields, BY without '*' (no sorting); GET
// patterns with '#', '->field' and missing keys; LIMIT edge cases; STORE
// (replacing, deleting on empty results); every option error. Replies are
// compared byte for byte in RESP2 and RESP3.
import { describe, it } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair } from '../helpers/diffpair.js';

type Arg = string | number;

const setup: Arg[][] = [
  ['RPUSH', 'l', 3, 1, 2, 10, '1.5', -4], ['RPUSH', 'la', 'b', 'a', 'C', 'aa', '', 'b'],
  ['RPUSH', 'bad', 1, 'x', 2], ['SADD', 'si', 5, 3, 9, 1], ['SADD', 'ss', 'pear', 'apple', 'fig'],
  ['ZADD', 'z', 3, 'c', 1, 'a', 2, 'b'], ['ZADD', 'zn', 1, 30, 2, 10, 3, 20],
  ['MSET', 'w_1', 30, 'w_2', 10, 'w_3', 20, 'w_10', 5, 'w_-4', 0, 'w_1.5', 'x'],
  ['MSET', 'o_1', 'one', 'o_2', 'two', 'o_3', 'three'],
  ['HSET', 'h_1', 'f', 3, 'n', 'uno'], ['HSET', 'h_2', 'f', 1, 'n', 'dos'], ['HSET', 'h_3', 'f', 2],
  ['SET', 'str', 'v'], ['MSET', 'wa', 2, 'wb', 1, 'wc', 3], ['SET', 'dest', 'old'], ['EXPIRE', 'dest', 100],
];

const cases: Arg[][] = [
  ['SORT', 'l'], ['SORT', 'l', 'DESC'], ['SORT', 'l', 'ASC'], ['SORT', 'la'], ['SORT', 'la', 'ALPHA'],
  ['SORT', 'la', 'ALPHA', 'DESC'], ['SORT', 'bad'], ['SORT', 'bad', 'ALPHA'], ['SORT', 'si'], ['SORT', 'ss', 'ALPHA'],
  ['SORT', 'ss'], ['SORT', 'z'], ['SORT', 'z', 'ALPHA'], ['SORT', 'zn'], ['SORT', 'zn', 'DESC'], ['SORT', 'nokey'],
  ['SORT', 'str'], ['SORT_RO', 'str'], ['SORT', 'l', 'LIMIT', 0, 2], ['SORT', 'l', 'LIMIT', 2, 100],
  ['SORT', 'l', 'LIMIT', -5, 2], ['SORT', 'l', 'LIMIT', 1, -1], ['SORT', 'l', 'LIMIT', 6, 1], ['SORT', 'l', 'LIMIT', 100, 1],
  ['SORT', 'l', 'LIMIT', 0, 0], ['SORT', 'l', 'LIMIT', 'x', 1], ['SORT', 'l', 'LIMIT', 1], ['SORT', 'l', 'FOO'],
  ['SORT', 'l', 'BY', 'w_*'], ['SORT', 'l', 'BY', 'w_*', 'DESC'], ['SORT', 'si', 'BY', 'nosort'],
  ['SORT', 'l', 'BY', 'nosort'], ['SORT', 'l', 'BY', 'nosort', 'DESC'], ['SORT', 'l', 'BY', 'nosort', 'LIMIT', 1, 2],
  ['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', 1, 2], ['SORT', 'z', 'BY', 'nosort', 'DESC'], ['SORT', 'z', 'BY', 'nosort', 'LIMIT', 1, 5],
  ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', 0, 2],
  ['SORT', 'si', 'BY', 'h_*->f'], ['SORT', 'si', 'BY', 'o_*', 'ALPHA'], ['SORT', 'l', 'BY', 'nothere_*', 'ALPHA'],
  ['SORT', 'z', 'BY', 'w*', 'ALPHA'], ['SORT', 'z', 'BY', 'w*'], ['SORT', 'l', 'GET', 'o_*'], ['SORT', 'l', 'GET', '#', 'GET', 'o_*'],
  ['SORT', 'l', 'GET', 'h_*->n', 'GET', 'h_*->nope', 'GET', 'str*->f'], ['SORT', 'l', 'GET', 'nostar'],
  ['SORT', 'l', 'GET', '#', 'LIMIT', 0, 2, 'DESC'], ['SORT', 'l', 'GET'], ['SORT', 'l', 'BY'],
  ['SORT', 'l', 'STORE', 'dest'], ['LRANGE', 'dest', 0, -1], ['TTL', 'dest'], ['TYPE', 'dest'],
  ['SORT', 'nokey', 'STORE', 'dest'], ['EXISTS', 'dest'], ['SORT', 'ss', 'STORE', 'dest2'], ['LRANGE', 'dest2', 0, -1],
  ['SORT', 'ss', 'BY', 'nosort', 'STORE', 'dest3'], ['LRANGE', 'dest3', 0, -1], ['SORT', 'l', 'GET', 'o_*', 'STORE', 'dest4'],
  ['LRANGE', 'dest4', 0, -1], ['SORT_RO', 'l', 'STORE', 'x'], ['SORT_RO', 'l', 'DESC', 'LIMIT', 0, 3], ['SORT', 'bad', 'STORE', 'dest5'],
  ['EXISTS', 'dest5'], ['SORT', 'l', 'desc', 'alpha', 'limit', 0, 3], ['OBJECT', 'ENCODING', 'z'], ['SORT'], ['SORT_RO'],
];

const haveRedis = redisServerPath() !== null;
const suite = haveRedis || process.env.CI ? describe : describe.skip;

suite('SORT vs redis-server', () => {
  const pair = diffPair();

  for (const proto of [2, 3]) {
    it(`every form, RESP${proto}`, async () => {
      await pair.both(['HELLO', proto]);
      await pair.both(['FLUSHALL']);
      for (const c of setup) await pair.both(c);
      for (const c of cases) await pair.compare(c);
    });
  }
});
