// Hash family through the engine in-process (debug build, fake clock).
// The reply tables were taken from redis-server 7.0.15, where they are the
// same whether the hash is a listpack or a hashtable; each runs once per
// encoding (thresholds lowered through setEncodingLimits, the route CONFIG
// SET takes). The differential test (test/diff/hash.diff.test.ts) re-checks
// the same ground against a live server.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { encodeCommand } from '../helpers/resp.js';
import { ST_CLOSE } from '../../src/engine/engine.js';

type Arg = string | Buffer;
type Row = [args: Arg[], raw: string];
const w = (s: string): Arg[] => s.split(' ');

const ENCODINGS = [
  { enc: 'listpack', entries: 512, value: 64 },
  { enc: 'hashtable', entries: 0, value: 64 },
] as const;

/** An engine whose hash thresholds are (entries, value); the rest as Redis's defaults. */
function engine(entries: number, value: number, debug = true): TestEngine {
  const t = new TestEngine({ debug });
  limits(t, entries, value);
  return t;
}

function limits(t: TestEngine, entries: number, value: number): void {
  t.engine.x.setEncodingLimits(-2, 0, entries, value, 512, 128, 64);
}

/** Runs rows in order on one engine, comparing raw RESP replies. */
function run(t: TestEngine, rows: Row[]): void {
  const show = (args: Arg[]) => args.map((a) => JSON.stringify(a.toString())).join(' ');
  for (const [args, raw] of rows) expect(`${show(args)} -> ${t.rawCmd(...args)}`).toBe(`${show(args)} -> ${raw}`);
}

/** RESP for ASCII-only arguments, built as one string (much cheaper than encodeCommand for big loads). */
function ascii(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** HSET key f0 v0 ... in commands of `per` pairs, fields named `${prefix}${i}`. */
function fill(t: TestEngine, key: string, n: number, prefix = 'f', per = 1000): void {
  for (let i = 0; i < n; i += per) {
    const args = ['HSET', key];
    for (let j = i; j < Math.min(n, i + per); j++) args.push(`${prefix}${j}`, `v${j}`);
    const r = t.raw(ascii(args)).toString('latin1');
    expect(r[0]).toBe(':');
  }
}

const enc = (t: TestEngine, key: string) => t.cmd('OBJECT', 'ENCODING', key);

/**
 * used_memory once the engine's own buffers (the client's argument array,
 * each db's first bucket array) have grown to what the test will use, so
 * what remains after deleting everything is exactly what leaked.
 */
function baseline(t: TestEngine, dbs = [0]): number {
  for (const db of dbs) {
    t.cmd('SELECT', String(db));
    fill(t, 'warmup', 1000);
    t.cmd('DEL', 'warmup');
  }
  t.cmd('SELECT', '0');
  return t.engine.x.usedMemory();
}

const REPLIES: Row[] = [
    [w("HSET h"), "-ERR wrong number of arguments for 'hset' command\r\n"],
    [w("HSET h f"), "-ERR wrong number of arguments for 'hset' command\r\n"],
    [w("HSET h f v f2"), "-ERR wrong number of arguments for 'hset' command\r\n"],
    [w("HMSET h f v f2"), "-ERR wrong number of arguments for 'hmset' command\r\n"],
    [w("HSET h a 1 b 2 c 3"), ":3\r\n"],
    [w("HSET h a 10 d 4 d 5"), ":1\r\n"],
    [w("HMSET h e 5 a 11"), "+OK\r\n"],
    [w("HLEN h"), ":5\r\n"],
    [w("HGET h a"), "$2\r\n11\r\n"],
    [w("HGET h zz"), "$-1\r\n"],
    [w("HGET nokey a"), "$-1\r\n"],
    [w("HMGET h a zz d a"), "*4\r\n$2\r\n11\r\n$-1\r\n$1\r\n5\r\n$2\r\n11\r\n"],
    [w("HMGET nokey a b"), "*2\r\n$-1\r\n$-1\r\n"],
    [w("HEXISTS h a"), ":1\r\n"],
    [w("HEXISTS h zz"), ":0\r\n"],
    [w("HEXISTS nokey a"), ":0\r\n"],
    [w("HSTRLEN h a"), ":2\r\n"],
    [w("HSTRLEN h zz"), ":0\r\n"],
    [w("HSTRLEN nokey a"), ":0\r\n"],
    [w("HSETNX h a 5"), ":0\r\n"],
    [w("HSETNX h f 6"), ":1\r\n"],
    [w("HGET h f"), "$1\r\n6\r\n"],
    [w("HSETNX new f 7"), ":1\r\n"],
    [w("HGETALL new"), "*2\r\n$1\r\nf\r\n$1\r\n7\r\n"],
    [["HSET","h","a\u0000b","\u0000\u0000x\u0000"], ":1\r\n"],
    [["HGET","h","a\u0000b"], "$4\r\n\u0000\u0000x\u0000\r\n"],
    [["HSTRLEN","h","a\u0000b"], ":4\r\n"],
    [["HEXISTS","h","a\u0000"], ":0\r\n"],
    [["HSET","h","",""], ":1\r\n"],
    [["HGET","h",""], "$0\r\n\r\n"],
    [["HSET","n","12","x","007","y","-0","z","-9223372036854775808","w","9223372036854775808","v","1.0","u"], ":6\r\n"],
    [["HMGET","n","12","007","-0","-9223372036854775808","9223372036854775808","1.0","+12"], "*7\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\nw\r\n$1\r\nv\r\n$1\r\nu\r\n$-1\r\n"],
    [["HSET","n","x","12","y","007","z","-0"], ":3\r\n"],
    [["HMGET","n","x","y","z"], "*3\r\n$2\r\n12\r\n$3\r\n007\r\n$2\r\n-0\r\n"],
    [["HSTRLEN","n","x"], ":2\r\n"],
    [w("HDEL h"), "-ERR wrong number of arguments for 'hdel' command\r\n"],
    [w("HDEL nokey a"), ":0\r\n"],
    [w("HDEL h a a zz"), ":1\r\n"],
    [w("HDEL h zz"), ":0\r\n"],
    [w("HLEN h"), ":7\r\n"],
    [w("HDEL h b c d e f"), ":5\r\n"],
    [w("HLEN h"), ":2\r\n"],
    [w("HDEL h"), "-ERR wrong number of arguments for 'hdel' command\r\n"],
    [["HDEL","h","a\u0000b",""], ":2\r\n"],
    [w("EXISTS h"), ":0\r\n"],
    [w("TYPE new"), "+hash\r\n"],
    [w("HINCRBY c f 1"), ":1\r\n"],
    [w("HINCRBY c f -10"), ":-9\r\n"],
    [w("HINCRBY c f x"), "-ERR value is not an integer or out of range\r\n"],
    [w("HINCRBY c f 1.5"), "-ERR value is not an integer or out of range\r\n"],
    [w("HINCRBY c max 9223372036854775807"), ":9223372036854775807\r\n"],
    [w("HINCRBY c max 1"), "-ERR increment or decrement would overflow\r\n"],
    [w("HINCRBY c min -9223372036854775808"), ":-9223372036854775808\r\n"],
    [w("HINCRBY c min -1"), "-ERR increment or decrement would overflow\r\n"],
    [["HSET","c","s","hello","z","007","m","-0","sp"," 1","k","12","e",""], ":6\r\n"],
    [w("HINCRBY c s 1"), "-ERR hash value is not an integer\r\n"],
    [w("HINCRBY c z 1"), "-ERR hash value is not an integer\r\n"],
    [w("HINCRBY c m 1"), "-ERR hash value is not an integer\r\n"],
    [w("HINCRBY c sp 1"), "-ERR hash value is not an integer\r\n"],
    [w("HINCRBY c e 1"), "-ERR hash value is not an integer\r\n"],
    [w("HINCRBY c k 1"), ":13\r\n"],
    [w("HINCRBY fresh f x"), "-ERR value is not an integer or out of range\r\n"],
    [w("EXISTS fresh"), ":0\r\n"],
    [w("HINCRBYFLOAT c k 1.5"), "$4\r\n14.5\r\n"],
    [w("HINCRBYFLOAT c f 0.1"), "$4\r\n-8.9\r\n"],
    [w("HINCRBYFLOAT c f2 0.1"), "$3\r\n0.1\r\n"],
    [w("HINCRBYFLOAT c f2 0.2"), "$3\r\n0.3\r\n"],
    [w("HINCRBYFLOAT c s 1"), "-ERR hash value is not a float\r\n"],
    [w("HINCRBYFLOAT c e 1"), "-ERR hash value is not a float\r\n"],
    [w("HINCRBYFLOAT c f inf"), "-ERR value is NaN or Infinity\r\n"],
    [w("HINCRBYFLOAT c f nan"), "-ERR value is not a valid float\r\n"],
    [w("HINCRBYFLOAT c f abc"), "-ERR value is not a valid float\r\n"],
    [w("HSET c g 1e4932"), ":1\r\n"],
    [w("HINCRBYFLOAT c g 1e4932"), "-ERR increment would produce NaN or Infinity\r\n"],
    [w("HGET c g"), "$6\r\n1e4932\r\n"],
    [w("HINCRBYFLOAT c g 1e4933"), "-ERR value is not a valid float\r\n"],
    [w("HINCRBYFLOAT c min 1"), "$20\r\n-9223372036854775807\r\n"],
    [w("HINCRBYFLOAT c max 1"), "$19\r\n9223372036854775808\r\n"],
    [w("HINCRBYFLOAT fresh f inf"), "-ERR value is NaN or Infinity\r\n"],
    [w("EXISTS fresh"), ":0\r\n"],
    [w("HRANDFIELD nokey"), "$-1\r\n"],
    [w("HRANDFIELD nokey 3"), "*0\r\n"],
    [w("HRANDFIELD nokey -3 WITHVALUES"), "*0\r\n"],
    [w("HRANDFIELD c 0"), "*0\r\n"],
    [w("HRANDFIELD c x"), "-ERR value is not an integer or out of range\r\n"],
    [w("HRANDFIELD c 1 WITHVALUE"), "-ERR syntax error\r\n"],
    [w("HRANDFIELD c 1 WITHVALUES x"), "-ERR syntax error\r\n"],
    [w("HRANDFIELD c -9223372036854775808"), "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"],
    [w("HRANDFIELD c 4611686018427387904 WITHVALUES"), "-ERR value is out of range\r\n"],
    [w("HRANDFIELD c -4611686018427387904 WITHVALUES"), "-ERR value is out of range\r\n"],
    [w("HSCAN nokey 0"), "*2\r\n$1\r\n0\r\n*0\r\n"],
    [w("HSCAN nokey x"), "-ERR invalid cursor\r\n"],
    [w("HSCAN nokey 0 COUNT 0"), "*2\r\n$1\r\n0\r\n*0\r\n"],
    [w("HSCAN c x"), "-ERR invalid cursor\r\n"],
    [w("HSCAN c 0 COUNT 0"), "-ERR syntax error\r\n"],
    [w("HSCAN c 0 COUNT x"), "-ERR value is not an integer or out of range\r\n"],
    [w("HSCAN c 0 MATCH"), "-ERR syntax error\r\n"],
    [w("HSCAN c 0 TYPE hash"), "-ERR syntax error\r\n"],
    [w("HSCAN c 0 NOVALUES"), "-ERR syntax error\r\n"],
    [w("HGETALL nokey"), "*0\r\n"],
    [w("HKEYS nokey"), "*0\r\n"],
    [w("HVALS nokey"), "*0\r\n"],
    [w("SET str x"), "+OK\r\n"],
    [w("HSET str a 1"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HMSET str a 1"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HSETNX str a 1"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HGET str a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HMGET str a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HDEL str a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HLEN str"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HEXISTS str a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HSTRLEN str a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HINCRBY str a 1"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HINCRBYFLOAT str a 1"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HGETALL str"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HKEYS str"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HVALS str"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HRANDFIELD str"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HRANDFIELD str 1"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HSCAN str 0"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
    [w("HSET str a"), "-ERR wrong number of arguments for 'hset' command\r\n"],
    [w("HINCRBY str a x"), "-ERR value is not an integer or out of range\r\n"],
    [w("HRANDFIELD str x"), "-ERR value is not an integer or out of range\r\n"],
    [w("HSCAN str x"), "-ERR invalid cursor\r\n"],
];

const RESP3: Row[] = [
    [w("HGET nokey a"), "_\r\n"],
    [w("HMGET nokey a b"), "*2\r\n_\r\n_\r\n"],
    [w("HGETALL nokey"), "%0\r\n"],
    [w("HKEYS nokey"), "*0\r\n"],
    [w("HVALS nokey"), "*0\r\n"],
    [w("HRANDFIELD nokey"), "_\r\n"],
    [w("HRANDFIELD nokey 2 WITHVALUES"), "*0\r\n"],
    [w("HSCAN nokey 0"), "*2\r\n$1\r\n0\r\n*0\r\n"],
    [w("HSET h a 1"), ":1\r\n"],
    [w("HGETALL h"), "%1\r\n$1\r\na\r\n$1\r\n1\r\n"],
    [w("HKEYS h"), "*1\r\n$1\r\na\r\n"],
    [w("HVALS h"), "*1\r\n$1\r\n1\r\n"],
    [w("HGET h zz"), "_\r\n"],
    [w("HMGET h a zz"), "*2\r\n$1\r\n1\r\n_\r\n"],
    [w("HRANDFIELD h"), "$1\r\na\r\n"],
    [w("HRANDFIELD h 1"), "*1\r\n$1\r\na\r\n"],
    [w("HRANDFIELD h 1 WITHVALUES"), "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"],
    [w("HRANDFIELD h 5 WITHVALUES"), "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"],
    [w("HRANDFIELD h -2 WITHVALUES"), "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"],
    [w("HRANDFIELD h -2"), "*2\r\n$1\r\na\r\n$1\r\na\r\n"],
    [w("HRANDFIELD h 0 WITHVALUES"), "*0\r\n"],
    [w("HSCAN h 0"), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"],
    [w("HINCRBYFLOAT h a 1.5"), "$3\r\n2.5\r\n"],
    [w("HINCRBY h b 2"), ":2\r\n"],
    [w("HSTRLEN h a"), ":3\r\n"],
    [w("HEXISTS h a"), ":1\r\n"],
];

describe.each(ENCODINGS)('hash commands ($enc)', ({ enc: name, entries, value }) => {
  it('replies and errors as Redis', () => {
    const t = engine(entries, value);
    run(t, REPLIES);
    expect(enc(t, 'c')).toBe(name);
  });

  it('RESP3 shapes', () => {
    const t = engine(entries, value);
    t.setProto(3);
    run(t, RESP3);
  });

  it('HGETALL, HKEYS and HVALS return every field and value once', () => {
    const t = engine(entries, value);
    fill(t, 'h', 100);
    t.cmd('HDEL', 'h', 'f3', 'f50', 'nope');
    t.cmd('HSET', 'h', 'f3', 'again', 'extra', '');
    const all = t.cmd('HGETALL', 'h') as string[];
    const expected = new Map<string, string>();
    for (let i = 0; i < 100; i++) if (i !== 50) expected.set(`f${i}`, i === 3 ? 'again' : `v${i}`);
    expected.set('extra', '');
    const got = new Map<string, string>();
    for (let i = 0; i < all.length; i += 2) got.set(all[i], all[i + 1]);
    expect(all.length).toBe(expected.size * 2);
    expect(got).toEqual(expected);
    const keys = t.cmd('HKEYS', 'h') as string[];
    const vals = t.cmd('HVALS', 'h') as string[];
    // HKEYS and HVALS walk the hash in the same order as HGETALL.
    expect(keys).toEqual(all.filter((_, i) => i % 2 === 0));
    expect(vals).toEqual(all.filter((_, i) => i % 2 === 1));
    expect(t.cmd('HLEN', 'h')).toBe(expected.size);
    expect(enc(t, 'h')).toBe(name);
  });

  it('fields and values are binary safe', () => {
    const t = engine(entries, value);
    const bin = [Buffer.from([0]), Buffer.from([0, 0]), Buffer.from([0xff, 0x00, 0x0d, 0x0a]), Buffer.from('007'),
      Buffer.from('-0'), Buffer.from('12'), Buffer.from(''), Buffer.from('-9223372036854775808'), Buffer.from('9223372036854775808')];
    for (const f of bin) for (const v of bin) {
      const field = Buffer.concat([f, Buffer.from('|'), v]);
      t.cmd('HSET', 'b', field, v);
      expect(t.raw(encodeCommand(['HGET', 'b', field])).toString('latin1')).toBe(`$${v.length}\r\n${v.toString('latin1')}\r\n`);
    }
    for (const f of bin) {
      t.cmd('HSET', 'k', f, f);
      expect(t.raw(encodeCommand(['HGET', 'k', f])).toString('latin1')).toBe(`$${f.length}\r\n${f.toString('latin1')}\r\n`);
      expect(t.cmd('HSTRLEN', 'k', f)).toBe(f.length);
    }
    expect(t.cmd('HLEN', 'k')).toBe(bin.length);
    // "12" is stored as the integer 12 in a listpack; "012" and "+12" are other fields.
    expect(t.cmd('HEXISTS', 'k', '012')).toBe(0);
    expect(t.cmd('HEXISTS', 'k', '+12')).toBe(0);
    expect(t.cmd('HEXISTS', 'k', '12')).toBe(1);
  });

  it('COPY gives an independent hash; DEL and the keyspace commands free every byte', () => {
    const t = engine(entries, value);
    const base = baseline(t, [0, 1]);
    fill(t, 'h', 300);
    expect(t.cmd('COPY', 'h', 'h2')).toBe(1);
    t.cmd('HSET', 'h2', 'f1', 'changed');
    t.cmd('HDEL', 'h2', 'f2');
    expect(t.cmd('HGET', 'h', 'f1')).toBe('v1');
    expect(t.cmd('HGET', 'h', 'f2')).toBe('v2');
    expect(t.cmd('HLEN', 'h2')).toBe(299);
    expect(enc(t, 'h2')).toBe(enc(t, 'h'));
    expect(t.cmd('RENAME', 'h2', 'h3')).toBe('OK');
    expect(t.cmd('MOVE', 'h3', '1')).toBe(1);
    expect(t.cmd('TYPE', 'h')).toBe('hash');
    expect(t.cmd('DEL', 'h')).toBe(1);
    expect(t.cmd('SELECT', '1')).toBe('OK');
    expect(t.cmd('HGET', 'h3', 'f1')).toBe('changed');
    expect(t.cmd('DEL', 'h3')).toBe(1);
    // A hash emptied by HDEL goes away with its last field.
    fill(t, 'e', 20);
    const fields: Arg[] = ['HDEL', 'e', 'nope'];
    for (let i = 0; i < 20; i++) fields.push(`f${i}`);
    expect(t.cmd(...fields)).toBe(20);
    expect(t.cmd('EXISTS', 'e')).toBe(0);
    expect(t.engine.x.usedMemory()).toBe(base);
  });

  it('HSCAN returns every field of a hash that does not change', () => {
    const t = engine(entries, value);
    fill(t, 'h', 200);
    for (const count of [1, 3, 10, 1000]) {
      const seen = new Map<string, string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, items] = t.cmd('HSCAN', 'h', cursor, 'COUNT', String(count)) as [string, string[]];
        for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
        cursor = next;
        calls++;
      } while (cursor !== '0');
      expect(seen.size).toBe(200);
      for (let i = 0; i < 200; i++) expect(seen.get(`f${i}`)).toBe(`v${i}`);
      // A listpack comes back whole in one call, as Redis does.
      if (name === 'listpack') expect(calls).toBe(1);
    }
    const [cursor, items] = t.cmd('HSCAN', 'h', '0', 'MATCH', 'f1?', 'COUNT', '10000') as [string, string[]];
    expect(cursor).toBe('0');
    expect(items.filter((_, i) => i % 2 === 0).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `f1${i}`));
  });

  it('HRANDFIELD replies are drawn from the hash as Redis describes', () => {
    const t = engine(entries, value);
    fill(t, 'h', 20);
    for (const count of [1, 2, 5, 19, 20, 21, 100]) {
      const r = t.cmd('HRANDFIELD', 'h', String(count)) as string[];
      expect(r.length).toBe(Math.min(count, 20));
      expect(new Set(r).size).toBe(r.length);
      for (const f of r) expect(f).toMatch(/^f(1?\d)$/);
      const rv = t.cmd('HRANDFIELD', 'h', String(count), 'WITHVALUES') as string[];
      expect(rv.length).toBe(2 * Math.min(count, 20));
      for (let i = 0; i < rv.length; i += 2) expect(rv[i + 1]).toBe(`v${rv[i].slice(1)}`);
    }
    const neg = t.cmd('HRANDFIELD', 'h', '-50', 'WITHVALUES') as string[];
    expect(neg.length).toBe(100);
    for (let i = 0; i < neg.length; i += 2) expect(neg[i + 1]).toBe(`v${neg[i].slice(1)}`);
    t.setProto(3);
    const pairs = t.cmd('HRANDFIELD', 'h', '-7', 'WITHVALUES') as string[][];
    expect(pairs.length).toBe(7);
    for (const [f, v] of pairs) expect(v).toBe(`v${f.slice(1)}`);
    const uniq = t.cmd('HRANDFIELD', 'h', '30', 'WITHVALUES') as string[][];
    expect(uniq.length).toBe(20);
    expect(new Set(uniq.map((p) => p[0])).size).toBe(20);
  });
});

describe('HRANDFIELD is uniform', () => {
  /** Asserts every field was seen within [lo, hi] times. */
  function within(counts: Map<string, number>, fields: number, lo: number, hi: number): void {
    expect(counts.size).toBe(fields);
    for (const [f, n] of counts) {
      expect(n, `${f} seen ${n} times`).toBeGreaterThanOrEqual(lo);
      expect(n, `${f} seen ${n} times`).toBeLessThanOrEqual(hi);
    }
  }
  function tally(counts: Map<string, number>, fields: string[]): void {
    for (const f of fields) counts.set(f, (counts.get(f) ?? 0) + 1);
  }

  it.each(ENCODINGS)('negative counts and single picks ($enc)', ({ entries, value }) => {
    const t = engine(entries, value);
    // 50 fields in 64 buckets: chains of two and three are common, so a
    // pick that favours short chains would show.
    fill(t, 'h', 50);
    const c1 = new Map<string, number>();
    tally(c1, t.cmd('HRANDFIELD', 'h', '-50000') as string[]);
    within(c1, 50, 800, 1200); // mean 1000, sd 31
    const c2 = new Map<string, number>();
    for (let i = 0; i < 10000; i++) tally(c2, [t.cmd('HRANDFIELD', 'h') as string]);
    within(c2, 50, 130, 270); // mean 200, sd 14
    const c3 = new Map<string, number>();
    for (let i = 0; i < 5000; i++) tally(c3, t.cmd('HRANDFIELD', 'h', '1') as string[]);
    within(c3, 50, 55, 145); // mean 100, sd 10
  });

  it.each(ENCODINGS)('distinct picks ($enc)', ({ entries, value }) => {
    const t = engine(entries, value);
    fill(t, 'h', 60);
    // count*3 > size (a pass over the hash) and count*3 <= size (repeated
    // picks); in a listpack both are one ordered pass.
    for (const [count, runs, lo, hi] of [[30, 400, 150, 250], [10, 1200, 150, 250]]) {
      const c = new Map<string, number>();
      for (let i = 0; i < runs; i++) {
        const r = t.cmd('HRANDFIELD', 'h', String(count)) as string[];
        expect(new Set(r).size).toBe(count);
        tally(c, r);
      }
      within(c, 60, lo, hi); // mean 200, sd 10 and 13
    }
  });

  it('a large hashtable', () => {
    const t = engine(0, 64);
    fill(t, 'h', 2000);
    const c = new Map<string, number>();
    tally(c, t.cmd('HRANDFIELD', 'h', '-400000') as string[]);
    within(c, 2000, 130, 270); // mean 200, sd 14
    const d = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const r = t.cmd('HRANDFIELD', 'h', '100') as string[];
      expect(new Set(r).size).toBe(100);
      tally(d, r);
    }
    // 10,000 picks of 2,000 fields: mean 5; a field never picked would be
    // exp(-5) ~ 0.7% each, so the set must be nearly complete.
    expect(d.size).toBeGreaterThan(1960);
  });
});

describe('encoding conversions', () => {
  it('convert at Redis 7.0\'s points and never back (entries 3, value 5)', () => {
    const t = engine(3, 5);
    run(t, [
    [w("HSET a f1 v1 f2 v2 f3 v3"), ":3\r\n"],
    [w("OBJECT ENCODING a"), "$8\r\nlistpack\r\n"],
    [w("HSET a f1 x"), ":0\r\n"],
    [w("OBJECT ENCODING a"), "$8\r\nlistpack\r\n"],
    [w("HSET a f4 v4"), ":1\r\n"],
    [w("OBJECT ENCODING a"), "$9\r\nhashtable\r\n"],
    [w("HDEL a f1 f2 f3"), ":3\r\n"],
    [w("OBJECT ENCODING a"), "$9\r\nhashtable\r\n"],
    [w("HGETALL a"), "*2\r\n$2\r\nf4\r\n$2\r\nv4\r\n"],
    [w("HSET b f 12345"), ":1\r\n"],
    [w("OBJECT ENCODING b"), "$8\r\nlistpack\r\n"],
    [w("HSET b g 123456"), ":1\r\n"],
    [w("OBJECT ENCODING b"), "$9\r\nhashtable\r\n"],
    [w("HSET c ffffff v"), ":1\r\n"],
    [w("OBJECT ENCODING c"), "$9\r\nhashtable\r\n"],
    [w("HSET c2 fffff v"), ":1\r\n"],
    [w("OBJECT ENCODING c2"), "$8\r\nlistpack\r\n"],
    [w("HSETNX d f 1"), ":1\r\n"],
    [w("HSETNX d f 123456789"), ":0\r\n"],
    [w("OBJECT ENCODING d"), "$8\r\nlistpack\r\n"],
    [w("HSETNX d g 123456789"), ":1\r\n"],
    [w("OBJECT ENCODING d"), "$9\r\nhashtable\r\n"],
    [w("HSETNX d2 ffffffff 1"), ":1\r\n"],
    [w("OBJECT ENCODING d2"), "$9\r\nhashtable\r\n"],
    [w("HINCRBY e f 99999"), ":99999\r\n"],
    [w("OBJECT ENCODING e"), "$8\r\nlistpack\r\n"],
    [w("HINCRBY e f 1"), ":100000\r\n"],
    [w("OBJECT ENCODING e"), "$9\r\nhashtable\r\n"],
    [w("HINCRBY e2 f -9999"), ":-9999\r\n"],
    [w("OBJECT ENCODING e2"), "$8\r\nlistpack\r\n"],
    [w("HINCRBY e2 f -1"), ":-10000\r\n"],
    [w("OBJECT ENCODING e2"), "$9\r\nhashtable\r\n"],
    [w("HINCRBYFLOAT g f 1.5"), "$3\r\n1.5\r\n"],
    [w("HINCRBYFLOAT g f 0.25"), "$4\r\n1.75\r\n"],
    [w("OBJECT ENCODING g"), "$8\r\nlistpack\r\n"],
    [w("HINCRBYFLOAT g f 0.001"), "$5\r\n1.751\r\n"],
    [w("OBJECT ENCODING g"), "$8\r\nlistpack\r\n"],
    [w("HGET g f"), "$5\r\n1.751\r\n"],
    [w("HINCRBY h ffffff 1"), ":1\r\n"],
    [w("OBJECT ENCODING h"), "$9\r\nhashtable\r\n"],
    [w("HINCRBYFLOAT i ffffff 1"), "$1\r\n1\r\n"],
    [w("OBJECT ENCODING i"), "$9\r\nhashtable\r\n"],
    [w("HSET j a 1 b 2 c 3 d 4"), ":4\r\n"],
    [w("OBJECT ENCODING j"), "$9\r\nhashtable\r\n"],
    [w("HSET k a 1 b 123456"), ":2\r\n"],
    [w("OBJECT ENCODING k"), "$9\r\nhashtable\r\n"],
    [w("HSET k2 a 1 bbbbbb 1"), ":2\r\n"],
    [w("OBJECT ENCODING k2"), "$9\r\nhashtable\r\n"],
    [w("HMSET m a 1 b 2 c 3 d 4"), "+OK\r\n"],
    [w("OBJECT ENCODING m"), "$9\r\nhashtable\r\n"],
    [w("HSET n a 1 b 2 c 3"), ":3\r\n"],
    [w("HDEL n a"), ":1\r\n"],
    [w("HSET n d 4"), ":1\r\n"],
    [w("OBJECT ENCODING n"), "$8\r\nlistpack\r\n"],
    [w("HSET n e 5"), ":1\r\n"],
    [w("OBJECT ENCODING n"), "$9\r\nhashtable\r\n"],
    [w("COPY a a2"), ":1\r\n"],
    [w("OBJECT ENCODING a2"), "$9\r\nhashtable\r\n"],
    [w("COPY n2 x"), ":0\r\n"],
    [w("HSET n2 a 1"), ":1\r\n"],
    [w("COPY n2 n3"), ":1\r\n"],
    [w("OBJECT ENCODING n3"), "$8\r\nlistpack\r\n"],
    ]);
    // Raising the limits again leaves hashtables as they are.
    limits(t, 512, 64);
    t.cmd('HSET', 'a', 'y', '1');
    t.cmd('HDEL', 'a', 'f4');
    expect(t.cmd('HLEN', 'a')).toBe(1);
    expect(enc(t, 'a')).toBe('hashtable');
    t.cmd('HSET', 'fresh', 'f', 'v');
    expect(enc(t, 'fresh')).toBe('listpack');
  });

  it('entries 0 and value 0', () => {
    const t = engine(0, 64);
    for (const cmd of [w('HSET a f v'), w('HSETNX b f v'), w('HINCRBY c f 1'), w('HINCRBYFLOAT d f 1'), w('HMSET e f v')]) {
      t.cmd(...cmd);
      expect(enc(t, cmd[1] as string)).toBe('hashtable');
    }
    limits(t, 10, 0);
    t.cmd('HSET', 'z', '', '');
    expect(enc(t, 'z')).toBe('listpack');
    t.cmd('HSET', 'z', 'a', '');
    expect(enc(t, 'z')).toBe('hashtable');
  });

  it('at the default thresholds: 512 fields stay a listpack, 513 do not; 64-byte values stay', () => {
    const t = engine(512, 64);
    fill(t, 'h', 512, 'f', 100);
    expect(enc(t, 'h')).toBe('listpack');
    t.cmd('HSET', 'h', 'f0', 'x'.repeat(64));
    expect(enc(t, 'h')).toBe('listpack');
    t.cmd('HSET', 'h', 'one-more', 'v');
    expect(enc(t, 'h')).toBe('hashtable');
    expect(t.cmd('HLEN', 'h')).toBe(513);
    expect(t.cmd('HGET', 'h', 'f0')).toBe('x'.repeat(64));
    t.cmd('HSET', 'g', 'f', 'x'.repeat(65));
    expect(enc(t, 'g')).toBe('hashtable');
  });
});

describe('replies no buffer can hold', () => {
  it.each(ENCODINGS)('a huge negative HRANDFIELD count closes the client instead of aborting ($enc)', ({ entries, value }) => {
    const t = engine(entries, value);
    fill(t, 'h', 10);
    for (const args of [w('HRANDFIELD h -300000000'), w('HRANDFIELD h -100000000 WITHVALUES'), w('HRANDFIELD h -9223372036854775807')]) {
      const c = t.newClient();
      const st = t.engine.feed(c, Buffer.concat([encodeCommand(args), encodeCommand(['PING'])]), t.now);
      expect(st).toBe(ST_CLOSE);
      expect(t.engine.takeOutput() ?? Buffer.alloc(0)).toEqual(Buffer.alloc(0));
    }
    // Nothing changed and the engine goes on serving.
    expect(t.cmd('HLEN', 'h')).toBe(10);
    expect((t.cmd('HRANDFIELD', 'h', '-1000') as string[]).length).toBe(1000);
  });

  it('inside EXEC the transaction still runs whole before the client is closed', () => {
    const t = engine(512, 64);
    fill(t, 'h', 10);
    const c = t.newClient();
    const cmds = [w('SET before 1'), w('MULTI'), w('HSET x a 1'), w('HRANDFIELD h -300000000'), w('HSET y b 2'), w('EXEC'), w('SET after 1')];
    const st = t.engine.feed(c, Buffer.concat(cmds.map((a) => encodeCommand(a))), t.now);
    expect(st).toBe(ST_CLOSE);
    // Pending replies go with the client, as when Redis drops one past its output limit.
    expect(t.engine.takeOutput() ?? Buffer.alloc(0)).toEqual(Buffer.alloc(0));
    expect(t.cmd('EXISTS', 'before', 'x', 'y', 'after')).toBe(3);
    expect(t.cmd('EXISTS', 'after')).toBe(0);
  });
});

describe('no quadratic traps', () => {
  it('1,000,000 fields into one hash, then HDEL of every one', () => {
    const t = engine(512, 64);
    const base = baseline(t);
    fill(t, 'big', 1_000_000);
    expect(t.cmd('HLEN', 'big')).toBe(1_000_000);
    expect(enc(t, 'big')).toBe('hashtable');
    expect(t.cmd('HGET', 'big', 'f777777')).toBe('v777777');
    for (let i = 0; i < 1_000_000; i += 1000) {
      const args = ['HDEL', 'big'];
      for (let j = i; j < i + 1000; j++) args.push(`f${j}`);
      expect(t.raw(ascii(args)).toString('latin1')).toBe(':1000\r\n');
    }
    expect(t.cmd('EXISTS', 'big')).toBe(0);
    expect(t.engine.x.usedMemory()).toBe(base);
  }, 300_000);

  it('100,000 small hashes stay lean listpacks', () => {
    const t = engine(512, 64);
    const base = baseline(t);
    for (let i = 0; i < 100_000; i += 1000) {
      let batch = '';
      for (let j = i; j < i + 1000; j++) {
        const args = ['HSET', `hash:${j}`];
        for (let k = 0; k < 10; k++) args.push(`field:${k}`, `value:${j * 10 + k}`);
        batch += ascii(args);
      }
      expect(t.raw(batch).toString('latin1')).toBe(':10\r\n'.repeat(1000));
    }
    expect(enc(t, 'hash:99999')).toBe('listpack');
    expect(t.cmd('HGET', 'hash:4242', 'field:7')).toBe('value:42427');
    // Key entry (48 bytes), its bucket and a 256-byte listpack block: Redis
    // needs about 330 bytes for the same hash.
    const perHash = (t.engine.x.usedMemory() - base) / 100_000;
    expect(perHash).toBeLessThan(330);
  }, 300_000);

  it('HGETALL, HKEYS and HSCAN of a 1,000,000-field hash', () => {
    const t = engine(512, 64);
    fill(t, 'big', 1_000_000);
    // Checked by size rather than parsed (two million bulk strings): every
    // field and value is there once when the header and the byte count agree.
    const bulkLen = (s: string) => `$${s.length}\r\n${s}\r\n`.length;
    let keysLen = 0;
    let valsLen = 0;
    for (let i = 0; i < 1_000_000; i++) {
      keysLen += bulkLen(`f${i}`);
      valsLen += bulkLen(`v${i}`);
    }
    const all = t.raw(ascii(['HGETALL', 'big']));
    expect(all.subarray(0, 10).toString('latin1')).toBe('*2000000\r\n');
    expect(all.length).toBe(10 + keysLen + valsLen);
    const keys = t.raw(ascii(['HKEYS', 'big']));
    expect(keys.subarray(0, 10).toString('latin1')).toBe('*1000000\r\n');
    expect(keys.length).toBe(10 + keysLen);
    let cursor = '0';
    let n = 0;
    do {
      // The cursor and the element count from the reply's head.
      const head = /^\*2\r\n\$\d+\r\n(\d+)\r\n\*(\d+)\r\n/.exec(t.raw(ascii(['HSCAN', 'big', cursor, 'COUNT', '10000'])).toString('latin1', 0, 64))!;
      cursor = head[1];
      n += Number(head[2]) / 2;
    } while (cursor !== '0');
    // The table does not change during the iteration, so nothing repeats.
    expect(n).toBe(1_000_000);
  }, 300_000);
});

describe('HSCAN on a hashtable that changes between calls', () => {
  it('returns every field present for the whole iteration while the table grows', () => {
    const t = engine(0, 64);
    fill(t, 'h', 500, 'keep');
    const seen = new Set<string>();
    let cursor = '0';
    let added = 0;
    do {
      const [next, items] = t.cmd('HSCAN', 'h', cursor, 'COUNT', '5') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
      cursor = next;
      // Enough new fields to double the table several times mid-iteration
      // (and then no more, so the iteration can end).
      if (added < 4000) {
        const args: Arg[] = ['HSET', 'h'];
        for (let k = 0; k < 40; k++, added++) args.push(`new${added}`, 'x');
        t.cmd(...args);
      }
    } while (cursor !== '0');
    for (let i = 0; i < 500; i++) expect(seen.has(`keep${i}`), `keep${i}`).toBe(true);
    expect(added).toBe(4000);
  });

  it('returns every field present for the whole iteration while the table shrinks', () => {
    const t = engine(0, 64);
    fill(t, 'h', 300, 'keep');
    fill(t, 'h', 6000, 'gone');
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = t.cmd('HSCAN', 'h', cursor, 'COUNT', '20') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
      cursor = next;
      if (++calls === 3) {
        // Drop 95% of the hash: the dict shrinks to a fraction of its size.
        for (let i = 0; i < 6000; i += 500) {
          const args: Arg[] = ['HDEL', 'h'];
          for (let j = i; j < i + 500; j++) args.push(`gone${j}`);
          t.cmd(...args);
        }
      }
    } while (cursor !== '0');
    for (let i = 0; i < 300; i++) expect(seen.has(`keep${i}`), `keep${i}`).toBe(true);
  });
});
