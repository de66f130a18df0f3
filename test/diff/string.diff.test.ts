// Differential test: the same string commands go to a real redis-server and
// to a Vermilion server over TCP; every raw reply must match byte for byte.
// Skipped only when redis-server is missing outside CI.
import { describe, it } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair } from '../helpers/diffpair.js';

const haveRedis = redisServerPath() !== null;
if (!haveRedis && process.env.CI) throw new Error('redis-server is required in CI for differential tests');

type Cmd = (string | Buffer)[];
const c = (s: string): Cmd => s.split(' ');
const long = (n: number, ch = 'a') => ch.repeat(n);

// Each group starts from FLUSHALL; keys carry no TTL-dependent replies.
const GROUPS: Record<string, Cmd[]> = {
  'set/get and options': [
    c('SET k v'), c('GET k'), c('GET missing'), c('SET k v2 NX'), c('SET k2 v XX'), c('SET k v3 XX'),
    c('SET k v4 XX GET'), c('SET nk v NX GET'), c('SET k v NX GET'), c('GET k'),
    c('SET k v EX 0'), c('SET k v EX -1'), c('SET k v PX 0'), c('SET k v EX 9223372036854775807'),
    c('SET k v EX 9223372036854775'), c('SET k v EX 9223372036854774'), c('SET k v PX 9223372036854775807'),
    c('SET k v EXAT 0'), c('SET k v PXAT -5'), c('SET k v EX abc'), c('SET k v EX 1.5'),
    c('SET k v EX 10 PX 10'), c('SET k v PX 10 EX 10'), c('SET k v EX 10 KEEPTTL'), c('SET k v KEEPTTL EX 10'),
    c('SET k v NX XX'), c('SET k v XX NX'), c('SET k v EX'), c('SET k v EX 10 EX 20'), c('SET k v KEEPTTL KEEPTTL'),
    c('SET k v PERSIST'), c('SET k v nx'), c('SET k v get'), c('SET k v FOO'), c('SET k v EXAT 10 PXAT 10'),
    c('SET k v GET GET'), c('SET k v EX 100 GET'), c('GET k'), c('SET k'), c('GET'),
    ['SET', 'k', 'v', Buffer.from('NX\0junk')], ['SET', 'bin', Buffer.from([0, 255, 13, 10])], c('GET bin'),
  ],
  'setnx setex psetex getset getdel': [
    c('SETNX a 1'), c('SETNX a 2'), c('GET a'), c('SETEX b 100 v'), c('GET b'), c('SETEX b 0 v'), c('SETEX b -3 v'),
    c('SETEX b x v'), c('PSETEX c 100000 v'), c('PSETEX c 0 v'), c('SETEX b 9223372036854775807 v'),
    c('GETSET a 10'), c('GETSET nope 1'), c('GET nope'), c('GETDEL a'), c('GETDEL a'), c('GET a'),
  ],
  'getex': [
    c('SET k v'), c('GETEX k'), c('GETEX k EX 100'), c('GETEX k PERSIST'), c('GETEX k EX 0'), c('GETEX k EX -1'),
    c('GETEX missing EX 0'), c('GETEX k PX 100 EX 100'), c('GETEX k PERSIST EX 10'), c('GETEX k KEEPTTL'),
    c('GETEX k NX'), c('GETEX k EX'), c('GETEX k EX x'), c('GETEX k PXAT 1'), c('GET k'),
    c('SET k v'), c('GETEX k EXAT 1'), c('GETEX k'), c('GETEX missing BADOPT'),
  ],
  'ranges and lengths': [
    c('SET s Hello,World'), c('GETRANGE s 0 4'), c('GETRANGE s -5 -1'), c('GETRANGE s -1 -5'), c('GETRANGE s 5 2'),
    c('GETRANGE s 0 100'), c('GETRANGE s -100 -50'), c('GETRANGE s -100 2'), c('GETRANGE s 20 30'),
    c('GETRANGE none 0 -1'), c('GETRANGE s a 1'), c('GETRANGE s 0 -9223372036854775808'),
    c('SUBSTR s 1 3'), c('SET n 12345'), c('GETRANGE n 1 2'), c('STRLEN s'), c('STRLEN n'), c('STRLEN none'),
    c('SET e x'), c('SETRANGE e 0 ""'), c('SETRANGE s 6 Redis'), c('GET s'), c('SETRANGE pad 5 xy'), c('GET pad'),
    c('SETRANGE s -1 x'), c('SETRANGE s x x'), c('SETRANGE none2 10 '), c('STRLEN none2'),
    ['SETRANGE', 'none3', '3', ''], c('SETRANGE s 536870911 ab'), c('SETRANGE s 536870910 ab'),
    c('SETRANGE n 0 9'), c('GET n'), c('SETRANGE s 9223372036854775807 x'),
    c('APPEND a foo'), c('APPEND a bar'), c('GET a'), c('APPEND n 6'), c('GET n'), c('APPEND i 1'), c('APPEND i 2'), c('GET i'),
  ],
  'counters': [
    c('INCR x'), c('INCR x'), c('DECR x'), c('INCRBY x 10'), c('DECRBY x 5'), c('GET x'),
    c('INCRBY x abc'), c('INCRBY x 1.5'), c('DECRBY x -9223372036854775808'), c('DECRBY x 9223372036854775808'),
    c('SET m 9223372036854775807'), c('INCR m'), c('SET m -9223372036854775808'), c('DECR m'), c('INCRBY m -1'),
    c('SET f 1.5'), c('INCR f'), c('SET sp  1'), c('INCR sp'), c('SET z 007'), c('INCR z'), c('SET neg -0'), c('INCR neg'),
    c('SET big 99999999999999999999'), c('INCR big'), c('SET q ""'), c('INCR q'),
  ],
  'incrbyfloat': [
    c('SET k 10.5'), c('INCRBYFLOAT k 0.1'), c('INCRBYFLOAT k -5'), c('SET k 5.0e3'), c('INCRBYFLOAT k 2.0e2'),
    c('INCRBYFLOAT new 3.0e3'), c('INCRBYFLOAT new 1.1'), c('INCRBYFLOAT new -3001.1'), c('GET new'),
    c('INCRBYFLOAT a 0.1'), c('INCRBYFLOAT a 0.2'), c('INCRBYFLOAT a 0.3'), c('INCRBYFLOAT a 1e-20'),
    c('INCRBYFLOAT b 1.1e308'), c('INCRBYFLOAT b 1.1e308'), c('INCRBYFLOAT b 1e4932'), c('INCRBYFLOAT b 1e4933'),
    c('INCRBYFLOAT c inf'), c('INCRBYFLOAT c -inf'), c('INCRBYFLOAT c nan'), c('INCRBYFLOAT c infinity'),
    c('INCRBYFLOAT c abc'), c('INCRBYFLOAT c 1e'), c('INCRBYFLOAT c .5'), c('INCRBYFLOAT c 5.'), c('INCRBYFLOAT c .'),
    c('INCRBYFLOAT c +1'), c('INCRBYFLOAT c 0x10'), c('INCRBYFLOAT c 0x1p-3'), c('INCRBYFLOAT c 0x1.8P1'), c('INCRBYFLOAT c 0x'),
    c('INCRBYFLOAT d 1e-4951'), c('INCRBYFLOAT d 4e-4951'), c('INCRBYFLOAT d 1e-4940'), c('INCRBYFLOAT e 1e-18'),
    c('INCRBYFLOAT e 4e-18'), c('INCRBYFLOAT e 1e-17'), c('INCRBYFLOAT z -0.0'), c('INCRBYFLOAT z2 -1e-30'),
    c('SET s 1.5e+2'), c('INCRBYFLOAT s 0'), c('SET s abc'), c('INCRBYFLOAT s 1'), c('SET s " 1"'), c('INCRBYFLOAT s 1'),
    c('SET i 9223372036854775807'), c('INCRBYFLOAT i 1'), c('INCRBYFLOAT i 0.5'),
    c('INCRBYFLOAT g 123456789.123456789'), c('INCRBYFLOAT g 0.000000001'), c('INCRBYFLOAT h 1e30'), c('INCRBYFLOAT h 1'),
    c('INCRBYFLOAT j 3.14159265358979323846264338327950288'), c('INCRBYFLOAT j -1e-5'),
    c('INCRBYFLOAT l 1e100'), c('INCRBYFLOAT l -1e100'), c('INCRBYFLOAT m 1e-17'), c('INCRBYFLOAT m 5e-18'),
    c('INCRBYFLOAT n 0.000000000000000005'), c('INCRBYFLOAT n2 0.000000000000000015'), c('INCRBYFLOAT n3 0.000000000000000025'),
    c('INCRBYFLOAT o 1.7976931348623157e308'), c('INCRBYFLOAT p 1E2'), c('INCRBYFLOAT p 1e+2'), c('INCRBYFLOAT p 00012.50'),
    ['INCRBYFLOAT', 'q', Buffer.from('2\0x')], ['INCRBYFLOAT', 'q', Buffer.from('\0')], ['INCRBYFLOAT', 'q', ''],
    ['INCRBYFLOAT', 'r', '1' + '0'.repeat(400)], ['INCRBYFLOAT', 'r2', '0.' + '0'.repeat(300) + '1'],
    ['INCRBYFLOAT', 'r3', '1'.repeat(5119)], ['INCRBYFLOAT', 'r4', '1'.repeat(5120)],
    ['INCRBYFLOAT', 'r5', '0.' + '3'.repeat(3000)],
  ],
  'mget mset msetnx': [
    c('MSET a 1 b 2 c 3'), c('MGET a b c d'), c('MSET a'), c('MSET a 1 b'), c('MSETNX a 5 x 6'), c('MGET a x'),
    c('MSETNX x 1 y 2'), c('MGET x y'), c('MSETNX x'), c('MSETNX p 1 p 2'), c('GET p'), c('MSET q 1 q 2'), c('GET q'),
  ],
  'lcs': [
    c('MSET key1 ohmytext key2 mynewtext'), c('LCS key1 key2'), c('LCS key1 key2 LEN'), c('LCS key1 key2 IDX'),
    c('LCS key1 key2 IDX MINMATCHLEN 4'), c('LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN'), c('LCS key1 key2 IDX WITHMATCHLEN'),
    c('LCS key1 key2 LEN IDX'), c('LCS key1 key2 MINMATCHLEN'), c('LCS key1 key2 MINMATCHLEN x'), c('LCS key1 key2 FOO'),
    c('LCS key1 key2 IDX MINMATCHLEN -5'), c('LCS key1 none'), c('LCS none none2 IDX'), c('LCS none none2 LEN'),
    c('MSET n1 12345 n2 2345'), c('LCS n1 n2'), c('LCS n1 n2 IDX WITHMATCHLEN'), c('LCS key1 key1 IDX'),
    c('MSET s1 aaaaab s2 baaaaa'), c('LCS s1 s2 IDX WITHMATCHLEN'), c('LCS s2 s1 idx len'),
  ],
};

describe.skipIf(!haveRedis)('string commands against redis-server', () => {
  const pair = diffPair();

  for (const proto of [2, 3] as const) {
    for (const [name, cmds] of Object.entries(GROUPS)) {
      it(`${name} (RESP${proto})`, async () => {
        await pair.both(['HELLO', String(proto)]);
        await pair.both(['FLUSHALL']);
        await pair.compareAll(cmds);
      });
    }
  }
});
