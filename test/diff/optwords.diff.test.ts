// Differential test of how option words are read: Redis compares them with
// strcasecmp on the argument's C string, so an option followed by a NUL
// byte and more bytes ("COUNT\0junk") is still that option, in engine and
// host commands alike (assembly/commands/context.ts argIs, src/host/optword.ts).
// Subcommand names are left out: Redis hashes them whole but compares them
// as C strings, so "ENCODING\0" finds OBJECT ENCODING only when its hash
// lands in the same bucket, which depends on the process's random seed.
import { describe, it } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair, type Arg } from '../helpers/diffpair.js';

const haveRedis = redisServerPath() !== null;
// Without redis-server the test may be skipped locally, never in CI.
const suite = haveRedis || process.env.CI ? describe : describe.skip;

const W = (word: string, tail = '') => Buffer.from(`${word}\0${tail}`, 'latin1');

const script: Arg[][] = [
  ['FLUSHALL'],
  ['SET', 'k', 'v', W('NX', 'z')], ['SET', 'k', 'v', W('XX'), W('GET')], ['SET', 'k', 'v', W('XX', 'GET')],
  ['EXPIRE', 'k', '10', W('GT')], ['EXPIRE', 'k', '10', W('G')], ['PEXPIRE', 'k', '100000', W('NX', 'x')],
  ['ZADD', 'z', W('NX', 'q'), '1', 'm'], ['ZRANGE', 'z', '0', '-1', W('WITHSCORES')],
  ['RPUSH', 'l', 'a', 'b'], ['LPOS', 'l', 'b', W('RANK'), '1'], ['LINSERT', 'l', W('BEFORE'), 'a', 'c'],
  ['LMPOP', '1', 'l', W('LEFT')], ['SORT', 'l', W('ALPHA', 'xy')], ['SORT', 'l', W('LIMIT'), '0', '1', 'ALPHA'],
  ['GETEX', 'k', W('PERSIST')], ['BITCOUNT', 'k', '0', '1', W('BIT')], ['BITPOS', 'k', '1', '0', '1', W('BYTE')],
  ['XADD', 's', W('NOMKSTREAM'), '1-1', 'f', 'v'], ['XADD', 's', '1-1', 'f', 'v'], ['XADD', 's', W('MAXLEN'), '5', '2-1', 'f', 'v'],
  ['XREAD', W('COUNT'), '1', W('STREAMS'), 's', '0'], ['XTRIM', 's', W('MAXLEN'), '1'], ['XRANGE', 's', '-', '+', W('COUNT', 'x'), '5'],
  ['HSET', 'h', 'f', 'v'], ['HRANDFIELD', 'h', '1', W('WITHVALUES')],
  ['GEOADD', 'g', W('NX'), '1', '1', 'm'], ['SINTERCARD', '1', 'zz', W('LIMIT'), '1'],
  ['COPY', 'k', 'k2', W('REPLACE')], ['RESTORE', 'x', '0', '\0', W('ABSTTL')],
  ['SCAN', '0', W('COUNT', 'xy'), '100', W('MATCH'), 'nomatch*'], ['SCAN', '0', W('TYPE', 'x'), 'list'],
  ['FUNCTION', 'FLUSH', W('SYNC')], ['SCRIPT', 'FLUSH', W('ASYNC', 'x')], ['SCRIPT', 'FLUSH', 'ASYNCX'],
  ['CLIENT', 'KILL', W('ID'), '999999'], ['CLIENT', 'LIST', W('TYPE'), W('pubsub')], ['CLIENT', 'NO-EVICT', W('off')],
  ['CONFIG', 'GET', W('maxmemory')], ['FLUSHDB', W('ASYNC')], ['FLUSHALL', W('SYNC', 'x')], ['DBSIZE'],
];

suite('option words read as C strings, as Redis reads them', () => {
  const pair = diffPair();
  it('an option followed by a NUL and more bytes is that option', async () => {
    await pair.compareAll(script);
  });
});
