// Sorted set family through the engine in-process (debug build, fake clock),
// table-driven: every table runs once with listpacks (the default limits) and
// once with skiplists only (zset-max-listpack-entries 0). Expected replies
// were taken from redis-server 7.0.15; test/diff/zset.diff.test.ts re-checks
// the same ground against a live one, in both protocols.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { ST_CLOSE } from '../../src/engine/engine.js';
import { encodeCommand } from '../helpers/resp.js';
import { Prng } from '../helpers/prng.js';
import { ZSET_TABLES } from './zset.cases.js';

type Row = [args: string[], raw: string];
type Table = [name: string, rows: Row[]];

/** Runs rows in order on one engine, comparing raw RESP replies. */
function run(t: TestEngine, rows: Row[]): void {
  for (const [args, raw] of rows) expect(`${args.join(' ')} -> ${t.rawCmd(...args)}`).toBe(`${args.join(' ')} -> ${raw}`);
}

/** Sets the zset thresholds (the other families' stay at their defaults). */
function zsetLimits(t: TestEngine, entries: number, value: number): void {
  t.engine.x.setEncodingLimits(-2, 0, 512, 64, 512, entries, value);
}

const ENCODINGS: [name: string, entries: number][] = [['listpack', 128], ['skiplist', 0]];

const RESP2: Table[] = ZSET_TABLES;

// RESP3 shapes: scores are doubles, pairs are nested arrays, nil is `_`.
const RESP3: Row[] = [
      [["ZADD","z","1","a","2.5","b","inf","c"], ":3\r\n"],
      [["ZSCORE","z","b"], ",2.5\r\n"],
      [["ZSCORE","z","c"], ",inf\r\n"],
      [["ZSCORE","z","x"], "_\r\n"],
      [["ZMSCORE","z","a","x"], "*2\r\n,1\r\n_\r\n"],
      [["ZINCRBY","z","1","a"], ",2\r\n"],
      [["ZADD","z","INCR","1","a"], ",3\r\n"],
      [["ZADD","z","NX","INCR","1","a"], "_\r\n"],
      [["ZRANGE","z","0","-1","WITHSCORES"], "*3\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\na\r\n,3\r\n*2\r\n$1\r\nc\r\n,inf\r\n"],
      [["ZRANGE","z","0","-1"], "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n"],
      [["ZRANGEBYSCORE","z","-inf","+inf","WITHSCORES"], "*3\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\na\r\n,3\r\n*2\r\n$1\r\nc\r\n,inf\r\n"],
      [["ZREVRANGE","z","0","0","WITHSCORES"], "*1\r\n*2\r\n$1\r\nc\r\n,inf\r\n"],
      [["ZRANK","z","x"], "_\r\n"],
      [["ZPOPMIN","z"], "*2\r\n$1\r\nb\r\n,2.5\r\n"],
      [["ZPOPMIN","z","1"], "*1\r\n*2\r\n$1\r\na\r\n,3\r\n"],
      [["ZPOPMAX","z","5"], "*1\r\n*2\r\n$1\r\nc\r\n,inf\r\n"],
      [["ZADD","z","1","a","2","b"], ":2\r\n"],
      [["ZMPOP","1","z","MIN"], "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n"],
      [["ZMPOP","1","missing","MIN"], "_\r\n"],
      [["BZPOPMIN","z","0"], "*3\r\n$1\r\nz\r\n$1\r\nb\r\n,2\r\n"],
      [["ZADD","z","1","a","2","b"], ":2\r\n"],
      [["BZMPOP","0","1","z","MAX","COUNT","2"], "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n"],
      [["ZADD","z","1","a","2","b"], ":2\r\n"],
      [["ZUNION","1","z","WITHSCORES"], "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n"],
      [["ZRANDMEMBER","z","5","WITHSCORES"], "*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n"],
      [["ZRANDMEMBER","missing"], "_\r\n"],
      [["ZSCAN","missing","0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
      [["ZRANGESTORE","d","z","0","-1"], ":2\r\n"],
      [["ZRANDMEMBER","missing","-1","WITHSCORES"], "*0\r\n"],
];

for (const [enc, entries] of ENCODINGS) {
  describe(`sorted sets (${enc})`, () => {
    for (const [name, rows] of RESP2) {
      it(name, () => {
        const t = new TestEngine();
        zsetLimits(t, entries, 64);
        if (entries === 0) {
          // Every key the table creates is a skiplist: check on the first one.
          t.cmd('ZADD', 'probe', '1', 'a');
          expect(t.cmd('OBJECT', 'ENCODING', 'probe')).toBe('skiplist');
          t.cmd('DEL', 'probe');
        }
        run(t, rows);
      });
    }

    it('RESP3 reply shapes', () => {
      const t = new TestEngine();
      zsetLimits(t, entries, 64);
      t.setProto(3);
      run(t, RESP3);
    });

    it('ZSCAN returns every member with its score', () => {
      const t = new TestEngine();
      zsetLimits(t, entries, 64);
      t.cmd('ZADD', 'z', '1', 'a', '2.5', 'b', 'inf', 'c', '-0', 'd', '1e17', 'e', '0.1', 'f');
      const r = t.cmd('ZSCAN', 'z', '0', 'COUNT', '100') as [string, string[]];
      expect(r[0]).toBe('0');
      const pairs: string[] = [];
      for (let i = 0; i < r[1].length; i += 2) pairs.push(`${r[1][i]}=${r[1][i + 1]}`);
      // A listpack holds integral scores as integers (-0 becomes 0, 1e17 its
      // digits) and shows them so; a skiplist prints each with %.17g.
      const want = entries === 0
        ? ['a=1', 'b=2.5', 'c=inf', 'd=-0', 'e=1e+17', 'f=0.10000000000000001']
        : ['a=1', 'b=2.5', 'c=inf', 'd=0', 'e=100000000000000000', 'f=0.10000000000000001'];
      expect(pairs.sort()).toEqual(want);
      const m = t.cmd('ZSCAN', 'z', '0', 'MATCH', '[ab]', 'COUNT', '100') as [string, string[]];
      expect(m[0]).toBe('0');
      expect([`${m[1][0]}=${m[1][1]}`, `${m[1][2]}=${m[1][3]}`].sort()).toEqual(['a=1', 'b=2.5']);
      // -0 stays -0 in a skiplist; a listpack stores it as the integer 0.
      t.cmd('ZADD', 'n', '-0', 'a');
      expect(t.cmd('ZSCORE', 'n', 'a')).toBe(entries === 0 ? '-0' : '0');
    });
  });
}

// notify-keyspace-events "KEA" as Redis's NOTIFY_* bits: every class but
// "new" and "keymiss", reported as key events.
const KEA = 2 | 4 | 8 | 16 | 32 | 64 | 128 | 256 | 512 | 1024;

describe('keyspace events and WATCH', () => {
  // Each command's key events, as redis-server 7.0.15 published them.
  const EVENTS: [args: string[], events: string[]][] = [
      [["ZADD","z","1","a","2","b","3","c"], ["zadd z"]],
      [["ZADD","z","1","a"], []],
      [["ZADD","z","5","a"], ["zadd z"]],
      [["ZADD","z","NX","1","a"], []],
      [["ZINCRBY","z","1","a"], ["zincr z"]],
      [["ZADD","z","INCR","1","new"], ["zincr z"]],
      [["ZREM","z","nope"], []],
      [["ZREM","z","new"], ["zrem z"]],
      [["ZREMRANGEBYRANK","z","5","9"], []],
      [["ZREMRANGEBYRANK","z","0","0"], ["zremrangebyrank z"]],
      [["ZREMRANGEBYSCORE","z","100","200"], []],
      [["ZADD","lx","0","p","0","q"], ["zadd lx"]],
      [["ZREMRANGEBYLEX","lx","[p","[p"], ["zremrangebylex lx"]],
      [["ZREMRANGEBYLEX","lx","(q","+"], []],
      [["ZREMRANGEBYSCORE","z","-inf","+inf"], ["zremrangebyscore z","del z"]],
      [["ZADD","z","1","a","2","b","3","c"], ["zadd z"]],
      [["ZPOPMIN","z"], ["zpopmin z"]],
      [["ZPOPMAX","z","5"], ["zpopmax z","del z"]],
      [["ZPOPMIN","z"], []],
      [["ZADD","y","1","a"], ["zadd y"]],
      [["ZMPOP","1","y","MAX"], ["zpopmax y","del y"]],
      [["ZADD","y","1","a","2","b"], ["zadd y"]],
      [["BZPOPMIN","y","0"], ["zpopmin y"]],
      [["BZMPOP","0","1","y","MIN","COUNT","3"], ["zpopmin y","del y"]],
      [["ZADD","a","1","x","2","y"], ["zadd a"]],
      [["ZADD","b","1","y"], ["zadd b"]],
      [["ZUNIONSTORE","d","2","a","b"], ["zunionstore d"]],
      [["ZUNIONSTORE","d","2","a","b"], ["zunionstore d"]],
      [["ZINTERSTORE","d","2","a","b"], ["zinterstore d"]],
      [["ZDIFFSTORE","d","2","a","b"], ["zdiffstore d"]],
      [["ZINTERSTORE","d","2","a","missing"], ["del d"]],
      [["ZINTERSTORE","d","2","a","missing"], []],
      [["ZRANGESTORE","r","a","0","-1"], ["zrangestore r"]],
      [["ZRANGESTORE","r","a","5","6"], ["del r"]],
      [["ZRANGESTORE","r","missing","0","-1"], []],
      [["SET","s","v"], ["set s"]],
      [["ZUNIONSTORE","s","1","a"], ["zunionstore s"]],
      [["ZREM","a","x","y"], ["zrem a","del a"]],
      [["ZADD","k","XX","1","a"], []],
      [["ZADD","z","1","m"], ["zadd z"]],
      [["ZREM","z","m","zz"], ["zrem z","del z"]],
  ];

  for (const [enc, entries] of ENCODINGS) {
    it(`each write reports Redis's events (${enc})`, () => {
      const t = new TestEngine();
      zsetLimits(t, entries, 64);
      t.engine.x.setKeyspaceEvents(KEA);
      for (const [args, events] of EVENTS) {
        t.rawCmd(...args);
        const got = t.engine.takeKeyspaceEvents().map((e) => `${e.event} ${e.key.toString('latin1')}`);
        expect(`${args.join(' ')} -> ${JSON.stringify(got)}`).toBe(`${args.join(' ')} -> ${JSON.stringify(events)}`);
      }
    });
  }

  it('a write to a watched sorted set fails the EXEC; a no-op write does not', () => {
    const t = new TestEngine();
    const other = t.newClient();
    const on = (c: number, ...args: string[]) => t.raw(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, c).toString('latin1');
    t.cmd('ZADD', 'z', '1', 'a');
    for (const [write, fails] of [[['ZADD', 'z', '1', 'a'], false], [['ZADD', 'z', '2', 'a'], true], [['ZREM', 'z', 'x'], false],
      [['ZPOPMIN', 'z', '0'], false], [['ZINCRBY', 'z', '1', 'b'], true], [['ZREMRANGEBYSCORE', 'z', '100', '200'], false],
      [['ZUNIONSTORE', 'z', '1', 'z'], true], [['ZRANGESTORE', 'z', 'none', '0', '-1'], true]] as [string[], boolean][]) {
      if (t.cmd('EXISTS', 'z') === 0) t.cmd('ZADD', 'z', '1', 'a');
      expect(t.cmd('WATCH', 'z')).toBe('OK');
      on(other, ...write);
      expect(t.cmd('MULTI')).toBe('OK');
      expect(t.cmd('PING')).toBe('QUEUED');
      expect(`${write.join(' ')}: ${JSON.stringify(t.cmd('EXEC'))}`).toBe(`${write.join(' ')}: ${fails ? 'null' : '["PONG"]'}`);
    }
  });
});

describe('%.17g', () => {
  it('rounds an exact tie at the 17th digit to even, as glibc (not half up)', () => {
    for (const entries of [128, 0]) {
      const t = new TestEngine();
      zsetLimits(t, entries, 64);
      t.cmd('ZADD', 'z', '1234567890123456.25', 'a', '1234567890123456.75', 'b', '0.5', 'c');
      expect(t.cmd('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['c', '0.5', 'a', '1234567890123456.2', 'b', '1234567890123456.8']);
    }
  });
});

describe('encodings', () => {
  it('converts at the entry and member limits as Redis does', () => {
    const t = new TestEngine();
    zsetLimits(t, 4, 8);
    run(t, [
      [["ZADD","e","1","a","2","b","3","c","4","d"], ":4\r\n"],
      [["OBJECT","ENCODING","e"], "$8\r\nlistpack\r\n"],
      [["ZADD","e","5","e"], ":1\r\n"],
      [["OBJECT","ENCODING","e"], "$8\r\nskiplist\r\n"],
      [["ZADD","f","1","a","1","a","1","a","1","a","1","a"], ":1\r\n"],
      [["OBJECT","ENCODING","f"], "$8\r\nlistpack\r\n"],
      [["ZADD","h","1","12345678"], ":1\r\n"],
      [["OBJECT","ENCODING","h"], "$8\r\nlistpack\r\n"],
      [["ZADD","h","1","123456789"], ":1\r\n"],
      [["OBJECT","ENCODING","h"], "$8\r\nskiplist\r\n"],
      [["ZADD","i","1","123456789"], ":1\r\n"],
      [["OBJECT","ENCODING","i"], "$8\r\nskiplist\r\n"],
      [["ZADD","j","1","a","1","123456789"], ":2\r\n"],
      [["OBJECT","ENCODING","j"], "$8\r\nskiplist\r\n"],
      [["ZINCRBY","l","1","123456789"], "$1\r\n1\r\n"],
      [["OBJECT","ENCODING","l"], "$8\r\nskiplist\r\n"],
      [["ZADD","m","1","a","2","b","3","c","4","d"], ":4\r\n"],
      [["ZADD","m","XX","5","e"], ":0\r\n"],
      [["OBJECT","ENCODING","m"], "$8\r\nlistpack\r\n"],
      [["ZADD","m","NX","5","a"], ":0\r\n"],
      [["OBJECT","ENCODING","m"], "$8\r\nlistpack\r\n"],
      [["ZREM","e","a","b","c"], ":3\r\n"],
      [["OBJECT","ENCODING","e"], "$8\r\nskiplist\r\n"],
      [["ZUNIONSTORE","u","1","e"], ":2\r\n"],
      [["OBJECT","ENCODING","u"], "$8\r\nlistpack\r\n"],
      [["ZUNIONSTORE","u","2","e","m"], ":5\r\n"],
      [["OBJECT","ENCODING","u"], "$8\r\nskiplist\r\n"],
      [["ZINTERSTORE","u","2","e","m"], ":1\r\n"],
      [["OBJECT","ENCODING","u"], "$8\r\nlistpack\r\n"],
      [["ZUNIONSTORE","u","1","j"], ":2\r\n"],
      [["OBJECT","ENCODING","u"], "$8\r\nskiplist\r\n"],
      [["ZDIFFSTORE","u","2","j","h"], ":1\r\n"],
      [["OBJECT","ENCODING","u"], "$8\r\nlistpack\r\n"],
      [["ZRANGESTORE","u","m","0","3"], ":4\r\n"],
      [["OBJECT","ENCODING","u"], "$8\r\nlistpack\r\n"],
      [["ZADD","m","9","z"], ":1\r\n"],
      [["ZRANGESTORE","u","m","0","4"], ":5\r\n"],
      [["OBJECT","ENCODING","u"], "$8\r\nskiplist\r\n"],
      [["ZRANGESTORE","u","m","0","+inf","BYSCORE"], ":5\r\n"],
      [["OBJECT","ENCODING","u"], "$8\r\nskiplist\r\n"],
      [["ZRANGESTORE","u","j","0","-1"], ":2\r\n"],
      [["OBJECT","ENCODING","u"], "$8\r\nskiplist\r\n"],
      [["COPY","m","m2"], ":1\r\n"],
      [["OBJECT","ENCODING","m2"], "$8\r\nskiplist\r\n"],
      [["ZRANGE","m2","0","-1","WITHSCORES"], "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n9\r\n"],
      [["COPY","h","h2"], ":1\r\n"],
      [["OBJECT","ENCODING","h2"], "$8\r\nskiplist\r\n"],
      [["ZRANGE","h2","0","-1","WITHSCORES"], "*4\r\n$8\r\n12345678\r\n$1\r\n1\r\n$9\r\n123456789\r\n$1\r\n1\r\n"],
      [["ZPOPMIN","m","4"], "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"],
      [["OBJECT","ENCODING","m"], "$8\r\nskiplist\r\n"],
    ]);
  });

  it('a first member over the limit, or a zero entry limit, makes a skiplist at once', () => {
    const t = new TestEngine();
    zsetLimits(t, 128, 64);
    t.cmd('ZADD', 'long', '1', 'x'.repeat(65), '2', 'a');
    expect(t.cmd('OBJECT', 'ENCODING', 'long')).toBe('skiplist');
    t.cmd('ZADD', 'ok', '1', 'x'.repeat(64));
    expect(t.cmd('OBJECT', 'ENCODING', 'ok')).toBe('listpack');
    zsetLimits(t, 0, 64);
    t.cmd('ZADD', 'zero', '1', 'a');
    expect(t.cmd('OBJECT', 'ENCODING', 'zero')).toBe('skiplist');
    // A converted set stays a skiplist even when it shrinks or the limits grow.
    zsetLimits(t, 128, 64);
    t.cmd('ZREM', 'long', 'x'.repeat(65));
    expect(t.cmd('OBJECT', 'ENCODING', 'long')).toBe('skiplist');
  });

  it('128 members stay a listpack, the 129th converts; stores choose by size', () => {
    const t = new TestEngine();
    const args: string[] = [];
    for (let i = 0; i < 128; i++) args.push(String(i), `m${i}`);
    t.cmd('ZADD', 'big', ...args);
    expect(t.cmd('OBJECT', 'ENCODING', 'big')).toBe('listpack');
    t.cmd('ZADD', 'big', '128', 'm128');
    expect(t.cmd('OBJECT', 'ENCODING', 'big')).toBe('skiplist');
    expect(t.cmd('ZRANGESTORE', 'u', 'big', '0', '127')).toBe(128);
    expect(t.cmd('OBJECT', 'ENCODING', 'u')).toBe('listpack');
    expect(t.cmd('ZUNIONSTORE', 'u', '1', 'big')).toBe(129);
    expect(t.cmd('OBJECT', 'ENCODING', 'u')).toBe('skiplist');
    expect(t.cmd('ZRANGE', 'u', '0', '-1')).toEqual(t.cmd('ZRANGE', 'big', '0', '-1'));
  });

  it('COPY gives each encoding its own deep copy', () => {
    for (const entries of [128, 0]) {
      const t = new TestEngine();
      zsetLimits(t, entries, 64);
      t.cmd('ZADD', 'a', '1', 'x', '2', 'y', '3', 'z');
      expect(t.cmd('COPY', 'a', 'b')).toBe(1);
      t.cmd('ZADD', 'a', '10', 'x');
      t.cmd('ZREM', 'b', 'z');
      expect(t.cmd('ZRANGE', 'a', '0', '-1', 'WITHSCORES')).toEqual(['y', '2', 'z', '3', 'x', '10']);
      expect(t.cmd('ZRANGE', 'b', '0', '-1', 'WITHSCORES')).toEqual(['x', '1', 'y', '2']);
      expect(t.cmd('OBJECT', 'ENCODING', 'b')).toBe(entries === 0 ? 'skiplist' : 'listpack');
      t.cmd('DEL', 'a');
      expect(t.cmd('ZCARD', 'b')).toBe(2);
    }
  });

  it('memory is returned when sets shrink or go away', () => {
    const t = new TestEngine();
    const x = t.engine.x as any;
    // The keyspace's own table and the reply buffer settle after a first round.
    let base = 0;
    for (const [round, entries] of [[0, 128], [1, 128], [2, 0], [3, 0]]) {
      if (round === 1 || round === 3) base = x.usedMemory();
      zsetLimits(t, entries, 64);
      const args: string[] = [];
      for (let i = 0; i < 500; i++) args.push(String(i % 7 === 0 ? i + 0.5 : i), `member:${i}`);
      t.cmd('ZADD', 'k', ...args);
      t.cmd('ZUNIONSTORE', 'u', '1', 'k');
      t.cmd('COPY', 'k', 'c');
      t.cmd('ZREMRANGEBYRANK', 'k', '10', '400');
      t.cmd('ZPOPMIN', 'k', '50');
      t.cmd('DEL', 'k', 'u', 'c');
      if (round === 1 || round === 3) expect(x.usedMemory()).toBe(base);
    }
  });
});

describe('ZRANDMEMBER picks uniformly', () => {
  for (const [enc, entries] of ENCODINGS) {
    it(`independent picks (negative count), ${enc}`, () => {
      const t = new TestEngine();
      zsetLimits(t, entries, 64);
      const args: string[] = [];
      for (let i = 0; i < 10; i++) args.push(String(i), `m${i}`);
      t.cmd('ZADD', 'z', ...args);
      const counts = new Map<string, number>();
      const draws = 20000;
      const got = t.cmd('ZRANDMEMBER', 'z', String(-draws)) as string[];
      expect(got.length).toBe(draws);
      for (const m of got) counts.set(m, (counts.get(m) ?? 0) + 1);
      expect(counts.size).toBe(10);
      for (const n of counts.values()) expect(Math.abs(n - draws / 10)).toBeLessThan(draws / 10 * 0.1);
      const ws = t.cmd('ZRANDMEMBER', 'z', '-5', 'WITHSCORES') as string[];
      for (let i = 0; i < ws.length; i += 2) expect(ws[i]).toBe(`m${ws[i + 1]}`);
    });

    for (const k of [3, 8]) {
      it(`distinct picks of ${k} of 10 (${k * 3 > 10 ? 'most of the set' : 'a few'}), ${enc}`, () => {
        const t = new TestEngine();
        zsetLimits(t, entries, 64);
        const args: string[] = [];
        for (let i = 0; i < 10; i++) args.push(String(i), `m${i}`);
        t.cmd('ZADD', 'z', ...args);
        const counts = new Map<string, number>();
        const rounds = 3000;
        for (let r = 0; r < rounds; r++) {
          const got = t.cmd('ZRANDMEMBER', 'z', String(k), 'WITHSCORES') as string[];
          expect(got.length).toBe(2 * k);
          const members = got.filter((_, i) => i % 2 === 0);
          expect(new Set(members).size).toBe(k);
          for (let i = 0; i < got.length; i += 2) expect(got[i]).toBe(`m${got[i + 1]}`);
          for (const m of members) counts.set(m, (counts.get(m) ?? 0) + 1);
        }
        const expected = rounds * k / 10;
        for (const n of counts.values()) expect(Math.abs(n - expected)).toBeLessThan(expected * 0.1);
      });
    }
  }

  it('a negative count no reply block can hold closes the client', () => {
    // Redis would try to send 2^63 members and close the client at its
    // output buffer limit; the engine closes it without writing (the count
    // alone is too big), or when the members written reach the limit.
    const t = new TestEngine({ debug: false });
    t.cmd('ZADD', 'z', '1', 'a');
    t.cmd('ZADD', 'big', '1', 'm'.repeat(4096), '2', 'n'.repeat(4096));
    for (const args of [['ZRANDMEMBER', 'z', '-9223372036854775807'], ['ZRANDMEMBER', 'big', '-1000000', 'WITHSCORES']]) {
      const c = t.newClient();
      const st = t.engine.feed(c, Buffer.concat([encodeCommand(args), encodeCommand(['PING'])]), t.now);
      expect(st).toBe(ST_CLOSE);
      expect(t.engine.takeOutput() ?? Buffer.alloc(0)).toEqual(Buffer.alloc(0));
    }
    expect(t.cmd('ZCARD', 'big')).toBe(2);
  }, 60_000);

  it('a count past the size returns the whole set from the highest score', () => {
    for (const entries of [128, 0]) {
      const t = new TestEngine();
      zsetLimits(t, entries, 64);
      t.cmd('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
      expect(t.cmd('ZRANDMEMBER', 'z', '3')).toEqual(['c', 'b', 'a']);
      expect(t.cmd('ZRANDMEMBER', 'z', '10', 'WITHSCORES')).toEqual(['c', '3', 'b', '2', 'a', '1']);
    }
  });
});

describe('ZSCAN over a skiplist', () => {
  it('returns every member present for the whole scan, while the set grows and shrinks', () => {
    const t = new TestEngine();
    zsetLimits(t, 0, 64);
    const stable: string[] = [];
    const args: string[] = [];
    for (let i = 1; i <= 2000; i++) {
      args.push(String(i), `s${i}`);
      stable.push(`s${i}`);
    }
    t.cmd('ZADD', 'z', ...args);
    for (let i = 0; i < 300; i++) t.cmd('ZADD', 'z', '0', `tmp${i}`);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    let grow = 0;
    do {
      const [next, items] = t.cmd('ZSCAN', 'z', cursor, 'COUNT', '25') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) {
        seen.add(items[i]);
        if (items[i].startsWith('s')) expect(items[i + 1]).toBe(items[i].slice(1));
      }
      cursor = next;
      calls++;
      // Grow (forcing a rehash to a larger table) and shrink between calls.
      if (calls % 3 === 0) for (let j = 0; j < 200; j++) t.cmd('ZADD', 'z', '0', `g${grow++}`);
      if (calls % 5 === 0) t.cmd('ZREMRANGEBYSCORE', 'z', '0', '0');
    } while (cursor !== '0' && calls < 10000);
    expect(cursor).toBe('0');
    for (const m of stable) expect(seen.has(m)).toBe(true);
  });

  it('MATCH filters members, COUNT bounds the work of a call', () => {
    const t = new TestEngine();
    zsetLimits(t, 0, 64);
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(String(i), i % 10 === 0 ? `ten:${i}` : `x:${i}`);
    t.cmd('ZADD', 'z', ...args);
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, items] = t.cmd('ZSCAN', 'z', cursor, 'MATCH', 'ten:*', 'COUNT', '50') as [string, string[]];
      expect(items.length).toBeLessThanOrEqual(2 * 50 * 2);
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(100);
  });
});

describe('sizes where a naive structure goes quadratic', () => {
  /** One command as RESP bytes, built without per-argument Buffers. */
  const resp = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

  // Release build: these are about complexity, not asserts.
  it('a million members: add in batches, rank, ranges and counts in the middle, remove a middle range, pop them all', () => {
    const t = new TestEngine({ debug: false });
    const N = 1_000_000;
    const BATCH = 10_000;
    // Scores are a permutation of 0..N-1: member i scores (i * 7919) mod N.
    const score = (i: number) => (i * 7919) % N;
    for (let b = 0; b < N; b += BATCH) {
      const args = ['ZADD', 'big'];
      for (let i = b; i < b + BATCH; i++) args.push(String(score(i)), `member:${i}`);
      expect(t.raw(resp(args)).toString('latin1')).toBe(`:${BATCH}\r\n`);
    }
    expect(t.cmd('ZCARD', 'big')).toBe(N);
    const rnd = new Prng(5);
    let ranks = '';
    let want = '';
    for (let i = 0; i < 20000; i++) {
      const m = rnd.int(N);
      ranks += resp(['ZRANK', 'big', `member:${m}`]);
      want += `:${score(m)}\r\n`;
    }
    expect(t.raw(ranks).toString('latin1')).toBe(want);
    const inv = (s: number) => { for (let i = 0; ; i++) if (score(i) === s) return i; };
    expect(t.cmd('ZRANGE', 'big', '500000', '500001', 'WITHSCORES')).toEqual([`member:${inv(500000)}`, '500000', `member:${inv(500001)}`, '500001']);
    let counts = '';
    want = '';
    for (let i = 0; i < 5000; i++) {
      const from = rnd.int(N);
      counts += resp(['ZCOUNT', 'big', String(from), '+inf']);
      want += `:${N - from}\r\n`;
    }
    expect(t.raw(counts).toString('latin1')).toBe(want);
    expect(t.cmd('ZREMRANGEBYRANK', 'big', '250000', '749999')).toBe(500000);
    expect(t.cmd('ZCARD', 'big')).toBe(N / 2);
    expect(t.cmd('ZRANGE', 'big', '249999', '250000', 'WITHSCORES')).toEqual([`member:${inv(249999)}`, '249999', `member:${inv(750000)}`, '750000']);
    const pop = resp(['ZPOPMIN', 'big', '10000']);
    for (let p = 0; p < N / 2; p += 10000) {
      const out = t.raw(pop).toString('latin1');
      // The first popped score: the lowest left.
      const first = p < 250000 ? p : p + 500000;
      expect(out.startsWith(`*20000\r\n$${`member:${inv(first)}`.length}\r\nmember:${inv(first)}\r\n`)).toBe(true);
    }
    expect(t.cmd('EXISTS', 'big')).toBe(0);
  }, 120_000);

  it('a listpack at a raised limit ranges, picks and removes in one pass', () => {
    const t = new TestEngine({ debug: false });
    zsetLimits(t, 4000, 64);
    const args = ['ZADD', 'lp'];
    for (let i = 0; i < 4000; i++) args.push(String(i), `m${i}`);
    t.raw(resp(args));
    expect(t.cmd('OBJECT', 'ENCODING', 'lp')).toBe('listpack');
    for (let i = 0; i < 50; i++) {
      expect((t.cmd('ZRANGE', 'lp', '0', '-1') as string[]).length).toBe(4000);
      expect((t.cmd('ZRANGEBYSCORE', 'lp', '-inf', '+inf', 'WITHSCORES') as string[]).length).toBe(8000);
      expect((t.cmd('ZRANDMEMBER', 'lp', '-4000') as string[]).length).toBe(4000);
    }
    expect(t.cmd('ZREMRANGEBYSCORE', 'lp', '1000', '2999')).toBe(2000);
    expect(t.cmd('ZCARD', 'lp')).toBe(2000);
  }, 60_000);
});
