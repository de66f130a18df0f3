// Stream family through the engine in-process (debug build, fake clock: auto
// IDs come from the TestEngine clock, so they are exact here). Reply tables
// were taken from redis-server 7.0.15; each runs with the default node
// bounds and with tiny ones (nodes of 2 entries), which splits, empties and
// trims whole nodes. The scale part checks the places a naive stream goes
// quadratic: a million appends, trimming most of them, ranges from the
// middle, deletes scattered over a large stream.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { withPayloadFooter } from '../../src/host/rdbpayload.js';
import { Prng } from '../helpers/prng.js';

type Row = [args: string[], raw: string];
const w = (s: string): string[] => s.split(' ');

const NODES = [
  { name: 'default nodes', bytes: 4096, entries: 100 },
  { name: 'tiny nodes', bytes: 60, entries: 2 },
] as const;

function engine(bytes: number, entries: number, debug = true): TestEngine {
  const t = new TestEngine({ debug });
  t.engine.x.setStreamNodeLimits(bytes, entries);
  return t;
}

function run(t: TestEngine, rows: Row[]): void {
  for (const [args, raw] of rows) expect(`${args.join(' ')} -> ${t.rawCmd(...args)}`).toBe(`${args.join(' ')} -> ${raw}`);
}

const entry = (id: string, ...fv: string[]) =>
  `*2\r\n$${id.length}\r\n${id}\r\n*${fv.length}\r\n${fv.map((x) => `$${x.length}\r\n${x}\r\n`).join('')}`;

const REPLIES: Row[] = [
  [w('XADD s 0-0 a 1'), '-ERR The ID specified in XADD must be greater than 0-0\r\n'],
  [w('XADD s 5 a'), "-ERR wrong number of arguments for 'xadd' command\r\n"],
  [w('XADD s abc a 1'), '-ERR Invalid stream ID specified as stream command argument\r\n'],
  [w('XADD s 1-1 a 1'), '$3\r\n1-1\r\n'],
  [w('XADD s 1-1 a 1'), '-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n'],
  [w('XADD s 1-* a 2 b 3'), '$3\r\n1-2\r\n'],
  [w('XADD s 00005 a 3'), '$3\r\n5-0\r\n'],
  [w('XADD s +6 a 4'), '$3\r\n6-0\r\n'],
  [w('XADD s maxlen -1 * a 1'), '-ERR The MAXLEN argument must be >= 0.\r\n'],
  [w('XADD s limit 5 maxlen 3 * a 1'), '-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n'],
  [w('XADD s limit 1 * a 1'), '-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n'],
  [w('XADD s maxlen 1 minid 1 * a 1'), '-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n'],
  [w('XADD n NOMKSTREAM * a 1'), '$-1\r\n'],
  [w('XLEN s'), ':4\r\n'],
  [w('XRANGE s - +'), `*4\r\n${entry('1-1', 'a', '1')}${entry('1-2', 'a', '2', 'b', '3')}${entry('5-0', 'a', '3')}${entry('6-0', 'a', '4')}`],
  [w('XREVRANGE s + - COUNT 2'), `*2\r\n${entry('6-0', 'a', '4')}${entry('5-0', 'a', '3')}`],
  [w('XRANGE s (1-1 (6-0'), `*2\r\n${entry('1-2', 'a', '2', 'b', '3')}${entry('5-0', 'a', '3')}`],
  [w('XRANGE s - + COUNT 0'), '*-1\r\n'],
  [w('XRANGE s (18446744073709551615-18446744073709551615 +'), '-ERR invalid start ID for the interval\r\n'],
  [w('XRANGE s - (0-0'), '-ERR invalid end ID for the interval\r\n'],
  [w('XDEL s 1-2 9-9'), ':1\r\n'],
  [w('XDEL s 1-1 bad'), '-ERR Invalid stream ID specified as stream command argument\r\n'],
  [w('XTRIM s MAXLEN 1'), ':2\r\n'],
  [w('XRANGE s - +'), `*1\r\n${entry('6-0', 'a', '4')}`],
  [w('XTRIM s foo 1'), '-ERR syntax error\r\n'],
  [w('XTRIM s limit 5'), '-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n'],
  [w('TYPE s'), '+stream\r\n'],
  [w('OBJECT ENCODING s'), '$6\r\nstream\r\n'],
  [w('XTRIM s MINID 7'), ':1\r\n'],
  [w('EXISTS s'), ':1\r\n'],
  [w('XLEN s'), ':0\r\n'],
  [w('SET str x'), '+OK\r\n'],
  [w('XADD str * a 1'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
];

describe('stream commands', () => {
  for (const n of NODES) {
    it(`replies as Redis 7.0 (${n.name})`, () => run(engine(n.bytes, n.entries), REPLIES));

    it(`auto IDs follow the clock and never go back (${n.name})`, () => {
      const t = engine(n.bytes, n.entries);
      const ms = t.now;
      expect(t.cmd('XADD', 's', '*', 'a', '1')).toBe(`${ms}-0`);
      expect(t.cmd('XADD', 's', '*', 'a', '1')).toBe(`${ms}-1`);
      t.advance(5);
      expect(t.cmd('XADD', 's', '*', 'a', '1')).toBe(`${ms + 5}-0`);
      expect(t.cmd('XADD', 's', `${ms + 100}-7`, 'a', '1')).toBe(`${ms + 100}-7`);
      expect(t.cmd('XADD', 's', '*', 'a', '1')).toBe(`${ms + 100}-8`);
      expect(t.cmd('XADD', 's', '18446744073709551615-18446744073709551615', 'a', '1')).toBe('18446744073709551615-18446744073709551615');
      expect(t.rawCmd('XADD', 's', '*', 'a', '1')).toBe('-ERR The stream has exhausted the last possible ID, unable to add more items\r\n');
    });

    it(`COPY and DEL free every node (${n.name})`, () => {
      const t = engine(n.bytes, n.entries);
      t.cmd('XADD', 'warm', '1-1', 'a', '1');
      t.cmd('DEL', 'warm');
      const base = t.engine.x.usedMemory();
      for (let i = 1; i <= 500; i++) t.cmd('XADD', 's', `${i}-1`, 'f', `v${i}`, ...(i % 3 ? [] : ['g', 'x']));
      t.cmd('COPY', 's', 'c');
      expect(t.cmd('XLEN', 'c')).toBe(500);
      t.cmd('XDEL', 's', '10-1', '400-1');
      expect(t.cmd('XLEN', 'c')).toBe(500);
      expect(t.cmd('XRANGE', 'c', '10-1', '10-1')).toEqual([['10-1', ['f', 'v10']]]);
      t.cmd('DEL', 's', 'c');
      expect(t.engine.x.usedMemory()).toBe(base);
    });
  }
});

// Reads that start inside a node walk it from its end (each entry ends with
// its element count); checked against a plain model over nodes of 100 and 7
// entries, with deleted entries, entries whose fields differ from the
// node's master, integer and empty values, trimmed nodes.
describe('stream reads from inside a node agree with a model', () => {
  type Ent = { id: [number, number]; fv: string[] };
  const cmpId = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];
  const idStr = (id: [number, number]): string => `${id[0]}-${id[1]}`;
  for (const entries of [100, 7]) {
    it(`nodes of ${entries} entries`, () => {
      const t = engine(4096, entries);
      const r = new Prng(entries);
      let live: Ent[] = [];
      let ms = 1;
      let top: [number, number] = [0, 0];
      const fieldSets = [['job', 'v'], ['a', '1', 'b', '22'], ['job', '123456'], ['x', ''], ['job', '-7']];
      t.cmd('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
      const check = (): void => {
        const pick = (): [number, number] => {
          if (live.length > 0 && r.int(3) > 0) {
            const e = live[r.int(live.length)].id;
            return r.int(2) ? e : [e[0], e[1] + 1];
          }
          return [r.int(ms + 2), r.int(3)];
        };
        const at = pick();
        const count = 1 + r.int(12);
        const fwd = live.filter((e) => cmpId(e.id, at) >= 0).slice(0, count).map((e) => [idStr(e.id), e.fv]);
        expect(t.cmd('XRANGE', 's', idStr(at), '+', 'COUNT', String(count))).toEqual(fwd);
        const rev = live.filter((e) => cmpId(e.id, at) <= 0).reverse().slice(0, count).map((e) => [idStr(e.id), e.fv]);
        expect(t.cmd('XREVRANGE', 's', idStr(at), '-', 'COUNT', String(count))).toEqual(rev);
        const after = live.filter((e) => cmpId(e.id, at) > 0).slice(0, count).map((e) => [idStr(e.id), e.fv]);
        expect(t.cmd('XREAD', 'COUNT', String(count), 'STREAMS', 's', idStr(at))).toEqual(after.length ? [['s', after]] : null);
        t.cmd('XGROUP', 'SETID', 's', 'g', idStr(at));
        expect(t.cmd('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', String(count), 'NOACK', 'STREAMS', 's', '>'))
          .toEqual(after.length ? [['s', after]] : null);
      };
      for (let step = 0; step < 3000; step++) {
        const op = r.int(20);
        if (op < 12) {
          ms += r.int(3);
          const seq = r.int(2);
          // Above the top ID, which a deleted entry may hold.
          const id: [number, number] = cmpId([ms, seq], top) > 0 ? [ms, seq] : [ms + 1, 0];
          ms = id[0];
          top = id;
          const fv = r.pick(fieldSets);
          expect(t.cmd('XADD', 's', idStr(id), ...fv)).toBe(idStr(id));
          live.push({ id, fv });
        } else if (op < 16 && live.length > 0) {
          const k = r.int(live.length);
          t.cmd('XDEL', 's', idStr(live[k].id));
          live.splice(k, 1);
        } else if (op === 16 && live.length > 50) {
          const keep = 20 + r.int(live.length - 20);
          expect(t.cmd('XTRIM', 's', 'MAXLEN', String(keep))).toBe(live.length - keep);
          live = live.slice(live.length - keep);
        } else {
          check();
        }
      }
      expect(t.cmd('XLEN', 's')).toBe(live.length);
    }, 60_000);
  }
});

describe('stream scale (would not finish if quadratic)', () => {
  it('1M XADD, XRANGE from the middle, XTRIM of most, scattered XDEL', () => {
    const t = engine(4096, 100, false);
    const N = 1_000_000;
    const CHUNK = 50_000;
    for (let start = 1; start <= N; start += CHUNK) {
      let s = '';
      for (let i = start; i < start + CHUNK; i++) {
        const id = `${i}-1`;
        s += `*7\r\n$4\r\nXADD\r\n$1\r\ns\r\n$${id.length}\r\n${id}\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n`;
      }
      t.raw(s);
    }
    expect(t.cmd('XLEN', 's')).toBe(N);
    for (let i = 0; i < 2000; i++) {
      const id = 400_000 + i * 97;
      expect(t.cmd('XRANGE', 's', String(id), '+', 'COUNT', '1')).toEqual([[`${id}-1`, ['a', '1', 'b', '2']]]);
    }
    expect(t.cmd('XREVRANGE', 's', '500000', '-', 'COUNT', '2')).toEqual([['500000-1', ['a', '1', 'b', '2']], ['499999-1', ['a', '1', 'b', '2']]]);
    for (let i = 0; i < 20000; i++) t.cmd('XDEL', 's', `${700_000 + i * 13}-1`);
    expect(t.cmd('XLEN', 's')).toBe(N - 20000);
    expect(t.cmd('XTRIM', 's', 'MAXLEN', '100000')).toBe(N - 20000 - 100000);
    expect(t.cmd('XLEN', 's')).toBe(100000);
    expect(t.cmd('XTRIM', 's', 'MINID', '999990')).toBe(100000 - 11);
    expect(t.cmd('XRANGE', 's', '-', '+', 'COUNT', '1')).toEqual([['999990-1', ['a', '1', 'b', '2']]]);
  }, 120_000);

  it('trimming one entry per XADD on a long stream stays O(1) each', () => {
    const t = engine(4096, 100, false);
    let s = '';
    for (let i = 1; i <= 300_000; i++) {
      const id = `${i}-0`;
      s += `*7\r\n$4\r\nXADD\r\n$1\r\ns\r\n$6\r\nMAXLEN\r\n$5\r\n50000\r\n$${id.length}\r\n${id}\r\n$1\r\na\r\n$1\r\n1\r\n`;
      if (i % 50_000 === 0) { t.raw(s); s = ''; }
    }
    expect(t.cmd('XLEN', 's')).toBe(50000);
    expect(t.cmd('XRANGE', 's', '-', '+', 'COUNT', '1')).toEqual([['250001-0', ['a', '1']]]);
  }, 120_000);
});

describe('stream RESTORE of corrupt payloads', () => {
  it('never aborts the engine: refused, or a stream every command can walk', () => {
    const t = engine(60, 3);
    for (let i = 1; i <= 30; i++) t.cmd('XADD', 's', `${i}-${i % 3}`, i % 4 ? 'f' : 'other', String(i * 37), 'g', 'w'.repeat(i % 5));
    t.cmd('XDEL', 's', '4-1', '9-0');
    const dump = t.cmd('DUMP', 's') as Buffer | string;
    const good = Buffer.isBuffer(dump) ? dump : Buffer.from(dump, 'latin1');
    const body = good.subarray(0, good.length - 10);
    const r = new Prng(7);
    let accepted = 0;
    for (let round = 0; round < 3000; round++) {
      const b = Buffer.from(body);
      const flips = 1 + r.int(3);
      for (let k = 0; k < flips; k++) b[1 + r.int(b.length - 1)] = r.int(256);
      const reply = t.rawCmd('RESTORE', 'x', '0', withPayloadFooter(b), 'REPLACE');
      if (!reply.startsWith('+OK')) continue;
      accepted++;
      for (const cmd of [['XRANGE', 'x', '-', '+'], ['XREVRANGE', 'x', '+', '-'], ['XLEN', 'x'], ['XDEL', 'x', '5-2', '6-0'],
        ['XADD', 'x', '*', 'f', '1'], ['XTRIM', 'x', 'MAXLEN', '3'], ['XREAD', 'STREAMS', 'x', '0'], ['DUMP', 'x'],
        ['XTRIM', 'x', 'MINID', '99999999999999'], ['DEL', 'x']]) {
        t.rawCmd(...cmd);
      }
    }
    expect(t.cmd('XLEN', 's')).toBe(28);
    expect(accepted).toBeGreaterThan(0);
  });
});
