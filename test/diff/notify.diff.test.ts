// Differential test of keyspace notifications: with notify-keyspace-events
// "AKEmn" (every class, keyspace and keyevent channels, key misses and new
// keys), one connection runs commands while another, subscribed to
// __key*__:*, collects what each command published. After every command the
// subscriber sends PING and reads up to the pong, so the events of one
// command are compared as one sequence, byte for byte, with a real
// redis-server's. Active expiry is switched off on both so that "expired"
// comes only from lazy expiry at a known moment.
import { describe, it } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffEventPair } from '../helpers/diffpair.js';

type Arg = string | number;

const scripts: [string, Arg[][]][] = [
  ['strings', [
    ['SET', 'k', 'v'], ['SET', 'k', 'v2', 'EX', 100], ['SET', 'k', 'v3', 'NX'], ['SET', 'k', 'v4', 'GET', 'KEEPTTL'],
    ['SETNX', 'k2', 'x'], ['SETEX', 'k3', 100, 'x'], ['PSETEX', 'k4', 100000, 'x'], ['GETSET', 'k', 'y'],
    ['MSET', 'a', 1, 'b', 2], ['MSETNX', 'a', 1, 'c', 3], ['MSETNX', 'c', 3, 'd', 4], ['APPEND', 'a', 'x'],
    ['APPEND', 'newa', 'x'], ['SETRANGE', 'a', 1, 'yy'], ['SETRANGE', 'a', 1, ''], ['SETRANGE', 'nokey', 0, ''],
    ['INCR', 'n'], ['INCRBY', 'n', 5], ['DECR', 'n'], ['DECRBY', 'n', 2], ['INCRBYFLOAT', 'n', '1.5'],
    ['INCR', 'k'], ['GETDEL', 'a'], ['GETDEL', 'a'], ['GETEX', 'b', 'EX', 100], ['GETEX', 'b', 'PERSIST'],
    ['GETEX', 'b', 'PERSIST'], ['GETEX', 'b', 'PXAT', 1], ['GET', 'nokey'], ['MGET', 'nokey', 'k'],
    ['STRLEN', 'nokey'], ['GETRANGE', 'nokey', 0, 1],
  ]],
  ['bitmaps', [
    ['SETBIT', 'bm', 7, 1], ['SETBIT', 'bm', 7, 1], ['SETBIT', 'bm', 100, 0], ['BITFIELD', 'bf', 'SET', 'u8', 0, 5],
    ['BITFIELD', 'bf', 'GET', 'u8', 0], ['BITOP', 'OR', 'dest', 'bm', 'bf'], ['BITOP', 'AND', 'dest', 'nokey'],
    ['BITOP', 'AND', 'dest', 'nokey'], ['GETBIT', 'nokey', 0], ['BITCOUNT', 'nokey'],
  ]],
  ['generic keys', [
    ['SET', 'a', 1], ['SET', 'b', 2], ['DEL', 'a', 'nokey', 'b'], ['SET', 'a', 1], ['UNLINK', 'a'],
    ['SET', 'a', 1], ['EXPIRE', 'a', 100], ['PEXPIRE', 'a', 100000, 'NX'], ['EXPIREAT', 'a', 4102444800],
    ['PERSIST', 'a'], ['PERSIST', 'a'], ['EXPIRE', 'a', -1], ['SET', 'a', 1], ['RENAME', 'a', 'b'],
    ['SET', 'c', 1], ['RENAME', 'b', 'c'], ['RENAMENX', 'c', 'd'], ['SET', 'e', 1], ['RENAMENX', 'd', 'e'],
    ['MOVE', 'd', 1], ['COPY', 'e', 'f'], ['COPY', 'e', 'f', 'REPLACE'], ['COPY', 'e', 'g', 'DB', 2],
    ['TYPE', 'nokey'], ['EXISTS', 'nokey', 'e'], ['TTL', 'nokey'], ['OBJECT', 'ENCODING', 'nokey'],
    ['TOUCH', 'nokey'], ['SWAPDB', 0, 1], ['SWAPDB', 0, 1], ['FLUSHDB'],
  ]],
  ['lazy expiry', [
    ['SET', 'x', 1, 'PX', 1], ['SLEEP'], ['GET', 'x'], ['SET', 'y', 1, 'PX', 1], ['SLEEP'], ['EXISTS', 'y'],
    ['SET', 'z', 1, 'PX', 1], ['SLEEP'], ['SET', 'z', 2], ['SADD', 's', 'a'], ['PEXPIRE', 's', 1], ['SLEEP'],
    ['SCARD', 's'],
  ]],
  ['sets', [
    ['SADD', 's', 'a', 'b', 'c'], ['SADD', 's', 'a'], ['SREM', 's', 'a', 'x'], ['SREM', 's', 'x'],
    ['SMOVE', 's', 't', 'b'], ['SMOVE', 's', 't', 'c'], ['SMOVE', 't', 't', 'b'], ['SADD', 'u', 1, 2, 3],
    ['SPOP', 'u', 0], ['SPOP', 'u', 10], ['SADD', 'u', 1, 2], ['SINTERSTORE', 'dst', 't', 'u'],
    ['SUNIONSTORE', 'dst', 't', 'u'], ['SDIFFSTORE', 'dst', 't', 'u'], ['SDIFFSTORE', 'dst', 't', 't'],
    ['SINTERSTORE', 'dst', 'nokey', 't'], ['SMEMBERS', 'nokey'], ['SISMEMBER', 'nokey', 'a'],
  ]],
  ['lists', [
    ['RPUSH', 'l', 'a', 'b', 'c'], ['LPUSH', 'l', 'z'], ['LPUSHX', 'nol', 'x'], ['RPUSHX', 'l', 'd'],
    ['LINSERT', 'l', 'BEFORE', 'b', 'x'], ['LINSERT', 'l', 'AFTER', 'nope', 'x'], ['LSET', 'l', 0, 'y'],
    ['LREM', 'l', 0, 'x'], ['LREM', 'l', 0, 'nope'], ['LTRIM', 'l', 0, 10], ['LPOP', 'l'], ['RPOP', 'l', 0],
    ['RPOP', 'l', 1], ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'], ['RPOPLPUSH', 'l', 'm'], ['LMPOP', 2, 'nol', 'm', 'LEFT', 'COUNT', 10],
    ['RPUSH', 'l', 1, 2], ['BLPOP', 'l', 0], ['BRPOP', 'l', 0], ['RPUSH', 'l', 1], ['LTRIM', 'l', 5, 6],
    ['RPUSH', 'l', 1], ['BLMOVE', 'l', 'l', 'LEFT', 'LEFT', 0], ['LRANGE', 'nol', 0, -1],
  ]],
  ['sorted sets', [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'], ['ZADD', 'z', 1, 'a'], ['ZADD', 'z', 5, 'a'], ['ZADD', 'z', 'NX', 1, 'a'],
    ['ZADD', 'z', 'XX', 1, 'nope'], ['ZADD', 'nokey', 'XX', 1, 'a'], ['ZINCRBY', 'z', 1, 'a'], ['ZADD', 'z', 'INCR', 1, 'new'],
    ['ZREM', 'z', 'nope'], ['ZREM', 'z', 'new'], ['ZREMRANGEBYRANK', 'z', 5, 9], ['ZREMRANGEBYRANK', 'z', 0, 0],
    ['ZREMRANGEBYSCORE', 'z', 100, 200], ['ZADD', 'lx', 0, 'p', 0, 'q'], ['ZREMRANGEBYLEX', 'lx', '[p', '[p'],
    ['ZREMRANGEBYLEX', 'lx', '-', '+'], ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'], ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'],
    ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', 5], ['ZPOPMIN', 'z'], ['ZADD', 'y', 1, 'a'], ['ZMPOP', 2, 'nokey', 'y', 'MAX'],
    ['ZADD', 'y', 1, 'a', 2, 'b'], ['BZPOPMIN', 'y', 0], ['BZMPOP', 0, 1, 'y', 'MIN', 'COUNT', 3], ['ZADD', 'a', 1, 'x', 2, 'y'],
    ['ZADD', 'b', 1, 'y'], ['ZUNIONSTORE', 'd', 2, 'a', 'b'], ['ZINTERSTORE', 'd', 2, 'a', 'b'], ['ZDIFFSTORE', 'd', 2, 'a', 'b'],
    ['ZINTERSTORE', 'd', 2, 'a', 'nokey'], ['ZINTERSTORE', 'd', 2, 'a', 'nokey'], ['ZRANGESTORE', 'r', 'a', 0, -1],
    ['ZRANGESTORE', 'r', 'a', 5, 6], ['ZRANGESTORE', 'r', 'nokey', 0, -1], ['SET', 's', 'v'], ['ZUNIONSTORE', 's', 1, 'a'],
    ['ZSCORE', 'nokey', 'a'], ['ZCARD', 'nokey'], ['ZRANGE', 'nokey', 0, -1], ['ZUNION', 2, 'a', 'nokey'], ['ZRANDMEMBER', 'nokey'],
    ['ZSCAN', 'nokey', 0], ['ZMSCORE', 'nokey', 'a'], ['ZCOUNT', 'nokey', 0, 1], ['ZREM', 'a', 'x', 'y'],
  ]],
  ['transactions publish after EXEC, in command order', [
    ['MULTI'], ['SET', 'k', 1], ['INCR', 'k'], ['SADD', 's', 'x'], ['DEL', 'k'], ['EXEC'],
  ]],
];

const haveRedis = redisServerPath() !== null;
const suite = haveRedis || process.env.CI ? describe : describe.skip;

suite('keyspace notifications vs redis-server', () => {
  const pair = diffEventPair(
    [['CONFIG', 'SET', 'notify-keyspace-events', 'AKEmn'], ['DEBUG', 'SET-ACTIVE-EXPIRE', '0']],
    { config: { 'enable-debug-command': 'yes' } },
  );

  for (const [name, steps] of scripts) {
    it(name, async () => {
      await pair.both(['FLUSHALL']);
      await pair.drainEvents();
      for (const args of steps) {
        if (args[0] === 'SLEEP') {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        await pair.stepEvents(args);
      }
    });
  }
});
