// Differential test of the generic keyspace family: the same commands go to a
// real redis-server and to Vermilion over TCP, and the raw replies must be
// byte for byte equal. KEYS and SCAN replies are compared after sorting (the
// two hash tables order keys differently); SCAN only on dbs small enough to
// finish in one call, and RANDOMKEY only on dbs of 0 or 1 keys, so that
// every compared reply is deterministic. Replies that depend on the clock
// (PTTL, IDLETIME) are left to the fake-clock tests in test/engine.
import { describe, it, expect } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair, labelOf, type Arg } from '../helpers/diffpair.js';
import { parseReply, RespValue } from '../helpers/resp.js';

type Script = [name: string, cmds: Arg[][]];

const LONG = 'x'.repeat(45);
const scripts: Script[] = [
  ['EXPIRE family options, errors and rules', [
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', 10, 'NX', 'XX'], ['EXPIRE', 'k', 10, 'GT', 'LT'], ['EXPIRE', 'k', 10, 'lt', 'nx'],
    ['EXPIRE', 'k', 10, 'foo'], ['EXPIRE', 'k', 'x', 'foo'], ['EXPIRE', 'k', 'x'], ['EXPIRE', 'k', ''],
    ['EXPIRE', 'k', '9223372036854775807'], ['EXPIRE', 'k', '9223372036854775'], ['EXPIRE', 'k', '-9223372036854776'],
    ['PEXPIRE', 'k', '9223372036854775807'], ['EXPIREAT', 'k', '-9223372036854775808'],
    ['EXPIREAT', 'k', '9223372036854776'], ['PEXPIREAT', 'k', '9223372036854775808'],
    ['EXPIRE', 'nokey', 100], ['EXPIRE', 'k', 100, 'XX'], ['EXPIRE', 'k', 100, 'GT'], ['TTL', 'k'],
    ['EXPIRE', 'k', 100, 'LT'], ['TTL', 'k'], ['EXPIRE', 'k', 50, 'lt'], ['TTL', 'k'],
    ['EXPIRE', 'k', 60, 'gt'], ['TTL', 'k'], ['EXPIRE', 'k', 70, 'NX'], ['EXPIRE', 'k', 80, 'XX', 'GT'], ['TTL', 'k'],
    ['EXPIREAT', 'k', 4102444800], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', '4102444800499'], ['EXPIRETIME', 'k'], ['PEXPIREAT', 'k', '4102444800500'], ['EXPIRETIME', 'k'],
    ['PEXPIRETIME', 'k'], ['EXPIREAT', 'k', '9223372036854775'], ['PEXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', '9223372036854775807'], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', '9223372036854775308'], ['EXPIRETIME', 'k'],
    ['PERSIST', 'k'], ['PERSIST', 'k'], ['PERSIST', 'nokey'], ['TTL', 'k'], ['PTTL', 'k'], ['EXPIRETIME', 'k'],
    ['TTL', 'nokey'], ['PTTL', 'nokey'], ['EXPIRETIME', 'nokey'], ['PEXPIRETIME', 'nokey'],
    ['EXPIRE', 'k', 0], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['PEXPIRE', 'k', -1], ['EXISTS', 'k'],
    ['SET', 'k', 'v'], ['EXPIREAT', 'k', 1, 'NX'], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['EXPIRE', 'k', -5, 'GT'],
    ['EXISTS', 'k'], ['EXPIRE', 'k', -5, 'LT'], ['EXISTS', 'k'],
    ['EXPIRE', 'k'], ['TTL'], ['PERSIST'], ['EXPIRETIME', 'a', 'b'],
  ]],
  ['DEL UNLINK EXISTS TOUCH TYPE', [
    ['DEL', 'nokey'], ['SET', 'a', 1], ['SET', 'b', 2], ['EXISTS', 'a', 'a', 'b', 'c'], ['TOUCH', 'a', 'c', 'a'],
    ['TYPE', 'a'], ['TYPE', 'nokey'], ['DEL', 'a', 'b', 'c', 'a'], ['SET', 'a', 1], ['UNLINK', 'a', 'a'],
    ['DEL'], ['UNLINK'], ['EXISTS'], ['TOUCH'], ['TYPE'], ['TYPE', 'a', 'b'],
  ]],
  ['RENAME and RENAMENX', [
    ['RENAME', 'nokey', 'x'], ['RENAME', 'nokey', 'nokey'], ['RENAMENX', 'nokey', 'x'],
    ['SET', 'a', 'A'], ['RENAME', 'a', 'a'], ['RENAMENX', 'a', 'a'], ['EXPIRE', 'a', 100],
    ['RENAME', 'a', 'b'], ['EXISTS', 'a'], ['GET', 'b'], ['TTL', 'b'],
    ['SET', 'c', 'C'], ['RENAMENX', 'b', 'c'], ['RENAME', 'c', 'b'], ['TTL', 'b'], ['GET', 'b'],
    ['RENAMENX', 'b', 'd'], ['GET', 'd'], ['EXISTS', 'b'],
    ['SET', 'i', 42], ['RENAME', 'i', 'i2'], ['OBJECT', 'ENCODING', 'i2'], ['OBJECT', 'REFCOUNT', 'i2'],
    ['SET', 'r', LONG], ['RENAME', 'r', 'r2'], ['OBJECT', 'ENCODING', 'r2'], ['GET', 'r2'],
    ['RENAME', 'a'], ['RENAMENX', 'a', 'b', 'c'],
  ]],
  ['MOVE', [
    ['SET', 'k', 'v'], ['MOVE', 'k', 0], ['MOVE', 'nokey', 0], ['MOVE', 'k', 16], ['MOVE', 'k', -1],
    ['MOVE', 'k', 'x'], ['MOVE', 'k', '2147483648'], ['MOVE', 'k', '-2147483649'], ['MOVE', 'k', '99999999999999999999'],
    ['MOVE', 'k', ''], ['MOVE', 'nokey', 1], ['EXPIRE', 'k', 100], ['MOVE', 'k', 1], ['EXISTS', 'k'],
    ['SELECT', 1], ['GET', 'k'], ['TTL', 'k'], ['SET', 'j', 'there'], ['SELECT', 0], ['SET', 'j', 'here'],
    ['MOVE', 'j', 1], ['GET', 'j'], ['SELECT', 1], ['GET', 'j'], ['FLUSHDB'], ['SELECT', 0], ['MOVE', 'k'],
  ]],
  ['COPY', [
    ['SET', 'a', 'hello'], ['COPY', 'a', 'b'], ['GET', 'b'], ['COPY', 'a', 'b'], ['SET', 'a', 'new'],
    ['COPY', 'a', 'b', 'REPLACE'], ['GET', 'b'], ['COPY', 'nokey', 'b'], ['COPY', 'nokey', 'nokey'],
    ['COPY', 'a', 'a'], ['COPY', 'a', 'a', 'DB', 0], ['COPY', 'a', 'a', 'db', 1],
    ['COPY', 'a', 'b', 'DB', 16], ['COPY', 'a', 'b', 'DB', -1], ['COPY', 'a', 'b', 'DB', 'x'],
    ['COPY', 'a', 'b', 'DB', '2147483648'], ['COPY', 'a', 'b', 'DB'], ['COPY', 'a', 'b', 'foo'],
    ['COPY', 'a', 'b', 'DB', 1, 'x'], ['COPY', 'a', 'z', 'replace', 'REPLACE', 'DB', 1, 'DB', 2],
    ['SELECT', 2], ['GET', 'z'], ['SELECT', 1], ['GET', 'a'], ['EXISTS', 'z'], ['FLUSHALL'], ['SELECT', 0],
    ['SET', 't', 'v'], ['EXPIRE', 't', 100], ['COPY', 't', 't2'], ['TTL', 't2'],
    ['SET', 'i', 100], ['SET', 'big', 123456], ['SET', 'e', 'short'], ['SET', 'r', LONG],
    ['COPY', 'i', 'i2'], ['COPY', 'big', 'big2'], ['COPY', 'e', 'e2'], ['COPY', 'r', 'r2'],
    ['OBJECT', 'ENCODING', 'i2'], ['OBJECT', 'ENCODING', 'big2'], ['OBJECT', 'ENCODING', 'e2'], ['OBJECT', 'ENCODING', 'r2'],
    ['OBJECT', 'REFCOUNT', 'i'], ['OBJECT', 'REFCOUNT', 'i2'], ['OBJECT', 'REFCOUNT', 'big2'],
    ['GET', 'i2'], ['GET', 'big2'], ['GET', 'e2'], ['GET', 'r2'], ['COPY', 'a'],
  ]],
  ['OBJECT', [
    ['OBJECT', 'ENCODING', 'nokey'], ['OBJECT', 'REFCOUNT', 'nokey'], ['OBJECT', 'IDLETIME', 'nokey'],
    ['OBJECT', 'FREQ', 'nokey'],
    ...['0', '9999', '10000', '-1', '-0', '007', ' 1', '1 ', '+1', '9223372036854775807', '-9223372036854775808',
      '9223372036854775808', '12345678901234567890', 'hello', '', 'x'.repeat(44), LONG, '1.5'].flatMap((v, i) => [
      ['SET', `v${i}`, v], ['OBJECT', 'ENCODING', `v${i}`], ['OBJECT', 'REFCOUNT', `v${i}`],
    ]),
    ['OBJECT', 'FREQ', 'v0'], ['OBJECT', 'HELP'], ['OBJECT', 'help'], ['OBJECT', 'HELP', 'x'],
    ['OBJECT', 'ENCODING'], ['OBJECT', 'REFCOUNT', 'a', 'b'], ['OBJECT', 'foo', 'k'], ['OBJECT'],
  ]],
  ['RANDOMKEY on empty and one-key dbs', [
    ['RANDOMKEY'], ['SET', 'only', 1], ['RANDOMKEY'], ['DEL', 'only'], ['RANDOMKEY'], ['RANDOMKEY', 'x'],
  ]],
  ['KEYS and SCAN argument handling', [
    ['KEYS', '*'], ['SCAN', 0], ['SET', 'user:1', 'a'], ['SET', 'user:2', 'b'], ['SET', 'other', 'c'],
    ['KEYS', '*'], ['KEYS', 'user:*'], ['KEYS', 'nothing'], ['KEYS'], ['KEYS', 'a', 'b'],
    ['SCAN', 0, 'COUNT', 100], ['SCAN', '', 'COUNT', 100], ['SCAN', '+0', 'COUNT', 100], ['SCAN', '00'],
    ['SCAN', 0, 'MATCH', 'user:*', 'COUNT', 100], ['SCAN', 0, 'MATCH', 'x', 'MATCH', 'o*'],
    ['SCAN', 0, 'TYPE', 'string'], ['SCAN', 0, 'TYPE', 'STRING', 'MATCH', 'u*'], ['SCAN', 0, 'TYPE', 'list'],
    ['SCAN', 0, 'TYPE', 'none'], ['SCAN', 0, 'type', 'hash', 'count', 5],
    ['SCAN', 'x'], ['SCAN', ' 0'], ['SCAN', '1x'], ['SCAN', '-'], ['SCAN', '18446744073709551616'],
    ['SCAN', 'x', 'COUNT', 0], ['SCAN', 0, 'COUNT', 0], ['SCAN', 0, 'COUNT', -1], ['SCAN', 0, 'COUNT', 'x'],
    ['SCAN', 0, 'COUNT'], ['SCAN', 0, 'MATCH'], ['SCAN', 0, 'TYPE'], ['SCAN', 0, 'foo', 'bar'],
    ['SCAN', 0, 'MATCH', '*', 'COUNT', 0], ['SCAN'],
  ]],
];

// Glob patterns, run with KEYS and SCAN MATCH over one db holding all of `globKeys`.
const globKeys: Arg[] = [
  'abc', 'abd', 'ab', 'ac', 'a', '', 'xaxxbx', 'bx', 'dx', '-', ']', '[', '[a]', '*', '?', 'a\\', 'x\\', '\\',
  'hello', 'hallo', 'hillo', 'heello', 'A', 'ABC', 'a-b', 'user:1', 'user:10', 'user:2',
  Buffer.from([0x80]), Buffer.from([0xff, 0x41]), Buffer.from([0x01]),
];
const globPatterns: Arg[] = [
  '*', '**', '***', '', '?', '??', '???', 'a*', '*c', 'a*c', '*a*b*', '*a*b', 'a**', 'a?c', '[abc]x', '[^abc]x',
  '[a-c]x', '[c-a]x', '[^a-c]', '[a-]', '[-a]', '[\\]]', '[\\-]', '[]', '[]]', '[abc', '[^', '[', ']', '\\*',
  '\\?', '\\[a]', 'a\\', '\\a', '\\', '*\\', '\\\\', 'h[ae]llo', 'h*llo', 'h?llo', 'h[^e]llo', 'A*', '[A-Z]*',
  'user:[0-9]', 'user:?*', '[a-', '[a-\\', '[\\', 'a[', '*[', '*]', '[*]', '[?]',
  Buffer.from([0x5b, 0x01, 0x2d, 0xff, 0x5d]), Buffer.from([0x5b, 0x80, 0x2d, 0x41, 0x5d]),
  Buffer.from([0x5b, 0x80, 0x2d, 0x41, 0x5d, 0x41]), Buffer.from([0x5b, 0x5e, 0x80, 0x5d]),
];

const haveRedis = redisServerPath() !== null;
// Without redis-server the test may be skipped locally, never in CI.
const suite = haveRedis || process.env.CI ? describe : describe.skip;

/** Sorts the keys of a KEYS or SCAN reply so the two servers' orders compare equal. */
function normalize(cmd: string, reply: RespValue): RespValue {
  if (cmd === 'KEYS' && Array.isArray(reply)) return [...(reply as string[])].sort();
  if (cmd === 'SCAN' && Array.isArray(reply) && Array.isArray(reply[1])) {
    return [reply[0], [...(reply[1] as string[])].sort()];
  }
  return reply;
}

suite('keys family vs redis-server', () => {
  const pair = diffPair();
  const both = pair.both;

  async function compare(args: Arg[]): Promise<void> {
    const [a, b] = await both(args);
    const cmd = String(args[0]).toUpperCase();
    const label = labelOf(args);
    if (cmd === 'KEYS' || cmd === 'SCAN') {
      const ra = parseReply(a)![0];
      const rb = parseReply(b)![0];
      // SCAN cursors come from different hash tables: only whole iterations are compared.
      if (cmd === 'SCAN' && Array.isArray(ra)) expect(ra[0], `${label}: redis did not finish in one call`).toBe('0');
      expect(normalize(cmd, rb), label).toEqual(normalize(cmd, ra));
      // Beyond the key order, the framing must be identical: same length, same header.
      expect(b.length, label).toBe(a.length);
      expect(b.subarray(0, 2).toString('latin1'), label).toBe(a.subarray(0, 2).toString('latin1'));
    } else {
      expect(b.toString('latin1'), label).toBe(a.toString('latin1'));
    }
  }

  for (const [name, cmds] of scripts) {
    it(name, async () => {
      await both(['FLUSHALL']);
      await both(['SELECT', 0]);
      for (const c of cmds) await compare(c);
    });
  }

  it('glob patterns in KEYS and SCAN MATCH', async () => {
    await both(['FLUSHALL']);
    await both(['SELECT', 0]);
    for (const k of globKeys) await both(['SET', k, 'v']);
    for (const p of globPatterns) {
      await compare(['KEYS', p]);
      await compare(['SCAN', 0, 'MATCH', p, 'COUNT', 1000]);
    }
  });

  it('RESP3 shapes', async () => {
    await both(['FLUSHALL']);
    await both(['HELLO', 3]);
    for (const c of [['OBJECT', 'ENCODING', 'nokey'], ['RANDOMKEY'], ['SET', 'k', 'v'], ['KEYS', '*'],
      ['SCAN', 0], ['TYPE', 'k'], ['OBJECT', 'HELP'], ['OBJECT', 'REFCOUNT', 'nokey'], ['TTL', 'k'],
      ['EXISTS', 'k'], ['COPY', 'k', 'k2'], ['RENAME', 'k2', 'k3']] as Arg[][]) await compare(c);
    await both(['HELLO', 2]);
  });
});
