// Differential test of the hash family: the same commands go to a real
// redis-server and to Vermilion over TCP, in RESP2 and RESP3, once with
// Redis's default thresholds (small hashes stay listpacks) and once with
// hash-max-listpack-entries 0 (every hash is a hashtable), set with CONFIG
// SET on both servers. Replies are compared byte for byte, except where
// Redis leaves the order unspecified:
//   HGETALL HKEYS HVALS HSCAN  on a hashtable, elements are compared as
//                              sorted lists (a listpack's order is Redis's
//                              insertion order and is compared exactly);
//                              OBJECT ENCODING of the key must agree first
//   HRANDFIELD                 random: same shape, members of the hash,
//                              distinct when the count is positive, values
//                              matching their fields
// HSCAN on a hashtable is compared only for calls Redis finishes in one go
// (continuing our iteration when our table's order stops it earlier); full
// iterations with a small COUNT are compared as sets.
import { describe, it, expect } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair, labelOf, eventsUntilPong } from '../helpers/diffpair.js';
import { parseReply, RespValue } from '../helpers/resp.js';
import { seeded } from '../helpers/prng.js';

const haveRedis = redisServerPath() !== null;
if (!haveRedis && process.env.CI) throw new Error('redis-server is required in CI for differential tests');

type Arg = string | Buffer;
type Cmd = Arg[];
const c = (s: string): Cmd => s.split(' ');
const B = (s: string) => Buffer.from(s, 'latin1');
const NUL_FIELD = B('a\0b');
const NUL_VALUE = B('\0\0x\0');

// Fields and values that look like integers in some ways and not others:
// the listpack stores canonical ones as integers and must give back the
// same bytes.
const NUMERIC = ['0', '1', '-1', '12', '007', '-0', '+1', ' 1', '1 ', '1.0', '127', '128', '-4096', '4095',
  '4096', '32767', '-32768', '8388607', '-8388608', '2147483647', '-2147483648', '2147483648',
  '9223372036854775807', '-9223372036854775808', '9223372036854775808', '-9223372036854775809',
  '99999999999999999999', '', '00', '-', '1e3', '0x10'];

// Each group starts from FLUSHALL and the group's encoding thresholds.
const GROUPS: Record<string, Cmd[]> = {
  'HSET HMSET HSETNX HGET HMGET HLEN HEXISTS HSTRLEN': [
    c('HSET h'), c('HSET h f'), c('HSET h f v f2'), c('HMSET h f'), c('HMSET h f v f2'), c('HSETNX h f'),
    c('HSETNX h f v x'), c('HGET h'), c('HGET h a b'), c('HMGET h'), c('HLEN'), c('HLEN h x'), c('HEXISTS h'),
    c('HSTRLEN h'), c('EXISTS h'),
    c('HSET h a 1 b 2 c 3'), c('HSET h a 10 d 4 d 5'), c('HMSET h e 5 a 11'), c('HGETALL h'),
    c('HGET h a'), c('HGET h zz'), c('HGET nokey a'), c('HMGET h a zz d a'), c('HMGET nokey a b'),
    c('HLEN h'), c('HLEN nokey'), c('HEXISTS h a'), c('HEXISTS h zz'), c('HEXISTS nokey a'),
    c('HSTRLEN h a'), c('HSTRLEN h zz'), c('HSTRLEN nokey a'),
    c('HSETNX h a 5'), c('HSETNX h f 6'), c('HSETNX new f 7'), c('HGET h f'), c('HGETALL new'),
    ['HSET', 'h', NUL_FIELD, NUL_VALUE], ['HGET', 'h', NUL_FIELD], ['HGET', 'h', 'a'], ['HSTRLEN', 'h', NUL_FIELD],
    ['HEXISTS', 'h', B('a\0')], ['HSET', 'h', '', ''], ['HGET', 'h', ''], ['HSTRLEN', 'h', ''], ['HSETNX', 'h', '', 'x'],
    c('HKEYS h'), c('HVALS h'), c('HLEN h'), c('TYPE h'),
  ],
  'integers as strings, binary safety': [
    ['HSET', 'n', ...NUMERIC.flatMap((v) => [v, v])],
    ...NUMERIC.map((v): Cmd => ['HGET', 'n', v]),
    ...NUMERIC.map((v): Cmd => ['HSTRLEN', 'n', v]),
    ...NUMERIC.map((v): Cmd => ['HEXISTS', 'n', v]),
    c('HGETALL n'), c('HKEYS n'), c('HVALS n'), c('HLEN n'),
    ['HMGET', 'n', ...NUMERIC],
    ['HSET', 'b', B('\xff\x00'), B('\x00\xff'), B('\r\n'), B('\n'), B('x'.repeat(64)), B('y'.repeat(64))],
    ['HGET', 'b', B('\xff\x00')], ['HGET', 'b', B('\r\n')], c('HGETALL b'),
    ['HDEL', 'n', '12', '007', '-0', ''], c('HLEN n'), c('HGETALL n'),
  ],
  'HDEL': [
    c('HDEL h'), c('HDEL nokey a'), c('HSET h a 1 b 2 c 3'), c('HDEL h a a zz'), c('HLEN h'), c('HDEL h zz'),
    c('HDEL h b c d'), c('EXISTS h'), c('HSET h a 1'), c('HDEL h a a'), c('EXISTS h'), c('HSET h a 1 b 2'),
    c('HDEL h b'), c('HGETALL h'), c('HDEL h a b'), c('TYPE h'),
  ],
  'HINCRBY': [
    c('HINCRBY h'), c('HINCRBY h f'), c('HINCRBY h f 1 2'),
    c('HINCRBY h f 1'), c('HINCRBY h f 1'), c('HINCRBY h f -10'), c('HINCRBY h f 0'), c('HGET h f'),
    c('HINCRBY h f abc'), c('HINCRBY h f 1.5'), c('HINCRBY h f 9223372036854775808'), c('HINCRBY h f ""'),
    c('HINCRBY new f x'), c('EXISTS new'), c('HINCRBY new f 5'), c('TYPE new'),
    c('HINCRBY h max 9223372036854775807'), c('HINCRBY h max 1'), c('HINCRBY h max 0'), c('HINCRBY h max -1'),
    c('HINCRBY h min -9223372036854775808'), c('HINCRBY h min -1'), c('HINCRBY h min 1'), c('HGET h min'),
    c('HINCRBY h min 9223372036854775807'), c('HGET h min'),
    ['HSET', 'h', 's', 'hello', 'z', '007', 'm', '-0', 'p', '+1', 'sp', ' 1', 'big', '99999999999999999999',
      'fl', '1.0', 'e', '', 'k', '12', 'neg', '-5', 'lim', '9223372036854775807'],
    c('HINCRBY h s 1'), c('HINCRBY h z 1'), c('HINCRBY h m 1'), c('HINCRBY h p 1'), c('HINCRBY h sp 1'),
    c('HINCRBY h big 1'), c('HINCRBY h fl 1'), c('HINCRBY h e 1'), c('HINCRBY h k 1'), c('HINCRBY h neg 5'),
    c('HINCRBY h lim 1'), c('HGETALL h'),
  ],
  'HINCRBYFLOAT': [
    c('HINCRBYFLOAT h'), c('HINCRBYFLOAT h f'), c('HINCRBYFLOAT h f 1 2'),
    c('HINCRBYFLOAT h f 10.5'), c('HINCRBYFLOAT h f 0.1'), c('HINCRBYFLOAT h f -5'), c('HGET h f'),
    c('HINCRBYFLOAT h a 0.1'), c('HINCRBYFLOAT h a 0.2'), c('HINCRBYFLOAT h a 0.3'), c('HINCRBYFLOAT h a 1e-20'),
    c('HINCRBYFLOAT h b 5.0e3'), c('HINCRBYFLOAT h b 2.0e2'), c('HINCRBYFLOAT h b -5200'), c('HGET h b'),
    c('HINCRBYFLOAT h c inf'), c('HINCRBYFLOAT h c -inf'), c('HINCRBYFLOAT h c +inf'), c('HINCRBYFLOAT h c infinity'),
    c('HINCRBYFLOAT h c nan'), c('HINCRBYFLOAT h c abc'), c('HINCRBYFLOAT h c 1e'), c('HINCRBYFLOAT h c .5'),
    c('HINCRBYFLOAT h c 5.'), c('HINCRBYFLOAT h c 0x10'), c('HINCRBYFLOAT h c 0x1p-3'), c('HINCRBYFLOAT h c +1'),
    c('HINCRBYFLOAT h d 1.1e308'), c('HINCRBYFLOAT h d 1.1e308'), c('HINCRBYFLOAT h d 1e4932'),
    c('HINCRBYFLOAT h d 1e4932'), c('HINCRBYFLOAT h d 1e4933'), c('HGET h d'),
    c('HINCRBYFLOAT h e 1e-4951'), c('HINCRBYFLOAT h e2 1e-18'), c('HINCRBYFLOAT h e2 4e-18'),
    c('HINCRBYFLOAT h z -0.0'), c('HINCRBYFLOAT h z2 -1e-30'), c('HINCRBYFLOAT h g 123456789.123456789'),
    c('HINCRBYFLOAT h j 3.14159265358979323846264338327950288'), c('HINCRBYFLOAT h l 1e100'), c('HINCRBYFLOAT h l -1e100'),
    ['HINCRBYFLOAT', 'h', 'q', B('2\0x')], ['HINCRBYFLOAT', 'h', 'q', ''], ['HINCRBYFLOAT', 'h', 'r', '1'.repeat(5119)],
    ['HINCRBYFLOAT', 'h', 'r2', '1'.repeat(5120)],
    ['HSET', 'h', 's', 'hello', 'i', '9223372036854775807', 'sp', ' 1', 'x', '1.5e+2', 'em', '', 'hx', '0x1p1',
      'n', '-9223372036854775808'],
    c('HINCRBYFLOAT h s 1'), c('HINCRBYFLOAT h i 1'), c('HINCRBYFLOAT h i 0.5'), c('HINCRBYFLOAT h sp 1'),
    c('HINCRBYFLOAT h x 0'), c('HINCRBYFLOAT h em 1'), c('HINCRBYFLOAT h hx 1'), c('HINCRBYFLOAT h n -1'),
    c('HINCRBYFLOAT new f x'), c('EXISTS new'), c('HINCRBYFLOAT new f inf'), c('EXISTS new'),
    c('HINCRBYFLOAT new f 2.5'), c('HGETALL new'), c('HGETALL h'),
  ],
  'HGETALL HKEYS HVALS': [
    c('HGETALL nokey'), c('HKEYS nokey'), c('HVALS nokey'), c('HGETALL'), c('HKEYS a b'), c('HVALS'),
    c('HSET h f1 v1 f2 v2 f3 v3 f4 v4 f5 v5'), c('HGETALL h'), c('HKEYS h'), c('HVALS h'),
    c('HDEL h f2 f4'), c('HSET h f6 v6 f1 v1bis'), c('HGETALL h'), c('HKEYS h'), c('HVALS h'),
    ['HSET', 'one', NUL_FIELD, ''], c('HGETALL one'), c('HKEYS one'), c('HVALS one'),
  ],
  'HRANDFIELD': [
    c('HRANDFIELD'), c('HRANDFIELD nokey'), c('HRANDFIELD nokey 5'), c('HRANDFIELD nokey -5'),
    c('HRANDFIELD nokey 0 WITHVALUES'), c('HRANDFIELD nokey x'), c('HRANDFIELD nokey 1 foo'),
    c('HSET h a 1 b 2 c 3 d 4 e 5'), c('HRANDFIELD h'), c('HRANDFIELD h'),
    c('HRANDFIELD h 0'), c('HRANDFIELD h 0 WITHVALUES'), c('HRANDFIELD h 1'), c('HRANDFIELD h 1 withvalues'),
    c('HRANDFIELD h 3'), c('HRANDFIELD h 3 WITHVALUES'), c('HRANDFIELD h 5'), c('HRANDFIELD h 6 WITHVALUES'),
    c('HRANDFIELD h 100'), c('HRANDFIELD h -1'), c('HRANDFIELD h -3 WITHVALUES'), c('HRANDFIELD h -20'),
    c('HRANDFIELD h -20 WITHVALUES'), c('HRANDFIELD h 4 WITHVALUES'), c('HRANDFIELD h 2'),
    c('HRANDFIELD h x'), c('HRANDFIELD h 1.5'), c('HRANDFIELD h 1 WITHVALUE'), c('HRANDFIELD h 1 WITHVALUES x'),
    c('HRANDFIELD h 0 foo'), c('HRANDFIELD h x WITHVALUES'), ['HRANDFIELD', 'h', '2', B('WITHVALUES\0x')],
    c('HRANDFIELD h -9223372036854775808'), c('HRANDFIELD h -9223372036854775808 WITHVALUES'),
    c('HRANDFIELD h 9223372036854775807 WITHVALUES'), c('HRANDFIELD h -4611686018427387904 WITHVALUES'),
    c('HRANDFIELD h 4611686018427387904 WITHVALUES'), c('HRANDFIELD h 4611686018427387903 WITHVALUES'),
    c('HRANDFIELD h 9223372036854775807'), c('HRANDFIELD h 9223372036854775808'),
    ['HSET', 'n', '12', '007', '-0', '', NUL_FIELD, '-5'], c('HRANDFIELD n 10 WITHVALUES'), c('HRANDFIELD n -7 WITHVALUES'),
    c('HRANDFIELD n 2 WITHVALUES'),
  ],
  'HSCAN': [
    c('HSCAN'), c('HSCAN h'), c('HSCAN nokey 0'), c('HSCAN nokey x'), c('HSCAN nokey 0 COUNT 0'),
    c('HSCAN nokey 0 foo'),
    c('HSET h a 1 b 2 c 3 ab 4 ba 5'), c('HSCAN h 0'), c('HSCAN h 0 COUNT 100'), c('HSCAN h 0 MATCH a*'),
    c('HSCAN h 0 MATCH a* COUNT 1000'), c('HSCAN h 0 match *a COUNT 1000'), c('HSCAN h 0 MATCH * COUNT 1000'),
    c('HSCAN h 0 MATCH x COUNT 1000'), c('HSCAN h 0 MATCH [ab] MATCH b* COUNT 1000'),
    c('HSCAN h 0 COUNT 0'), c('HSCAN h 0 COUNT -1'), c('HSCAN h 0 COUNT x'), c('HSCAN h 0 COUNT'), c('HSCAN h 0 MATCH'),
    c('HSCAN h 0 TYPE hash'), c('HSCAN h 0 NOVALUES'), c('HSCAN h 0 foo bar'), ['HSCAN', 'h', '0', B('COUNT\0x'), '1000'],
    c('HSCAN h x'), c('HSCAN h 1x'), c('HSCAN h -'), c('HSCAN h 18446744073709551616'), ['HSCAN', 'h', ' 0'],
    ['HSCAN', 'h', '', 'COUNT', '1000'], ['HSCAN', 'h', '+0', 'COUNT', '1000'], ['HSCAN', 'h', B('0\0zz'), 'COUNT', '1000'],
    ['HSET', 'n', '12', 'x', '007', 'y', NUL_FIELD, 'z'], c('HSCAN n 0 COUNT 1000'), c('HSCAN n 0 MATCH 1* COUNT 1000'),
    ['HSCAN', 'n', '0', 'MATCH', B('a\0*'), 'COUNT', '1000'],
  ],
  'WRONGTYPE': [
    c('SET s x'), c('HSET s a 1'), c('HMSET s a 1'), c('HSETNX s a 1'), c('HGET s a'), c('HMGET s a'), c('HDEL s a'),
    c('HLEN s'), c('HEXISTS s a'), c('HSTRLEN s a'), c('HINCRBY s a 1'), c('HINCRBYFLOAT s a 1'), c('HGETALL s'),
    c('HKEYS s'), c('HVALS s'), c('HRANDFIELD s'), c('HRANDFIELD s 1'), c('HRANDFIELD s 0'), c('HRANDFIELD s -1 WITHVALUES'),
    c('HSCAN s 0'), c('HSCAN s 0 COUNT 0'),
    // Argument errors come first where Redis checks them first.
    c('HSET s a'), c('HINCRBY s a x'), c('HINCRBYFLOAT s a x'), c('HINCRBYFLOAT s a inf'), c('HRANDFIELD s x'),
    c('HRANDFIELD s 1 foo'), c('HSCAN s x'), c('GET s'),
  ],
  'keyspace commands on hashes': [
    c('HSET h a 1 b 2'), c('TYPE h'), c('COPY h h2'), c('HSET h2 c 3'), c('HLEN h'), c('HLEN h2'),
    c('OBJECT ENCODING h2'), c('HGETALL h2'), c('RENAME h2 h3'), c('HGETALL h3'), c('EXISTS h2'),
    c('MOVE h3 1'), c('SELECT 1'), c('HGETALL h3'), c('HINCRBY h3 a 5'), c('SELECT 0'), c('EXPIRE h 100'), c('TTL h'),
    c('HSET h c 3'), c('TTL h'), c('HDEL h a b c'), c('TTL h'), c('EXISTS h'), c('SET h x'), c('HSET x a 1'),
    c('RENAME x h'), c('TYPE h'), c('DEL h'), c('FLUSHALL'),
  ],
};

// Where the encoding is the point: each script sets its own thresholds.
const CONVERSIONS: Cmd[] = [
  c('CONFIG SET hash-max-listpack-entries 3'), c('CONFIG SET hash-max-listpack-value 5'),
  c('HSET a f1 v1 f2 v2 f3 v3'), c('OBJECT ENCODING a'), c('HSET a f1 x'), c('OBJECT ENCODING a'),
  c('HSET a f4 v4'), c('OBJECT ENCODING a'), c('HDEL a f1 f2 f3'), c('OBJECT ENCODING a'), c('HGETALL a'),
  c('HSET b f 12345'), c('OBJECT ENCODING b'), c('HSET b g 123456'), c('OBJECT ENCODING b'),
  c('HSET c ffffff v'), c('OBJECT ENCODING c'), c('HSET c2 fffff v'), c('OBJECT ENCODING c2'),
  c('HSETNX d f 1'), c('HSETNX d f 123456789'), c('OBJECT ENCODING d'), c('HSETNX d g 123456789'), c('OBJECT ENCODING d'),
  c('HSETNX d2 ffffffff 1'), c('OBJECT ENCODING d2'),
  c('HINCRBY e f 99999'), c('OBJECT ENCODING e'), c('HINCRBY e f 1'), c('OBJECT ENCODING e'),
  c('HINCRBY e2 f -9999'), c('OBJECT ENCODING e2'), c('HINCRBY e2 f -1'), c('OBJECT ENCODING e2'),
  c('HINCRBYFLOAT g f 1.5'), c('HINCRBYFLOAT g f 0.25'), c('OBJECT ENCODING g'), c('HINCRBYFLOAT g f 0.001'),
  c('OBJECT ENCODING g'), c('HINCRBY h ffffff 1'), c('OBJECT ENCODING h'), c('HINCRBYFLOAT i ffffff 1'),
  c('OBJECT ENCODING i'), c('HSET j a 1 b 2 c 3 d 4'), c('OBJECT ENCODING j'), c('HSET k a 1 b 123456'),
  c('OBJECT ENCODING k'), c('HGET k a'), c('HSET k2 a 1 bbbbbb 1'), c('OBJECT ENCODING k2'),
  c('HMSET m a 1 b 2 c 3 d 4'), c('OBJECT ENCODING m'), c('HSET n a 1 b 2 c 3'), c('HDEL n a'), c('HSET n d 4'),
  c('OBJECT ENCODING n'), c('HSET n e 5'), c('OBJECT ENCODING n'),
  c('CONFIG SET hash-max-listpack-entries 0'), c('HSET l a 1'), c('OBJECT ENCODING l'), c('HSETNX l2 a 1'),
  c('OBJECT ENCODING l2'), c('HINCRBY l3 a 1'), c('OBJECT ENCODING l3'),
  c('CONFIG SET hash-max-listpack-entries 10'), c('CONFIG SET hash-max-listpack-value 0'),
  ['HSET', 'z', '', ''], c('OBJECT ENCODING z'), ['HSET', 'z', 'a', ''], c('OBJECT ENCODING z'),
  // A hash converted stays a hashtable when the limits rise again.
  c('CONFIG SET hash-max-listpack-entries 512'), c('CONFIG SET hash-max-listpack-value 64'),
  c('HSET z b 1'), c('HDEL z a b'), c('OBJECT ENCODING z'), c('COPY a a2'), c('OBJECT ENCODING a2'),
  c('COPY b b2'), c('OBJECT ENCODING b2'), c('HSET big v ' + 'x'.repeat(64)), c('OBJECT ENCODING big'),
  c('HSET big w ' + 'x'.repeat(65)), c('OBJECT ENCODING big'),
  // The listpack's longer string encodings, through a hash.
  c('CONFIG SET hash-max-listpack-value 100000'),
  ...[63, 64, 4095, 4096, 70000].flatMap((n): Cmd[] => [
    ['HSET', `s${n}`, 'f'.repeat(n), 'v'.repeat(n)], ['OBJECT', 'ENCODING', `s${n}`],
    ['HGET', `s${n}`, 'f'.repeat(n)], ['HSTRLEN', `s${n}`, 'f'.repeat(n)], ['HGETALL', `s${n}`],
  ]),
  c('CONFIG SET hash-max-listpack-value 64'),
];

// Random sequences: a few keys and fields that collide often, values that
// are integers, floats, text and lengths on both sides of the thresholds the
// sequences run with (4 fields, 8 bytes), so hashes convert mid-sequence.
const R_KEYS = ['h0', 'h1', 'h2', 's'];
const R_FIELDS = ['a', 'b', 'c', 'd', 'e', '12', '007', '-0', '', 'long-field', 'a\0b'];
const R_VALUES = ['1', '0', '-7', '12', '007', '1.5', '-0.25', 'x', '', '12345678', '123456789', 'abcdefghij',
  '9223372036854775807', '-9223372036854775808', '1e3', 'inf'];
const R_INCRS = ['1', '-1', '100', '0', '9223372036854775807', '-9223372036854775808', 'x', '1.5'];
const R_FLOATS = ['0.1', '-1.5', '1e3', '3', '0', 'inf', 'x', '1e-5', '-0'];

function randomScript(seed: number, n: number): Cmd[] {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const fields = (k: number): string[] => Array.from({ length: k }, () => pick(R_FIELDS));
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    const key = pick(R_KEYS);
    const r = rnd();
    if (r < 0.2) out.push(['HSET', key, ...fields(1 + Math.floor(rnd() * 3)).flatMap((f) => [f, pick(R_VALUES)])]);
    else if (r < 0.25) out.push(['HMSET', key, pick(R_FIELDS), pick(R_VALUES)]);
    else if (r < 0.3) out.push(['HSETNX', key, pick(R_FIELDS), pick(R_VALUES)]);
    else if (r < 0.4) out.push(['HDEL', key, ...fields(1 + Math.floor(rnd() * 3))]);
    else if (r < 0.47) out.push(['HINCRBY', key, pick(R_FIELDS), pick(R_INCRS)]);
    else if (r < 0.54) out.push(['HINCRBYFLOAT', key, pick(R_FIELDS), pick(R_FLOATS)]);
    else if (r < 0.6) out.push(['HGET', key, pick(R_FIELDS)]);
    else if (r < 0.63) out.push(['HMGET', key, ...fields(3)]);
    else if (r < 0.66) out.push([pick(['HEXISTS', 'HSTRLEN']), key, pick(R_FIELDS)]);
    else if (r < 0.7) out.push([pick(['HLEN', 'HGETALL', 'HKEYS', 'HVALS']), key]);
    else if (r < 0.75) out.push(['HRANDFIELD', key, ...(rnd() < 0.3 ? [] : [pick(['-5', '-1', '0', '1', '2', '3', '10']), ...(rnd() < 0.5 ? ['WITHVALUES'] : [])])]);
    else if (r < 0.8) out.push(['HSCAN', key, '0', ...(rnd() < 0.5 ? ['MATCH', pick(['*', 'a*', '?', '*0*'])] : []), 'COUNT', '1000']);
    else if (r < 0.85) out.push(['OBJECT', 'ENCODING', key]);
    else if (r < 0.88) out.push(['DEL', key]);
    else if (r < 0.9) out.push(['SET', key, pick(R_VALUES)]);
    else if (r < 0.93) out.push(['COPY', key, pick(R_KEYS), 'REPLACE']);
    else if (r < 0.96) out.push([pick(['TYPE', 'EXISTS']), key]);
    else if (r < 0.98) out.push(['CONFIG', 'SET', 'hash-max-listpack-entries', pick(['0', '2', '4', '512'])]);
    else out.push(['CONFIG', 'SET', 'hash-max-listpack-value', pick(['0', '4', '8', '64'])]);
  }
  return out.map((cmd) => cmd.map((a) => (a.includes('\0') ? B(a) : a)));
}

// An array has a `map` method too: a RESP3 map is an object that is not an array.
const isMap = (v: RespValue): v is { map: [RespValue, RespValue][] } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'map' in v;

/** Elements of an unordered reply as a canonical sorted form. */
function sortedPairs(items: RespValue[], pairs: boolean): string[] {
  const out: string[] = [];
  if (pairs) for (let i = 0; i < items.length; i += 2) out.push(JSON.stringify([items[i], items[i + 1]]));
  else for (const x of items) out.push(JSON.stringify(x));
  return out.sort();
}

function label(args: Arg[]): string {
  return labelOf(args).slice(0, 120);
}

describe.skipIf(!haveRedis)('hash family vs redis-server', () => {
  const pair = diffPair();
  let proto = 2;

  const both = pair.both;

  async function bothParsed(args: Arg[]): Promise<[RespValue, RespValue]> {
    const [a, b] = await both(args);
    return [parseReply(a)![0], parseReply(b)![0]];
  }

  /** Field => value of a hash, read from our server (its contents are compared elsewhere). */
  async function contents(key: Arg): Promise<Map<string, string>> {
    pair.ours.send('HGETALL', key);
    const r = await pair.ours.read();
    const flat = Array.isArray(r) ? r : r && typeof r === 'object' && 'map' in r ? r.map.flat() : [];
    const m = new Map<string, string>();
    for (let i = 0; i < flat.length; i += 2) m.set(flat[i] as string, flat[i + 1] as string);
    return m;
  }

  /** HRANDFIELD: compares shapes, then checks our reply is drawn from the hash as Redis's rules say. */
  async function checkRandfield(args: Arg[], diffs: string[]): Promise<void> {
    const hash = await contents(args[1]);
    const [a, b] = await both(args);
    const ra = parseReply(a)![0];
    const rb = parseReply(b)![0];
    const where = label(args);
    const fail = (why: string) => diffs.push(`${where}: ${why}\n  redis: ${JSON.stringify(a.toString('latin1')).slice(0, 200)}\n  vermilion: ${JSON.stringify(b.toString('latin1')).slice(0, 200)}`);
    if (!Array.isArray(ra)) {
      // A bulk field, nil or an error: errors and nil exactly, a field by membership.
      if (typeof ra === 'string') {
        if (typeof rb !== 'string' || !hash.has(rb)) fail('not a field of the hash');
      } else if (!a.equals(b)) fail('differs');
      return;
    }
    if (!Array.isArray(rb) || rb.length !== ra.length) { fail('different length'); return; }
    const count = Number(args[2]);
    const withValues = args.length > 3;
    let pairs: [string, string | null][];
    if (withValues && proto === 3) {
      if (!rb.every((p) => Array.isArray(p) && p.length === 2)) { fail('RESP3 WITHVALUES must be [field, value] pairs'); return; }
      pairs = rb.map((p) => [(p as string[])[0], (p as string[])[1]]);
    } else if (withValues) {
      pairs = [];
      for (let i = 0; i < rb.length; i += 2) pairs.push([rb[i] as string, rb[i + 1] as string]);
    } else {
      pairs = rb.map((f) => [f as string, null]);
    }
    for (const [f, v] of pairs) {
      if (!hash.has(f)) { fail(`${JSON.stringify(f)} is not a field`); return; }
      if (v !== null && hash.get(f) !== v) { fail(`${JSON.stringify(f)} has value ${JSON.stringify(hash.get(f))}`); return; }
    }
    if (count > 0 && new Set(pairs.map((p) => p[0])).size !== pairs.length) fail('a positive count returned a field twice');
  }

  async function compare(args: Arg[], diffs: string[]): Promise<void> {
    const cmd = String(args[0]).toUpperCase();
    if (cmd === 'HRANDFIELD' && args.length >= 2) { await checkRandfield(args, diffs); return; }
    const unordered = ['HGETALL', 'HKEYS', 'HVALS', 'HSCAN'].includes(cmd) && args.length >= 2;
    let ordered = true;
    if (unordered) {
      const [ea, eb] = await both(['OBJECT', 'ENCODING', args[1]]);
      if (!ea.equals(eb)) {
        diffs.push(`${label(args)}: encodings differ: ${ea.toString('latin1')} vs ${eb.toString('latin1')}`);
        return;
      }
      ordered = !ea.toString('latin1').includes('hashtable');
    }
    const [a, b] = await both(args);
    if (ordered || a.equals(b)) {
      if (!a.equals(b)) diffs.push(`${label(args)}\n  redis: ${JSON.stringify(a.toString('latin1')).slice(0, 300)}\n  vermilion: ${JSON.stringify(b.toString('latin1')).slice(0, 300)}`);
      return;
    }
    const ra = parseReply(a)![0];
    const rb = parseReply(b)![0];
    // Same bytes in another order: same length and same aggregate header.
    let same = a.length === b.length && a.subarray(0, 3).equals(b.subarray(0, 3));
    if (cmd === 'HSCAN' && Array.isArray(ra) && Array.isArray(rb)) {
      if (ra[0] !== '0') { diffs.push(`${label(args)}: redis did not finish in one call`); return; }
      // Where our table's bucket order stopped earlier, finish the iteration
      // and compare what the whole of it returned.
      const got = rb[1] as RespValue[];
      let cursor = rb[0] as string;
      while (cursor !== '0') {
        const next = (await pair.ours.cmd(...args.map((x, i) => (i === 2 ? cursor : x)))) as [string, RespValue[]];
        cursor = next[0];
        got.push(...next[1]);
      }
      const want = [...new Set(sortedPairs(ra[1] as RespValue[], true))];
      same = JSON.stringify([...new Set(sortedPairs(got, true))]) === JSON.stringify(want);
    } else if (Array.isArray(ra) && Array.isArray(rb)) {
      same = same && JSON.stringify(sortedPairs(ra, cmd === 'HGETALL')) === JSON.stringify(sortedPairs(rb, cmd === 'HGETALL'));
    } else if (isMap(ra) && isMap(rb)) {
      same = same && JSON.stringify(sortedPairs(ra.map.flat(), true)) === JSON.stringify(sortedPairs(rb.map.flat(), true));
    } else {
      same = false;
    }
    if (!same) diffs.push(`${label(args)} (unordered)\n  redis: ${JSON.stringify(a.toString('latin1')).slice(0, 300)}\n  vermilion: ${JSON.stringify(b.toString('latin1')).slice(0, 300)}`);
  }

  async function setup(p: number, entries: number, value: number): Promise<void> {
    proto = p;
    await both(['HELLO', String(p)]);
    await both(['FLUSHALL']);
    await both(['SELECT', '0']);
    await both(['CONFIG', 'SET', 'hash-max-listpack-entries', String(entries)]);
    await both(['CONFIG', 'SET', 'hash-max-listpack-value', String(value)]);
  }

  async function run(cmds: Cmd[]): Promise<void> {
    const diffs: string[] = [];
    for (const cmd of cmds) await compare(cmd, diffs);
    expect(diffs.join('\n')).toBe('');
  }

  for (const p of [2, 3]) {
    for (const [enc, entries] of [['listpack', 512], ['hashtable', 0]] as const) {
      for (const [name, cmds] of Object.entries(GROUPS)) {
        it(`${name} (${enc}, RESP${p})`, async () => {
          await setup(p, entries, 64);
          await run(cmds);
        });
      }
    }
    it(`conversion points (RESP${p})`, async () => {
      await setup(p, 512, 64);
      await run(CONVERSIONS);
    });
  }

  for (const [seed, p] of [[1, 2], [2, 3], [3, 2]] as const) {
    it(`random command sequence, seed ${seed} (RESP${p})`, async () => {
      await setup(p, 4, 8);
      await run(randomScript(seed, 1500));
    });
  }

  it('keyspace notifications: each command publishes what Redis publishes', async () => {
    await setup(2, 3, 8);
    const subs = await pair.connect();
    try {
      await both(['CONFIG', 'SET', 'notify-keyspace-events', 'AKEmn']);
      for (const c of subs) await c.cmd('PSUBSCRIBE', '__key*__:*');
      const events = eventsUntilPong;
      const steps: Cmd[] = [
        c('HSET h a 1 b 2'), c('HSET h a 1'), c('HMSET h c 3'), c('HSETNX h a 9'), c('HSETNX h d 4'),
        c('HINCRBY h n 5'), c('HINCRBY h a x'), c('HINCRBY h b 1'), c('HINCRBYFLOAT h f 1.5'), c('HINCRBYFLOAT h a inf'),
        c('HDEL h zz'), c('HDEL h a b'), c('HDEL h c d n f'), c('EXISTS h'), c('HGET h a'), c('HGETALL nokey'),
        c('HMGET nokey a'), c('HLEN nokey'), c('HRANDFIELD nokey'), c('HSCAN nokey 0'), c('HEXISTS nokey a'),
        c('HSTRLEN nokey a'), c('HDEL nokey a'), c('HSETNX new f v'), c('HINCRBYFLOAT new2 f 1'), c('HINCRBY new3 f 1'),
        c('SET s x'), c('HSET s a 1'), c('HGET s a'),
      ];
      await Promise.all(subs.map(events));
      let seen = 0;
      for (const args of steps) {
        const [a, b] = await both(args);
        expect(b.toString('latin1'), `reply to ${label(args)}`).toBe(a.toString('latin1'));
        const [theirs, ours] = await Promise.all(subs.map(events));
        expect(ours, `events of ${label(args)}`).toEqual(theirs);
        seen += theirs.length;
      }
      expect(seen).toBeGreaterThan(40);
    } finally {
      for (const c of subs) c.close();
      await both(['CONFIG', 'SET', 'notify-keyspace-events', '']);
    }
  });

  it('WATCH sees exactly the writes that changed a hash', async () => {
    await setup(2, 512, 64);
    const others = await pair.connect();
    try {
      const cases: [Cmd, Cmd][] = [
        [c('HSET h a 1'), c('HSET h a 1')], [c('HSET h a 1'), c('HSETNX h a 2')], [c('HSET h a 1'), c('HSETNX h b 2')],
        [c('HSET h a 1'), c('HDEL h zz')], [c('HSET h a 1'), c('HDEL h a')], [c('HSET h a 1'), c('HINCRBY h a 0')],
        [c('HSET h a 1'), c('HINCRBY h a x')], [c('HSET h a 1'), c('HINCRBYFLOAT h a 0')], [c('HSET h a 1'), c('HGET h a')],
        [c('DEL h'), c('HDEL h a')], [c('DEL h'), c('HSETNX h a 1')],
      ];
      for (const [prep, write] of cases) {
        await both(['DEL', 'h']);
        await both(prep);
        await both(['WATCH', 'h']);
        const [wa, wb] = await Promise.all(others.map(async (o) => { o.send(...write); return (await o.readRaw()).toString('latin1'); }));
        expect(wb, label(write)).toBe(wa);
        await both(['MULTI']);
        await both(['PING']);
        const [ea, eb] = await both(['EXEC']);
        expect(eb.toString('latin1'), `EXEC after ${label(write)}`).toBe(ea.toString('latin1'));
      }
    } finally {
      for (const o of others) o.close();
    }
  });

  it('HSCAN iterations with a small COUNT return the same fields', async () => {
    await setup(2, 0, 64);
    const fields: Cmd = ['HSET', 'big'];
    for (let i = 0; i < 500; i++) fields.push(`f:${i}`, `v:${i}`);
    await both(fields);
    for (const [count, match] of [['1', null], ['7', null], ['20', 'f:1*'], ['3', '*9']] as const) {
      const got: Set<string>[] = [];
      for (const cl of [pair.ref, pair.ours]) {
        const seen = new Set<string>();
        let cursor = '0';
        do {
          const args: Arg[] = ['HSCAN', 'big', cursor, 'COUNT', count];
          if (match) args.push('MATCH', match);
          const r = (await cl.cmd(...args)) as [string, string[]];
          cursor = r[0];
          for (let i = 0; i < r[1].length; i += 2) seen.add(`${r[1][i]}=${r[1][i + 1]}`);
        } while (cursor !== '0');
        got.push(seen);
      }
      expect([...got[1]].sort(), `COUNT ${count} MATCH ${match}`).toEqual([...got[0]].sort());
    }
  });
});
