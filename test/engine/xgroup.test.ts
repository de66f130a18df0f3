// Stream consumer groups through the engine in-process (debug build, fake
// clock: idle times, delivery times and seen-times are exact here). The
// REPLIES table was taken from redis-server 7.0.15; each table runs with the
// default stream nodes and tiny ones. The scale part checks the places a
// naive PEL goes quadratic: a 100k-entry PEL acknowledged in random order,
// XPENDING ranges from its middle, XAUTOCLAIM sweeping all of it.
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

// The rax counts depend on the node bounds: the table holds the default
// ones' (the differential test compares both bounds with Redis).
const raxMask = (s: string) => s.replace(/(radix-tree-(?:keys|nodes)\r\n):\d+/g, '$1:N');

function run(t: TestEngine, rows: Row[]): void {
  for (const [args, raw] of rows) {
    expect(`${args.join(' ')} -> ${raxMask(t.rawCmd(...args))}`).toBe(`${args.join(' ')} -> ${raxMask(raw)}`);
  }
}

const REPLIES: Row[] = [
  [w("XADD s 1-1 a 1"), "$3\r\n1-1\r\n"],
  [w("XADD s 2-1 b 2"), "$3\r\n2-1\r\n"],
  [w("XADD s 3-1 c 3 d 4"), "$3\r\n3-1\r\n"],
  [w("XADD s 4-1 a 5"), "$3\r\n4-1\r\n"],
  [w("XADD s 5-1 e 6"), "$3\r\n5-1\r\n"],
  [w("XGROUP CREATE s g 0"), "+OK\r\n"],
  [w("XGROUP CREATE s g 0"), "-BUSYGROUP Consumer Group name already exists\r\n"],
  [w("XGROUP CREATE nokey g 0"), "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n"],
  [w("XGROUP CREATE s g2 $"), "+OK\r\n"],
  [w("XGROUP CREATE s g3 0 ENTRIESREAD -5"), "-ERR value for ENTRIESREAD must be positive or -1\r\n"],
  [w("XGROUP CREATE s g3 0 foo"), "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n"],
  [w("XGROUP FOO s g"), "-ERR unknown subcommand 'FOO'. Try XGROUP HELP.\r\n"],
  [w("XGROUP CREATE s g4 bad"), "-ERR Invalid stream ID specified as stream command argument\r\n"],
  [w("XGROUP CREATECONSUMER s g c0"), ":1\r\n"],
  [w("XGROUP CREATECONSUMER s g c0"), ":0\r\n"],
  [w("XGROUP CREATECONSUMER s nog c0"), "-NOGROUP No such consumer group 'nog' for key name 's'\r\n"],
  [w("XREADGROUP GROUP g alice COUNT 2 STREAMS s >"), "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [w("XREADGROUP GROUP g bob STREAMS s >"), "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n3-1\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\ne\r\n$1\r\n6\r\n"],
  [w("XREADGROUP GROUP g bob STREAMS s >"), "*-1\r\n"],
  [w("XREADGROUP GROUP g alice STREAMS s 0"), "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [w("XREADGROUP GROUP g bob COUNT 1 STREAMS s 0"), "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"],
  [w("XREADGROUP GROUP g c STREAMS s $"), "-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.\r\n"],
  [w("XREADGROUP GROUP nog c STREAMS s >"), "-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n"],
  [w("XREADGROUP STREAMS s >"), "-ERR wrong number of arguments for 'xreadgroup' command\r\n"],
  [w("XINFO GROUPS s"), "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:5\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-1\r\n$12\r\nentries-read\r\n:5\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n"],
  [w("XPENDING s g"), "*4\r\n:5\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n*2\r\n$3\r\nbob\r\n$1\r\n3\r\n"],
  [w("XPENDING s g2"), "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"],
  [w("XPENDING s nog"), "-NOGROUP No such key 's' or consumer group 'nog'\r\n"],
  [w("XPENDING s g - + 0"), "*0\r\n"],
  [w("XPENDING s g - +"), "-ERR syntax error\r\n"],
  [w("XPENDING s g IDLE 1 - +"), "-ERR syntax error\r\n"],
  [w("XACK s g 1-1 bad"), "-ERR Invalid stream ID specified as stream command argument\r\n"],
  [w("XACK s g 1-1 1-1 9-9"), ":1\r\n"],
  [w("XACK nokey g bad"), ":0\r\n"],
  [w("XPENDING s g"), "*4\r\n:4\r\n$3\r\n2-1\r\n$3\r\n5-1\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n3\r\n"],
  [w("XCLAIM s g carol 0 2-1 JUSTID"), "*1\r\n$3\r\n2-1\r\n"],
  [w("XCLAIM s g carol 0 3-1"), "*1\r\n*2\r\n$3\r\n3-1\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"],
  [w("XCLAIM s g carol 0 9-9 FORCE"), "*0\r\n"],
  [w("XCLAIM s g carol x 1-1"), "-ERR Invalid min-idle-time argument for XCLAIM\r\n"],
  [w("XCLAIM s g carol 0 1-1 FOO"), "-ERR Unrecognized XCLAIM option 'FOO'\r\n"],
  [w("XCLAIM s nog carol 0 1-1"), "-NOGROUP No such key 's' or consumer group 'nog'\r\n"],
  [w("XCLAIM s g dave 0 1-1 FORCE RETRYCOUNT 7 JUSTID"), "*1\r\n$3\r\n1-1\r\n"],
  [w("XPENDING s g"), "*4\r\n:5\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*3\r\n*2\r\n$3\r\nbob\r\n$1\r\n2\r\n*2\r\n$5\r\ncarol\r\n$1\r\n2\r\n*2\r\n$4\r\ndave\r\n$1\r\n1\r\n"],
  [w("XDEL s 4-1"), ":1\r\n"],
  [w("XAUTOCLAIM s g erin 0 0 COUNT 2"), "*3\r\n$3\r\n3-1\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*0\r\n"],
  [w("XAUTOCLAIM s g erin 0 0 JUSTID"), "*3\r\n$3\r\n0-0\r\n*4\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n$3\r\n3-1\r\n$3\r\n5-1\r\n*1\r\n$3\r\n4-1\r\n"],
  [w("XAUTOCLAIM s g erin 0 0 COUNT 0"), "-ERR COUNT must be > 0\r\n"],
  [w("XAUTOCLAIM s nog erin 0 0"), "-NOGROUP No such key 's' or consumer group 'nog'\r\n"],
  [w("XPENDING s g"), "*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*1\r\n*2\r\n$4\r\nerin\r\n$1\r\n4\r\n"],
  [w("XGROUP DELCONSUMER s g erin"), ":4\r\n"],
  [w("XPENDING s g"), "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"],
  [w("XGROUP SETID s g 0"), "+OK\r\n"],
  [w("XGROUP SETID s g 1 ENTRIESREAD 1"), "+OK\r\n"],
  [w("XINFO GROUPS s"), "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:5\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n"],
  [w("XINFO STREAM s"), "*20\r\n$6\r\nlength\r\n:4\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n5-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n4-1\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:2\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\ne\r\n$1\r\n6\r\n"],
  [w("XINFO STREAM nokey"), "-ERR no such key\r\n"],
  [w("XINFO STREAM s FULL COUNT x"), "-ERR value is not an integer or out of range\r\n"],
  [w("XGROUP DESTROY s g2"), ":1\r\n"],
  [w("XGROUP DESTROY s g2"), ":0\r\n"],
  [w("XINFO GROUPS s"), "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:5\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n"],
  [w("XGROUP HELP"), "*17\r\n+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CREATE <key> <groupname> <id|$> [option]\r\n+    Create a new consumer group. Options are:\r\n+    * MKSTREAM\r\n+      Create the empty stream if it does not exist.\r\n+    * ENTRIESREAD entries_read\r\n+      Set the group's entries_read counter (internal use).\r\n+CREATECONSUMER <key> <groupname> <consumer>\r\n+    Create a new consumer in the specified group.\r\n+DELCONSUMER <key> <groupname> <consumer>\r\n+    Remove the specified consumer.\r\n+DESTROY <key> <groupname>\r\n+    Remove the specified group.\r\n+SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]\r\n+    Set the current group ID and entries_read counter.\r\n+HELP\r\n+    Prints this help.\r\n"],
  [w("XINFO HELP"), "*9\r\n+XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CONSUMERS <key> <groupname>\r\n+    Show consumers of <groupname>.\r\n+GROUPS <key>\r\n+    Show the stream consumer groups.\r\n+STREAM <key> [FULL [COUNT <count>]\r\n+    Show information about the stream.\r\n+HELP\r\n+    Prints this help.\r\n"],
  [w("SET str x"), "+OK\r\n"],
  [w("XGROUP CREATE str g 0"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [w("XREADGROUP GROUP g c STREAMS str >"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
];

/** XADDs of entries 1-1 .. n-1 in one pipelined batch. */
function fill(t: TestEngine, key: string, n: number, from = 1): void {
  const CHUNK = 20_000;
  for (let start = from; start < from + n; start += CHUNK) {
    let s = '';
    for (let i = start; i < Math.min(from + n, start + CHUNK); i++) {
      const id = `${i}-1`;
      s += `*5\r\n$4\r\nXADD\r\n$${key.length}\r\n${key}\r\n$${id.length}\r\n${id}\r\n$1\r\nf\r\n$${String(i).length}\r\n${i}\r\n`;
    }
    t.raw(s);
  }
}

describe('stream consumer groups', () => {
  for (const n of NODES) {
    it(`replies as Redis 7.0 (${n.name})`, () => run(engine(n.bytes, n.entries), REPLIES));

    it(`idle times, delivery times and seen-times follow the clock (${n.name})`, () => {
      const t = engine(n.bytes, n.entries);
      const t0 = t.now;
      fill(t, 's', 5);
      t.cmd('XGROUP', 'CREATE', 's', 'g', '0');
      t.cmd('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>');
      t.advance(500);
      t.cmd('XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>');
      t.advance(250);
      expect(t.cmd('XPENDING', 's', 'g', '-', '+', '10')).toEqual([
        ['1-1', 'alice', 750, 1], ['2-1', 'alice', 750, 1], ['3-1', 'alice', 750, 1], ['4-1', 'bob', 250, 1], ['5-1', 'bob', 250, 1]]);
      expect(t.cmd('XPENDING', 's', 'g', 'IDLE', '500', '-', '+', '10')).toEqual([
        ['1-1', 'alice', 750, 1], ['2-1', 'alice', 750, 1], ['3-1', 'alice', 750, 1]]);
      expect(t.cmd('XINFO', 'CONSUMERS', 's', 'g')).toEqual([['name', 'alice', 'pending', 3, 'idle', 750], ['name', 'bob', 'pending', 2, 'idle', 250]]);
      // min-idle-time filters: 600 ms takes alice's, not bob's.
      expect(t.cmd('XCLAIM', 's', 'g', 'carol', '600', '1-1', '4-1', 'JUSTID')).toEqual(['1-1']);
      expect(t.cmd('XAUTOCLAIM', 's', 'g', 'dave', '600', '0', 'JUSTID')).toEqual(['0-0', ['2-1', '3-1'], []]);
      expect(t.cmd('XCLAIM', 's', 'g', 'erin', '0', '5-1', 'IDLE', '100', 'JUSTID')).toEqual(['5-1']);
      expect(t.cmd('XCLAIM', 's', 'g', 'erin', '0', '4-1', 'TIME', String(t0), 'RETRYCOUNT', '9', 'JUSTID')).toEqual(['4-1']);
      // A future TIME is clamped to now.
      expect(t.cmd('XCLAIM', 's', 'g', 'erin', '0', '3-1', 'TIME', String(t.now + 100000), 'JUSTID')).toEqual(['3-1']);
      expect(t.cmd('XPENDING', 's', 'g', '-', '+', '10')).toEqual([
        ['1-1', 'carol', 0, 1], ['2-1', 'dave', 0, 1], ['3-1', 'erin', 0, 1], ['4-1', 'erin', 750, 9], ['5-1', 'erin', 100, 1]]);
      t.advance(10);
      const full = t.cmd('XINFO', 'STREAM', 's', 'FULL') as unknown[];
      const groups = full[full.indexOf('groups') + 1] as unknown[][];
      const consumers = groups[0][groups[0].indexOf('consumers') + 1] as unknown[][];
      expect(consumers.map((c) => [c[1], c[3]])).toEqual([
        ['alice', t0], ['bob', t0 + 500], ['carol', t0 + 750], ['dave', t0 + 750], ['erin', t0 + 750]]);
      expect(groups[0][groups[0].indexOf('pending') + 1]).toEqual([
        ['1-1', 'carol', t0 + 750, 1], ['2-1', 'dave', t0 + 750, 1], ['3-1', 'erin', t0 + 750, 1], ['4-1', 'erin', t0, 9],
        ['5-1', 'erin', t0 + 650, 1]]);
    });

    it(`COPY, DEL and XGROUP DESTROY free every block; MEMORY USAGE counts the PEL (${n.name})`, () => {
      const t = engine(n.bytes, n.entries);
      t.cmd('XADD', 'warm', '1-1', 'a', '1');
      t.cmd('XGROUP', 'CREATE', 'warm', 'g', '0');
      t.cmd('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'warm', '>');
      // The same pipelined batch once first: the client's input buffer keeps its size.
      fill(t, 'warm', 300);
      t.cmd('DEL', 'warm');
      const base = t.engine.x.usedMemory();
      fill(t, 's', 300);
      const bare = t.cmd('MEMORY', 'USAGE', 's') as number;
      for (const g of ['g1', 'g2', 'g3']) t.cmd('XGROUP', 'CREATE', 's', g, '0');
      for (let i = 0; i < 6; i++) t.cmd('XREADGROUP', 'GROUP', 'g1', `c${i}`, 'COUNT', '50', 'STREAMS', 's', '>');
      t.cmd('XREADGROUP', 'GROUP', 'g2', 'x', 'NOACK', 'STREAMS', 's', '>');
      t.cmd('XGROUP', 'CREATECONSUMER', 's', 'g3', 'idle');
      expect(t.cmd('MEMORY', 'USAGE', 's') as number).toBeGreaterThan(bare + 300 * 40);
      t.cmd('COPY', 's', 'c');
      t.cmd('XACK', 's', 'g1', '1-1', '2-1');
      expect(t.cmd('XPENDING', 'c', 'g1')).toEqual([300, '1-1', '300-1', [['c0', '50'], ['c1', '50'], ['c2', '50'], ['c3', '50'], ['c4', '50'], ['c5', '50']]]);
      expect(t.cmd('XPENDING', 's', 'g1', '-', '+', '1')).toEqual([['3-1', 'c0', 0, 1]]);
      expect(t.cmd('XGROUP', 'DESTROY', 'c', 'g1')).toBe(1);
      expect(t.cmd('XGROUP', 'DELCONSUMER', 's', 'g1', 'c3')).toBe(50);
      t.cmd('DEL', 's', 'c');
      expect(t.engine.x.usedMemory()).toBe(base);
    });

    it(`RESP3 maps for XINFO (${n.name})`, () => {
      const t = engine(n.bytes, n.entries);
      t.setProto(3);
      t.cmd('XADD', 's', '1-1', 'a', '1');
      t.cmd('XGROUP', 'CREATE', 's', 'g', '0');
      expect(t.rawCmd('XINFO', 'GROUPS', 's')).toBe('*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n'
        + '$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:1\r\n');
      expect(t.rawCmd('XPENDING', 's', 'g')).toBe('*4\r\n:0\r\n_\r\n_\r\n_\r\n');
      expect(t.rawCmd('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>')).toBe('%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    });
  }
});

describe('consumer-group scale (would not finish if quadratic)', () => {
  it('a 100k-entry PEL: XACK in random order, XPENDING from the middle, XAUTOCLAIM sweeping, XCLAIM, DELCONSUMER', () => {
    const t = engine(4096, 100, false);
    const N = 100_000;
    fill(t, 's', N);
    t.cmd('XGROUP', 'CREATE', 's', 'g', '0');
    for (let i = 0; i < 4; i++) t.cmd('XREADGROUP', 'GROUP', 'g', `c${i}`, 'COUNT', '25000', 'STREAMS', 's', '>');
    expect((t.cmd('XPENDING', 's', 'g') as unknown[])[0]).toBe(N);
    // XPENDING ranges from the middle: O(log n) to find the start.
    for (let i = 0; i < 2000; i++) {
      const id = 40_000 + i * 17;
      expect(t.cmd('XPENDING', 's', 'g', `${id}-1`, '+', '2')).toEqual([
        [`${id}-1`, `c${Math.floor((id - 1) / 25000)}`, 0, 1], [`${id + 1}-1`, `c${Math.floor(id / 25000)}`, 0, 1]]);
    }
    // XAUTOCLAIM sweeps the whole PEL with its cursor, 500 at a time.
    let cursor = '0';
    let swept = 0;
    do {
      const r = t.cmd('XAUTOCLAIM', 's', 'g', 'sweeper', '0', cursor, 'COUNT', '500', 'JUSTID') as [string, string[], string[]];
      swept += r[1].length;
      cursor = r[0];
    } while (cursor !== '0-0');
    expect(swept).toBe(N);
    expect(t.cmd('XINFO', 'CONSUMERS', 's', 'g')).toEqual([
      ['name', 'c0', 'pending', 0, 'idle', 0], ['name', 'c1', 'pending', 0, 'idle', 0], ['name', 'c2', 'pending', 0, 'idle', 0],
      ['name', 'c3', 'pending', 0, 'idle', 0], ['name', 'sweeper', 'pending', N, 'idle', 0]]);
    // Scattered XCLAIMs back to c0, then XACK of everything in random order.
    for (let i = 0; i < 5000; i++) t.cmd('XCLAIM', 's', 'g', 'c0', '0', `${1 + i * 19}-1`, 'JUSTID');
    const ids = Array.from({ length: N }, (_, i) => i + 1);
    const r = new Prng(3);
    for (let i = N - 1; i > 0; i--) { const j = r.int(i + 1); [ids[i], ids[j]] = [ids[j], ids[i]]; }
    let acked = 0;
    for (let i = 0; i < N / 2; i += 100) acked += t.cmd('XACK', 's', 'g', ...ids.slice(i, i + 100).map((x) => `${x}-1`)) as number;
    expect(acked).toBe(N / 2);
    expect((t.cmd('XPENDING', 's', 'g') as unknown[])[0]).toBe(N / 2);
    const left = (t.cmd('XGROUP', 'DELCONSUMER', 's', 'g', 'sweeper') as number) + (t.cmd('XGROUP', 'DELCONSUMER', 's', 'g', 'c0') as number);
    expect(left).toBe(N / 2);
    expect(t.cmd('XPENDING', 's', 'g')).toEqual([0, null, null, null]);
  }, 120_000);
});

describe('RESTORE of corrupt stream payloads with groups', () => {
  it('never aborts the engine: refused, or groups every command can walk', () => {
    const t = engine(60, 3);
    for (let i = 1; i <= 20; i++) t.cmd('XADD', 's', `${i}-1`, 'f', String(i));
    t.cmd('XGROUP', 'CREATE', 's', 'g', '0');
    t.cmd('XGROUP', 'CREATE', 's', 'h', '5-1', 'ENTRIESREAD', '5');
    t.cmd('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '6', 'STREAMS', 's', '>');
    t.cmd('XREADGROUP', 'GROUP', 'g', 'b', 'COUNT', '4', 'STREAMS', 's', '>');
    t.cmd('XGROUP', 'CREATECONSUMER', 's', 'h', 'z');
    const dump = t.cmd('DUMP', 's') as Buffer | string;
    const good = Buffer.isBuffer(dump) ? dump : Buffer.from(dump, 'latin1');
    const body = good.subarray(0, good.length - 10);
    const r = new Prng(11);
    let accepted = 0;
    for (let round = 0; round < 3000; round++) {
      const b = Buffer.from(body);
      const flips = 1 + r.int(3);
      // Flip bytes in the groups part (the tail) most of the time.
      for (let k = 0; k < flips; k++) b[r.int(3) ? b.length - 1 - r.int(Math.min(200, b.length - 1)) : 1 + r.int(b.length - 1)] = r.int(256);
      const reply = t.rawCmd('RESTORE', 'x', '0', withPayloadFooter(b), 'REPLACE');
      if (!reply.startsWith('+OK')) continue;
      accepted++;
      for (const cmd of [['XINFO', 'STREAM', 'x', 'FULL'], ['XINFO', 'GROUPS', 'x'], ['XPENDING', 'x', 'g'], ['XPENDING', 'x', 'g', '-', '+', '100'],
        ['XINFO', 'CONSUMERS', 'x', 'g'], ['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 'x', '0'], ['XAUTOCLAIM', 'x', 'g', 'q', '0', '0'],
        ['XACK', 'x', 'g', '3-1'], ['XGROUP', 'DELCONSUMER', 'x', 'g', 'b'], ['COPY', 'x', 'y', 'REPLACE'], ['DUMP', 'x'], ['DEL', 'x', 'y']]) {
        t.rawCmd(...cmd);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect((t.cmd('XPENDING', 's', 'g') as unknown[])[0]).toBe(10);
  });
});

describe('background snapshot of streams with consumer groups', () => {
  const RDB_COMPRESS = 1;
  const RDB_CHECKSUM = 2;
  function drain(t: TestEngine, into: Buffer[]): void {
    const x = t.engine.x;
    const p = x.rdbOutPtr() >>> 0;
    const n = x.rdbOutLen() >>> 0;
    if (n > 0) into.push(Buffer.from(t.engine.bytes().subarray(p, p + n)));
    x.rdbOutTaken();
  }
  /** Each stream's DUMP payload: groups, PELs and times included. */
  const dumps = (t: TestEngine, keys: string[]) => keys.map((k) => String(t.cmd('DUMP', k)));

  it('group commands between the steps do not reach the file: it loads as the keyspace was at its begin', () => {
    const t = engine(4096, 4);
    const keys = Array.from({ length: 40 }, (_, i) => `s${i}`);
    for (const k of keys) {
      fill(t, k, 30);
      t.cmd('XGROUP', 'CREATE', k, 'g', '0');
      t.cmd('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '10', 'STREAMS', k, '>');
      t.cmd('XGROUP', 'CREATECONSUMER', k, 'g', 'idle');
    }
    const before = dumps(t, keys);
    const x = t.engine.x;
    const chunks: Buffer[] = [];
    x.snapshotBegin(Math.floor(t.now / 1000), 0, RDB_COMPRESS | RDB_CHECKSUM);
    let step = 0;
    for (;;) {
      const st = x.snapshotStep(64);
      drain(t, chunks);
      if (st === 0) break;
      const k = keys[step++ % keys.length];
      // Every kind of group write, on keys saved and not yet saved.
      t.advance(7);
      t.cmd('XREADGROUP', 'GROUP', 'g', `c${step}`, 'COUNT', '2', 'STREAMS', k, '>');
      t.cmd('XACK', k, 'g', '1-1', '3-1');
      t.cmd('XCLAIM', k, 'g', 'z', '0', '2-1', 'JUSTID');
      t.cmd('XAUTOCLAIM', k, 'g', 'y', '0', '0', 'COUNT', '3');
      t.cmd('XGROUP', 'CREATE', k, `new${step}`, '$');
      t.cmd('XGROUP', 'DELCONSUMER', k, 'g', 'idle');
      if (step % 5 === 0) t.cmd('XGROUP', 'DESTROY', k, 'g');
    }
    x.rdbOutRelease();
    const file = Buffer.concat(chunks);
    const u = new TestEngine();
    u.now = t.now;
    u.engine.x.rdbLoadBegin(u.now, 1 | 2);
    const p = u.engine.x.rdbAlloc(file.length) >>> 0;
    u.engine.bytes().set(file, p);
    expect(u.engine.x.rdbLoadFeed(p, file.length, 1)).toBeGreaterThan(0);
    expect(dumps(u, keys)).toEqual(before);
  });
});
