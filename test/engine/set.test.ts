// The set family (assembly/commands/set.ts, db/setval.ts, ds/intset.ts)
// through the engine in-process. The reply tables run once with sets kept
// as intsets (the default set-max-intset-entries) and once with the limit
// at 1, so every integer set of two or more members is a hashtable; the
// expected replies were checked against redis-server 7.0.15 (see also
// test/diff/set.diff.test.ts). Randomness is checked statistically, and
// the quadratic traps with sizes a quadratic implementation cannot finish.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { ST_CLOSE } from '../../src/engine/engine.js';
import { encodeCommand, parseAll, type RespValue } from '../helpers/resp.js';

const err = (error: string) => ({ error });
const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = err('ERR syntax error');
const NOT_INT = err('ERR value is not an integer or out of range');
const POSITIVE = err('ERR value is out of range, must be positive');

/** Sets the set-max-intset-entries limit (the other limits at Redis's defaults). */
function intsetLimit(t: TestEngine, n: number): void {
  t.engine.x.setEncodingLimits(-2, 0, 512, 64, n, 128, 64);
}

const range = (a: number, b: number, prefix = ''): string[] => {
  const out: string[] = [];
  for (let i = a; i <= b; i++) out.push(`${prefix}${i}`);
  return out;
};

// A step runs a command and checks its reply; { sorted } compares an
// unordered aggregate reply after sorting it.
type Expect = RespValue | { sorted: string[] } | { setOf: string[] };
type Step = [(string | number)[], Expect];
type Case = [name: string, steps: Step[]];
const sorted = (...m: (string | number)[]) => ({ sorted: m.map(String) });

function elems(v: RespValue): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (v !== null && typeof v === 'object' && 'set' in v) return v.set.map(String);
  throw new Error(`not an aggregate: ${JSON.stringify(v)}`);
}

function run(t: TestEngine, steps: Step[]): void {
  for (const [i, [args, want]] of steps.entries()) {
    const got = t.cmd(...args);
    const label = `step ${i}: ${args.join(' ')}`;
    if (want !== null && typeof want === 'object' && 'sorted' in want) {
      expect(elems(got).sort(), label).toEqual([...want.sorted].sort());
    } else {
      expect(got, label).toEqual(want);
    }
  }
}

const cases: Case[] = [
  ['SADD SREM SCARD SISMEMBER SMISMEMBER', [
    [['SADD', 's', 3, 1, 2, 2], 3], [['SADD', 's', 1, 2, 3], 0], [['SCARD', 's'], 3], [['SMEMBERS', 's'], sorted(1, 2, 3)],
    [['SISMEMBER', 's', 1], 1], [['SISMEMBER', 's', 4], 0], [['SISMEMBER', 's', '01'], 0], [['SISMEMBER', 's', 'x'], 0],
    [['SMISMEMBER', 's', 1, 'x', 3, '3.0'], [1, 0, 1, 0]], [['SREM', 's', 'x', 5, '01', 1, 1], 1], [['SCARD', 's'], 2],
    [['SADD', 's', 'a', 'b'], 2], [['SISMEMBER', 's', 'a'], 1], [['SISMEMBER', 's', 2], 1], [['SREM', 's', 'a', 2, 3, 'b', 'z'], 4],
    [['EXISTS', 's'], 0], [['SREM', 'nokey', 'a'], 0], [['SCARD', 'nokey'], 0], [['SISMEMBER', 'nokey', 'a'], 0],
    [['SMISMEMBER', 'nokey', 'a', 'b'], [0, 0]], [['SMEMBERS', 'nokey'], []],
    [['SET', 'str', 'v'], 'OK'], [['SADD', 'str', 'a'], WRONGTYPE], [['SREM', 'str', 'a'], WRONGTYPE],
    [['SCARD', 'str'], WRONGTYPE], [['SISMEMBER', 'str', 'a'], WRONGTYPE], [['SMISMEMBER', 'str', 'a'], WRONGTYPE],
    [['SMEMBERS', 'str'], WRONGTYPE], [['GET', 'str'], 'v'],
    [['SADD', 'e', ''], 1], [['SISMEMBER', 'e', ''], 1], [['SMEMBERS', 'e'], ['']], [['TYPE', 'e'], 'set'],
    [['SADD', 'n', '-0', '007', '+1', '-9223372036854775808', '9223372036854775808'], 5],
    [['SISMEMBER', 'n', '0'], 0], [['SISMEMBER', 'n', '-9223372036854775808'], 1], [['SISMEMBER', 'n', '7'], 0],
  ]],
  ['SMOVE', [
    [['SADD', 'a', 1, 2, 'x'], 3], [['SADD', 'b', 3], 1], [['SMOVE', 'a', 'b', 1], 1], [['SMEMBERS', 'b'], sorted(1, 3)],
    [['SMOVE', 'a', 'b', 'x'], 1], [['SMOVE', 'a', 'b', 'nope'], 0], [['SMOVE', 'a', 'c', 2], 1], [['EXISTS', 'a'], 0],
    [['SMEMBERS', 'c'], ['2']], [['SMOVE', 'b', 'b', 3], 1], [['SMOVE', 'b', 'b', 'zz'], 0], [['SMOVE', 'nokey', 'b', 3], 0],
    [['SMOVE', 'c', 'b', 2], 1], [['SMOVE', 'b', 'c', 2], 1], [['SADD', 'b', 2], 1], [['SMOVE', 'b', 'c', 2], 1],
    [['SMEMBERS', 'b'], sorted(1, 3, 'x')],
    [['SET', 'str', 'v'], 'OK'], [['SMOVE', 'nokey', 'str', 'a'], 0], [['SMOVE', 'b', 'str', 3], WRONGTYPE],
    [['SMOVE', 'str', 'b', 3], WRONGTYPE], [['SMOVE', 'str', 'nokey', 3], WRONGTYPE], [['SCARD', 'b'], 3],
  ]],
  ['SINTER SINTERSTORE SINTERCARD SMEMBERS', [
    [['SADD', 'a', 1, 2, 3, 4, 5], 5], [['SADD', 'b', 3, 4, 5, 6], 4], [['SADD', 'c', 4, 5, 'x'], 3],
    [['SINTER', 'a', 'b'], sorted(3, 4, 5)], [['SINTER', 'a', 'b', 'c'], sorted(4, 5)], [['SINTER', 'a', 'a'], sorted(1, 2, 3, 4, 5)],
    [['SINTER', 'a', 'nokey'], []], [['SINTER', 'nokey', 'a'], []], [['SINTERSTORE', 'd', 'a', 'b', 'c'], 2],
    [['SMEMBERS', 'd'], sorted(4, 5)], [['SINTERSTORE', 'd', 'a', 'nokey'], 0], [['EXISTS', 'd'], 0],
    [['SINTERCARD', 2, 'a', 'b'], 3], [['SINTERCARD', 2, 'a', 'b', 'LIMIT', 2], 2], [['SINTERCARD', 2, 'a', 'b', 'LIMIT', 0], 3],
    [['SINTERCARD', 1, 'a', 'limit', 9], 5], [['SINTERCARD', 2, 'a', 'nokey'], 0],
    [['SET', 'str', 'v'], 'OK'], [['SINTER', 'nokey', 'str'], WRONGTYPE], [['SINTERCARD', 2, 'nokey', 'str'], WRONGTYPE],
    [['SINTERSTORE', 'd', 'nokey', 'str'], WRONGTYPE], [['SINTERSTORE', 'str', 'a', 'b'], 3], [['TYPE', 'str'], 'set'],
    [['SINTERCARD', 0, 'a'], err('ERR numkeys should be greater than 0')],
    [['SINTERCARD', 'x', 'a'], err('ERR numkeys should be greater than 0')],
    [['SINTERCARD', 3, 'a', 'b'], err("ERR Number of keys can't be greater than number of args")],
    [['SINTERCARD', 2, 'a', 'b', 'LIMIT', -1], err("ERR LIMIT can't be negative")],
    [['SINTERCARD', 2, 'a', 'b', 'LIMIT', 'x'], err("ERR LIMIT can't be negative")],
    [['SINTERCARD', 2, 'a', 'b', 'LIMIT'], SYNTAX], [['SINTERCARD', 1, 'a', 'b'], SYNTAX],
  ]],
  ['SUNION SDIFF and their STORE forms', [
    [['SADD', 'a', 1, 2, 3, 4, 5], 5], [['SADD', 'b', 3, 4, 5, 6], 4], [['SADD', 'c', 4, 5, 'x'], 3],
    [['SUNION', 'a', 'b'], sorted(1, 2, 3, 4, 5, 6)], [['SUNION', 'c', 'nokey'], sorted(4, 5, 'x')], [['SUNION', 'nokey'], []],
    [['SDIFF', 'a', 'b'], sorted(1, 2)], [['SDIFF', 'a', 'b', 'c'], sorted(1, 2)], [['SDIFF', 'c', 'a'], ['x']],
    [['SDIFF', 'a', 'a'], []], [['SDIFF', 'a', 'b', 'a'], []], [['SDIFF', 'nokey', 'a'], []], [['SDIFF', 'a', 'nokey'], sorted(1, 2, 3, 4, 5)],
    [['SUNIONSTORE', 'd', 'a', 'c'], 6], [['SMEMBERS', 'd'], sorted(1, 2, 3, 4, 5, 'x')], [['SDIFFSTORE', 'd', 'd', 'b'], 3],
    [['SMEMBERS', 'd'], sorted(1, 2, 'x')], [['SDIFFSTORE', 'd', 'a', 'a'], 0], [['EXISTS', 'd'], 0],
    [['SUNIONSTORE', 'd', 'nokey'], 0], [['SET', 'str', 'v'], 'OK'], [['SUNION', 'nokey', 'str'], WRONGTYPE],
    [['SDIFF', 'nokey', 'str'], WRONGTYPE], [['SDIFFSTORE', 'd', 'a', 'str'], WRONGTYPE], [['SUNIONSTORE', 'str', 'a'], 5],
    [['TYPE', 'str'], 'set'],
  ]],
  ['SPOP and SRANDMEMBER replies that do not depend on chance', [
    [['SPOP', 'nokey'], null], [['SPOP', 'nokey', 0], []], [['SPOP', 'nokey', 3], []], [['SPOP', 'k', -1], POSITIVE],
    [['SPOP', 'k', 'x'], POSITIVE], [['SPOP', 'k', 1, 2], SYNTAX], [['SRANDMEMBER', 'nokey'], null],
    [['SRANDMEMBER', 'nokey', 5], []], [['SRANDMEMBER', 'nokey', -5], []], [['SRANDMEMBER', 'k', 'x'], NOT_INT],
    [['SRANDMEMBER', 'k', '-0'], NOT_INT], [['SRANDMEMBER', 'k', 1, 2], SYNTAX],
    [['SRANDMEMBER', 'k', '-9223372036854775808'], err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807')],
    [['SET', 'str', 'v'], 'OK'], [['SPOP', 'str'], WRONGTYPE], [['SPOP', 'str', 0], WRONGTYPE], [['SPOP', 'str', -1], POSITIVE],
    [['SRANDMEMBER', 'str'], WRONGTYPE], [['SRANDMEMBER', 'str', 0], WRONGTYPE], [['SRANDMEMBER', 'str', 'x'], NOT_INT],
    [['SADD', 's', 1, 2, 3], 3], [['SRANDMEMBER', 's', 0], []], [['SRANDMEMBER', 's', 3], sorted(1, 2, 3)],
    [['SRANDMEMBER', 's', 9], sorted(1, 2, 3)], [['SPOP', 's', 0], []], [['SPOP', 's', 3], sorted(1, 2, 3)], [['EXISTS', 's'], 0],
    [['SADD', 's', 'only'], 1], [['SRANDMEMBER', 's'], 'only'], [['SRANDMEMBER', 's', -3], ['only', 'only', 'only']],
    [['SPOP', 's'], 'only'], [['EXISTS', 's'], 0],
  ]],
  ['SSCAN', [
    [['SSCAN', 'nokey', 0], ['0', []]], [['SSCAN', 'nokey', 'x'], err('ERR invalid cursor')],
    [['SSCAN', 'nokey', 0, 'COUNT', 0], ['0', []]], [['SET', 'str', 'v'], 'OK'], [['SSCAN', 'str', 0], WRONGTYPE],
    [['SSCAN', 'str', 'x'], err('ERR invalid cursor')], [['SADD', 's', 10, 2, 'a'], 3],
    [['SSCAN', 's', 0, 'COUNT', 0], SYNTAX], [['SSCAN', 's', 0, 'COUNT', 'x'], NOT_INT], [['SSCAN', 's', 0, 'TYPE', 'set'], SYNTAX],
    [['SSCAN', 's', 0, 'MATCH'], SYNTAX], [['SSCAN', 's', '-1x'], err('ERR invalid cursor')],
  ]],
];

describe('set replies, once per encoding', () => {
  for (const [label, limit] of [['intset', 512], ['hashtable', 1]] as const) {
    for (const [name, steps] of cases) {
      it(`${label}: ${name}`, () => {
        const t = new TestEngine();
        intsetLimit(t, limit);
        run(t, steps);
      });
    }
  }
});

describe('encodings', () => {
  it('an intset while every member is an integer and there are at most set-max-intset-entries', () => {
    const t = new TestEngine();
    intsetLimit(t, 4);
    const enc = (k: string) => t.cmd('OBJECT', 'ENCODING', k);
    t.cmd('SADD', 's', 1, 2, 3, 4);
    expect(enc('s')).toBe('intset');
    t.cmd('SADD', 's', 4);
    expect(enc('s')).toBe('intset');
    t.cmd('SADD', 's', 5);
    expect(enc('s')).toBe('hashtable');
    t.cmd('SREM', 's', 1, 2, 3, 4);
    expect(enc('s')).toBe('hashtable'); // never converts back
    t.cmd('SADD', 'x', 'a');
    expect(enc('x')).toBe('hashtable');
    t.cmd('SADD', 'y', 1);
    t.cmd('SADD', 'y', '1.5');
    expect(enc('y')).toBe('hashtable');
    // The limit is read at each write.
    t.cmd('SADD', 'z', 1, 2, 3);
    intsetLimit(t, 2);
    expect(enc('z')).toBe('intset');
    t.cmd('SADD', 'z', 3);
    expect(enc('z')).toBe('intset');
    t.cmd('SADD', 'z', 4);
    expect(enc('z')).toBe('hashtable');
  });

  it('computed sets start as intsets, as Redis builds them', () => {
    const t = new TestEngine();
    const enc = (k: string) => t.cmd('OBJECT', 'ENCODING', k);
    t.cmd('SADD', 'h', 'x', ...range(1, 10));
    t.cmd('SREM', 'h', 'x');
    expect(enc('h')).toBe('hashtable');
    t.cmd('SINTERSTORE', 'i', 'h', 'h');
    t.cmd('SUNIONSTORE', 'u', 'h');
    t.cmd('SDIFFSTORE', 'd', 'h', 'nokey');
    for (const k of ['i', 'u', 'd']) expect(enc(k)).toBe('intset');
    // An intset replies in ascending order; the whole-set SPOP goes through SUNION.
    expect(t.cmd('SUNION', 'h')).toEqual(range(1, 10));
    expect(t.cmd('SPOP', 'h', 100)).toEqual(range(1, 10));
    // SDIFF's second algorithm copies the first set whole: 600 members make a hashtable.
    t.cmd('SADD', 'x', ...range(1, 600));
    t.cmd('SADD', 'y1', ...range(1, 100));
    t.cmd('SADD', 'y2', ...range(101, 200));
    t.cmd('SADD', 'y3', ...range(201, 300));
    expect(t.cmd('SDIFFSTORE', 'r2', 'x', 'y1', 'y2', 'y3')).toBe(300);
    expect(enc('r2')).toBe('hashtable');
    t.cmd('SADD', 'z', ...range(1, 300), ...range(1, 400, 'm'));
    expect(t.cmd('SDIFFSTORE', 'r1', 'x', 'z')).toBe(300);
    expect(enc('r1')).toBe('intset');
    // SPOP keeping few survivors moves them to a new set.
    t.cmd('SADD', 'n', ...range(1, 600));
    expect(enc('n')).toBe('hashtable');
    t.cmd('SPOP', 'n', 590);
    expect(enc('n')).toBe('intset');
    expect(t.cmd('SCARD', 'n')).toBe(10);
    t.cmd('SADD', 'p', ...range(1, 600));
    t.cmd('SPOP', 'p', 499); // 101 survivors: 101*5 > 499, popped one by one
    expect(enc('p')).toBe('hashtable');
    t.cmd('SMOVE', 'p', 'new', t.cmd('SRANDMEMBER', 'p') as string);
    expect(enc('new')).toBe('intset');
  });

  it('the intset blob is laid out as Redis lays it out', () => {
    const t = new TestEngine();
    const blob = (key: string): Buffer => {
      const k = Buffer.from(key);
      const mem = () => new Uint8Array(t.engine.memory.buffer);
      mem().set(k, t.engine.x.peekKeyBuf());
      const e = t.engine.x.peekEntry(0, k.length);
      const dv = new DataView(t.engine.memory.buffer);
      const is = dv.getUint32(e + 16, true);
      const enc = dv.getUint32(is, true);
      const len = dv.getUint32(is + 4, true);
      return Buffer.from(mem().slice(is, is + 8 + enc * len));
    };
    t.cmd('SADD', 's', 5, -3, 1);
    expect(blob('s').toString('hex')).toBe('02000000' + '03000000' + 'fdff' + '0100' + '0500');
    t.cmd('SADD', 's', 70000);
    expect(blob('s').toString('hex')).toBe('04000000' + '04000000' + 'fdffffff' + '01000000' + '05000000' + '70110100');
    t.cmd('SADD', 's', '-9223372036854775808');
    expect(blob('s').toString('hex')).toBe('08000000' + '05000000' + '0000000000000080' + 'fdffffffffffffff' +
      '0100000000000000' + '0500000000000000' + '7011010000000000');
    t.cmd('SREM', 's', '-9223372036854775808', 70000); // never narrows again
    expect(blob('s').toString('hex')).toBe('08000000' + '03000000' + 'fdffffffffffffff' + '0100000000000000' + '0500000000000000');
  });

  it('COPY, RENAME and MOVE keep a set and its encoding; COPY is deep', () => {
    const t = new TestEngine();
    for (const [k, members] of [['i', ['1', '2', '3']], ['h', ['a', 'b', '3']]] as const) {
      t.cmd('SADD', k, ...members);
      expect(t.cmd('COPY', k, `${k}2`)).toBe(1);
      expect(t.cmd('OBJECT', 'ENCODING', `${k}2`)).toBe(t.cmd('OBJECT', 'ENCODING', k));
      t.cmd('SADD', `${k}2`, 'new');
      t.cmd('SREM', `${k}2`, members[0]);
      expect(elems(t.cmd('SMEMBERS', k)).sort()).toEqual([...members].sort());
      expect(t.cmd('RENAME', `${k}2`, `${k}3`)).toBe('OK');
      expect(t.cmd('SISMEMBER', `${k}3`, 'new')).toBe(1);
      expect(t.cmd('MOVE', `${k}3`, 1)).toBe(1);
      t.cmd('SELECT', 1);
      expect(t.cmd('SCARD', `${k}3`)).toBe(3);
      t.cmd('SELECT', 0);
    }
  });

  it('a set with a TTL expires; the STORE commands drop the destination TTL; SPOP keeps it', () => {
    const t = new TestEngine();
    t.cmd('SADD', 's', 1, 2, 3);
    t.cmd('PEXPIRE', 's', 100);
    t.advance(101);
    expect(t.cmd('SCARD', 's')).toBe(0);
    expect(t.cmd('SADD', 's', 1)).toBe(1);
    expect(t.cmd('TTL', 's')).toBe(-1);
    t.cmd('SADD', 'd', 'x');
    t.cmd('EXPIRE', 'd', 100);
    expect(t.cmd('SUNIONSTORE', 'd', 's')).toBe(1);
    expect(t.cmd('TTL', 'd')).toBe(-1);
    t.cmd('SADD', 'p', ...range(1, 600));
    t.cmd('EXPIRE', 'p', 100);
    t.cmd('SPOP', 'p', 595);
    expect(t.cmd('TTL', 'p')).toBe(100);
    t.cmd('SPOP', 'p', 2);
    expect(t.cmd('TTL', 'p')).toBe(100);
    // An expired destination or source reads as missing.
    t.cmd('SADD', 'e', 5);
    t.cmd('PEXPIRE', 'e', 1);
    t.advance(2);
    expect(t.cmd('SINTER', 's', 'e')).toEqual([]);
    expect(t.cmd('SMOVE', 's', 'e', 1)).toBe(1);
    expect(t.cmd('SMEMBERS', 'e')).toEqual(['1']);
  });

  it('under an LFU policy a STORE destination keeps its access counter, as Redis\'s dbOverwrite', () => {
    const t = new TestEngine();
    t.engine.x.setEvictionBits(1, 10, 1);
    t.cmd('SADD', 'd', 'x');
    for (let i = 0; i < 200; i++) t.cmd('SISMEMBER', 'd', 'x');
    const freq = t.cmd('OBJECT', 'FREQ', 'd') as number;
    expect(freq).toBeGreaterThan(5);
    t.cmd('SADD', 'a', 1);
    t.cmd('SUNIONSTORE', 'd', 'a');
    expect(t.cmd('OBJECT', 'FREQ', 'd')).toBe(freq);
    t.cmd('SINTERSTORE', 'fresh', 'a', 'a');
    expect(t.cmd('OBJECT', 'FREQ', 'fresh')).toBe(5);
  });

  it('RESP3 shapes: sets for SMEMBERS SINTER SUNION SDIFF and SPOP count, arrays for SRANDMEMBER count', () => {
    const t = new TestEngine();
    t.setProto(3);
    expect(t.rawCmd('SMEMBERS', 'nokey')).toBe('~0\r\n');
    expect(t.rawCmd('SPOP', 'nokey')).toBe('_\r\n');
    expect(t.rawCmd('SPOP', 'nokey', 1)).toBe('~0\r\n');
    expect(t.rawCmd('SRANDMEMBER', 'nokey')).toBe('_\r\n');
    expect(t.rawCmd('SRANDMEMBER', 'nokey', -1)).toBe('*0\r\n');
    t.cmd('SADD', 's', 2, 1);
    expect(t.rawCmd('SMEMBERS', 's')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(t.rawCmd('SINTER', 's', 's')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(t.rawCmd('SUNION', 's')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(t.rawCmd('SDIFF', 's', 'nokey')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(t.rawCmd('SRANDMEMBER', 's', 5)).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(t.rawCmd('SRANDMEMBER', 's', -2).startsWith('*2\r\n')).toBe(true);
    expect(t.rawCmd('SMISMEMBER', 's', 1, 3)).toBe('*2\r\n:1\r\n:0\r\n');
    expect(t.rawCmd('SSCAN', 's', 0)).toBe('*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(t.rawCmd('SPOP', 's', 2)).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
  });

  it('memory returns to where it was once sets are deleted (no block leaks)', () => {
    const t = new TestEngine();
    const used = () => t.engine.x.usedMemory();
    // The same workload twice: client buffers and the keyspace table end in
    // the same state both times, so any difference is a leaked block.
    const workload = () => {
      t.cmd('SADD', 'i', ...range(1, 300));
      t.cmd('SADD', 'h', ...range(1, 2000, 'm'));
      t.cmd('SADD', 'w', 1, 70000, '-9223372036854775808');
      t.cmd('COPY', 'h', 'h2');
      t.cmd('COPY', 'i', 'i2');
      t.cmd('SUNIONSTORE', 'u', 'h', 'i');
      t.cmd('SINTERSTORE', 'x', 'h', 'h2');
      t.cmd('SDIFFSTORE', 'y', 'u', 'i');
      t.cmd('SPOP', 'h2', 1500);
      t.cmd('SPOP', 'u', 2250);
      t.cmd('SREM', 'x', ...range(1, 1990, 'm'));
      t.cmd('SMOVE', 'i', 'z', 7);
      t.cmd('SRANDMEMBER', 'h', 1000);
      t.cmd('SRANDMEMBER', 'h', 10);
      t.cmd('SSCAN', 'h', 0, 'COUNT', 100);
      t.cmd('SINTER', 'h', 'x');
      t.cmd('SDIFF', 'h', 'x', 'y');
      const during = used();
      t.cmd('DEL', 'i', 'h', 'w', 'h2', 'i2', 'u', 'x', 'y', 'z');
      expect(t.cmd('DBSIZE')).toBe(0);
      return during;
    };
    const during = workload();
    const after1 = used();
    expect(during).toBeGreaterThan(after1 + 50_000);
    workload();
    expect(used()).toBe(after1);
  });
});

// ---- randomness ------------------------------------------------------------------------

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: Map<string, number>, categories: number, total: number): number {
  const expected = total / categories;
  let x2 = 0;
  let seen = 0;
  for (const c of counts.values()) {
    x2 += (c - expected) ** 2 / expected;
    seen++;
  }
  return x2 + (categories - seen) * expected;
}
// For 19 degrees of freedom the 0.1% critical value is 43.8: these bounds
// are generous, yet a bucket-then-chain pick (members in longer chains
// drawn half as often) lands in the hundreds or thousands.
const X2_BOUND = 60;

function tally(counts: Map<string, number>, ms: string[]): void {
  for (const m of ms) counts.set(m, (counts.get(m) ?? 0) + 1);
}

describe('random picks are uniform', () => {
  const N = 20;
  for (const [label, members] of [['intset', range(1, N)], ['hashtable', range(1, N, 'member:')]] as const) {
    it(`${label}: SRANDMEMBER, single and with negative count`, () => {
      const t = new TestEngine();
      t.cmd('SADD', 's', ...members);
      const one = new Map<string, number>();
      for (let i = 0; i < 4000; i++) tally(one, [t.cmd('SRANDMEMBER', 's') as string]);
      expect(chiSquare(one, N, 4000)).toBeLessThan(X2_BOUND);
      const rep = new Map<string, number>();
      for (let i = 0; i < 40; i++) tally(rep, elems(t.cmd('SRANDMEMBER', 's', -100)));
      expect(chiSquare(rep, N, 4000)).toBeLessThan(X2_BOUND);
    });

    it(`${label}: SRANDMEMBER with a count returns distinct members, each equally likely`, () => {
      const t = new TestEngine();
      t.cmd('SADD', 's', ...members);
      for (const count of [3, 15]) { // drawing with rejection, and shuffling
        const c = new Map<string, number>();
        const rounds = Math.ceil(4000 / count);
        for (let i = 0; i < rounds; i++) {
          const got = elems(t.cmd('SRANDMEMBER', 's', count));
          expect(new Set(got).size).toBe(count);
          tally(c, got);
        }
        expect(chiSquare(c, N, rounds * count)).toBeLessThan(X2_BOUND);
      }
    });

    it(`${label}: SPOP, single and with a count (both strategies)`, () => {
      const t = new TestEngine();
      for (const count of [1, 3, 18]) {
        const c = new Map<string, number>();
        const rounds = Math.ceil(4000 / count);
        for (let i = 0; i < rounds; i++) {
          t.cmd('DEL', 's');
          t.cmd('SADD', 's', ...members);
          const got = count === 1 ? [t.cmd('SPOP', 's') as string] : elems(t.cmd('SPOP', 's', count));
          expect(new Set(got).size).toBe(count);
          tally(c, got);
          const left = elems(t.cmd('SMEMBERS', 's'));
          expect(left.length).toBe(N - count);
          for (const m of got) expect(left).not.toContain(m);
        }
        expect(chiSquare(c, N, rounds * count)).toBeLessThan(X2_BOUND);
      }
    });
  }

  it('a hashtable thinned by deletions still picks uniformly', () => {
    const t = new TestEngine();
    t.cmd('SADD', 's', ...range(1, 5000, 'm'));
    const keep = new Set(Array.from({ length: 20 }, (_, i) => `m${(i + 1) * 250}`));
    t.cmd('SREM', 's', ...range(1, 5000, 'm').filter((m) => !keep.has(m)));
    const c = new Map<string, number>();
    for (let i = 0; i < 4000; i++) tally(c, [t.cmd('SRANDMEMBER', 's') as string]);
    for (const m of c.keys()) expect(keep.has(m)).toBe(true);
    expect(chiSquare(c, 20, 4000)).toBeLessThan(X2_BOUND);
  });
});

// ---- SSCAN ------------------------------------------------------------------------------

describe('SSCAN', () => {
  function scanAll(t: TestEngine, key: string, count: number, between?: (step: number) => void): string[] {
    const seen: string[] = [];
    let cursor = '0';
    let step = 0;
    do {
      const r = t.cmd('SSCAN', key, cursor, 'COUNT', count) as [string, string[]];
      cursor = r[0];
      seen.push(...r[1]);
      between?.(step++);
    } while (cursor !== '0');
    return seen;
  }

  it('an intset answers whole with cursor 0, whatever cursor is given', () => {
    const t = new TestEngine();
    t.cmd('SADD', 's', 30, 10, 20);
    expect(t.cmd('SSCAN', 's', 0, 'COUNT', 1)).toEqual(['0', ['10', '20', '30']]);
    expect(t.cmd('SSCAN', 's', 999, 'MATCH', '*0')).toEqual(['0', ['10', '20', '30']]);
    expect(t.cmd('SSCAN', 's', 0, 'MATCH', '2*')).toEqual(['0', ['20']]);
  });

  it('a member present for the whole iteration is returned, while the table grows and shrinks', () => {
    const t = new TestEngine();
    const stable = range(1, 500, 's');
    const extra = range(1, 3000, 'x');
    t.cmd('SADD', 's', ...stable, ...extra.slice(0, 1000));
    let added = 1000;
    const seen = new Set(scanAll(t, 's', 5, (step) => {
      // Grow for a while (rehashing into bigger tables), then delete the
      // extras so the table shrinks under the cursor.
      if (step < 60 && added < extra.length) {
        t.cmd('SADD', 's', ...extra.slice(added, added + 40));
        added += 40;
      } else if (step === 60) {
        t.cmd('SREM', 's', ...extra);
      }
    }));
    for (const m of stable) expect(seen.has(m), m).toBe(true);
    for (const m of seen) expect(m.startsWith('s') || m.startsWith('x'), m).toBe(true);
  });

  it('MATCH filters after collecting, and COUNT bounds the work per call', () => {
    const t = new TestEngine();
    t.cmd('SADD', 's', ...range(1, 1000, 'a'), ...range(1, 10, 'b'));
    const got = scanAll(t, 's', 20);
    expect(new Set(got).size).toBe(1010);
    const r = t.cmd('SSCAN', 's', 0, 'COUNT', 10, 'MATCH', 'b*') as [string, string[]];
    expect(r[0]).not.toBe('0');
    expect(r[1].length).toBeLessThan(11);
  });
});

// ---- quadratic traps ------------------------------------------------------------------

/** Sends many commands in one feed (pipelined) and returns the parsed replies. */
function pipeline(t: TestEngine, cmds: (string | number)[][]): RespValue[] {
  return parseAll(t.raw(Buffer.concat(cmds.map((c) => encodeCommand(c)))));
}

// Sizes a quadratic implementation cannot finish (10^10 steps), while a
// linear one takes a second or two; the timeout only allows for a busy machine.
const HEAVY_TIMEOUT = 120_000;

describe('no quadratic paths', () => {
  it('SADD 200,000 members, then SMEMBERS, SSCAN, SINTER, SUNIONSTORE, SDIFFSTORE and DEL', () => {
    const t = new TestEngine({ debug: false });
    const batches: (string | number)[][] = [];
    for (let b = 0; b < 200; b++) batches.push(['SADD', 'big', ...range(b * 1000, b * 1000 + 999, 'm')]);
    expect(pipeline(t, batches).reduce((a: number, r) => a + (r as number), 0)).toBe(200_000);
    expect(t.cmd('SCARD', 'big')).toBe(200_000);
    expect(elems(t.cmd('SMEMBERS', 'big')).length).toBe(200_000);
    let cursor = '0';
    let n = 0;
    do {
      const r = t.cmd('SSCAN', 'big', cursor, 'COUNT', 1000) as [string, string[]];
      cursor = r[0];
      n += r[1].length;
    } while (cursor !== '0');
    expect(n).toBe(200_000);
    expect(t.cmd('SUNIONSTORE', 'u', 'big', 'big')).toBe(200_000);
    expect(t.cmd('SINTERCARD', 2, 'big', 'u')).toBe(200_000);
    expect(t.cmd('SDIFFSTORE', 'd', 'big', 'u')).toBe(0);
    expect(t.cmd('DEL', 'big', 'u')).toBe(2);
  }, HEAVY_TIMEOUT);

  it('empty a 100,000-member set by SPOP one at a time, refill it, empty it with counts', () => {
    const t = new TestEngine({ debug: false });
    const fill = () => {
      const cmds: (string | number)[][] = [];
      for (let b = 0; b < 100; b++) cmds.push(['SADD', 's', ...range(b * 1000, b * 1000 + 999, 'e')]);
      pipeline(t, cmds);
      expect(t.cmd('SCARD', 's')).toBe(100_000);
    };
    fill();
    const pops: (string | number)[][] = [];
    for (let i = 0; i < 10_000; i++) pops.push(['SPOP', 's']);
    for (let round = 0; round < 10; round++) {
      const got = pipeline(t, pops);
      expect(got.every((r) => typeof r === 'string')).toBe(true);
    }
    expect(t.cmd('EXISTS', 's')).toBe(0);
    fill();
    for (let round = 0; round < 99; round++) expect(elems(t.cmd('SPOP', 's', 1000)).length).toBe(1000);
    expect(elems(t.cmd('SPOP', 's', 5000)).length).toBe(1000);
    expect(t.cmd('EXISTS', 's')).toBe(0);
    fill();
    // Few survivors (the new-set strategy), then the whole set.
    expect(elems(t.cmd('SPOP', 's', 99_990)).length).toBe(99_990);
    expect(t.cmd('SCARD', 's')).toBe(10);
    fill();
    expect(elems(t.cmd('SPOP', 's', 60_000)).length).toBe(60_000);
    expect(elems(t.cmd('SPOP', 's', 100_000)).length).toBe(40_000);
    expect(t.cmd('EXISTS', 's')).toBe(0);
  }, HEAVY_TIMEOUT);

  it('SRANDMEMBER stays fast on a big table emptied by deletions', () => {
    const t = new TestEngine({ debug: false });
    const cmds: (string | number)[][] = [];
    for (let b = 0; b < 100; b++) cmds.push(['SADD', 's', ...range(b * 1000, b * 1000 + 999, 'e')]);
    pipeline(t, cmds);
    const dels: (string | number)[][] = [];
    for (let b = 0; b < 100; b++) dels.push(['SREM', 's', ...range(b * 1000, b * 1000 + 998, 'e')]);
    pipeline(t, dels);
    expect(t.cmd('SCARD', 's')).toBe(100);
    const picks: (string | number)[][] = [];
    for (let i = 0; i < 20_000; i++) picks.push(['SRANDMEMBER', 's']);
    const got = pipeline(t, picks);
    expect(got.every((m) => typeof m === 'string' && (m as string).endsWith('999'))).toBe(true);
    expect(elems(t.cmd('SRANDMEMBER', 's', -200_000)).length).toBe(200_000);
    expect(elems(t.cmd('SRANDMEMBER', 's', 99)).length).toBe(99);
    expect(elems(t.cmd('SPOP', 's', 50)).length).toBe(50);
  }, HEAVY_TIMEOUT);

  it('SRANDMEMBER with a negative count no reply block can hold closes the client', () => {
    // Redis would try to send 2^63 members and close the client at its
    // output buffer limit; the engine closes it without writing (the count
    // alone is too big), or when the members written reach the limit.
    const t = new TestEngine({ debug: false });
    t.cmd('SADD', 's', 'a');
    t.cmd('SADD', 'big', 'm'.repeat(4096), 'n'.repeat(4096));
    for (const args of [['SRANDMEMBER', 's', '-9223372036854775807'], ['SRANDMEMBER', 'big', '-1000000']]) {
      const c = t.newClient();
      const st = t.engine.feed(c, Buffer.concat([encodeCommand(args), encodeCommand(['PING'])]), t.now);
      expect(st).toBe(ST_CLOSE);
      expect(t.engine.takeOutput() ?? Buffer.alloc(0)).toEqual(Buffer.alloc(0));
    }
    expect(t.cmd('SCARD', 'big')).toBe(2);
  }, HEAVY_TIMEOUT);

  it('SRANDMEMBER with big counts on a big set', () => {
    const t = new TestEngine({ debug: false });
    const cmds: (string | number)[][] = [];
    for (let b = 0; b < 100; b++) cmds.push(['SADD', 's', ...range(b * 1000, b * 1000 + 999)]);
    pipeline(t, cmds);
    expect(new Set(elems(t.cmd('SRANDMEMBER', 's', 30_000))).size).toBe(30_000);
    expect(new Set(elems(t.cmd('SRANDMEMBER', 's', 90_000))).size).toBe(90_000);
    expect(elems(t.cmd('SRANDMEMBER', 's', 100_000)).length).toBe(100_000);
  }, HEAVY_TIMEOUT);
});
