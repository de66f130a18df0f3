// Differential test of stream consumer groups (XGROUP XREADGROUP XACK XPENDING
// XCLAIM XAUTOCLAIM XINFO): the same scripts go to a real redis-server and to
// Vermilion over TCP, replies compared byte for byte, in RESP2 and RESP3,
// with the default stream nodes and tiny ones. The two servers' clocks
// differ, so the time-dependent numbers (idle times, delivery and seen
// times) are masked; the scripts make them decide nothing (IDLE filters are 0
// or far beyond the test's length).
import { describe, it, expect } from 'vitest';
import { redisServerPath, RawClient } from '../helpers/server.js';
import { diffPair, type Arg } from '../helpers/diffpair.js';
import { Prng } from '../helpers/prng.js';

type Cmd = Arg[];
const c = (s: string): Cmd => s.split(' ');
const haveRedis = redisServerPath() !== null;
const MAX = '18446744073709551615';

const SETUP: Cmd[] = [c('XADD s 1-1 a 1'), c('XADD s 2-1 b 2'), c('XADD s 3-1 c 3 d 4'), c('XADD s 4-1 a 5'), c('XADD s 5-1 e 6')];

const GROUPS: Record<string, Cmd[]> = {
  'XGROUP CREATE SETID DESTROY and errors': [
    ...SETUP,
    c('XGROUP CREATE s g 0'), c('XGROUP CREATE s g 0'), c('XGROUP CREATE s g2 $'), c('XGROUP CREATE s g3 3-1'),
    c('XGROUP CREATE s g4 0 ENTRIESREAD 2'), c('XGROUP CREATE s g5 9-0'), c('XGROUP CREATE s g6 $ ENTRIESREAD -5'),
    c('XGROUP CREATE s g6 $ ENTRIESREAD x'), c('XGROUP CREATE s g6 $ ENTRIESREAD -1'), c('XGROUP CREATE s g7 >'),
    c('XGROUP CREATE s g7 -'), c('XGROUP CREATE s g7 +'), c('XGROUP CREATE s g7 0 foo'), c('XGROUP CREATE s g7 0 ENTRIESREAD'),
    c('XGROUP CREATE s g7 0 MKSTREAM MKSTREAM MKSTREAM MKSTREAM'), c('XGROUP CREATE s'), c('XGROUP FOO s g'),
    c('XGROUP CREATE nokey g 0'), c('XGROUP CREATE nokey g $ MKSTREAM'), c('XGROUP CREATE nokey2 g bad MKSTREAM'),
    c('EXISTS nokey2'), c('XGROUP CREATE nokey3 g 7-7 MKSTREAM ENTRIESREAD 3'), c('XINFO GROUPS nokey3'),
    c('XINFO GROUPS s'), c('XINFO GROUPS nokey'),
    c('XGROUP SETID s g 2-1'), c('XGROUP SETID s g $'), c('XGROUP SETID s g 1 ENTRIESREAD 1'), c('XGROUP SETID s g -'),
    c('XGROUP SETID s g +'), c('XGROUP SETID s g bad'), c('XGROUP SETID s g 1 ENTRIESREAD -2'),
    c('XGROUP SETID s g 1 FOO 1'), c('XGROUP SETID s g 1 ENTRIESREAD'), c('XGROUP SETID s nog 1'), c('XGROUP SETID nokeyx g 1'),
    c('XINFO GROUPS s'),
    c('XGROUP DESTROY s g9'), c('XGROUP DESTROY s g2'), c('XGROUP DESTROY s g2'), c('XGROUP DESTROY nokeyx g'),
    c('XGROUP DESTROY s'), c('XINFO GROUPS s'),
    c('SET str x'), c('XGROUP CREATE str g 0'), c('XGROUP CREATE str g 0 MKSTREAM'), c('XGROUP SETID str g 0'),
    c('XGROUP DESTROY str g'), c('XGROUP CREATECONSUMER str g c'), c('XGROUP HELP'), c('XGROUP HELP x'), c('XGROUP'),
    c('XGROUP help'),
  ],
  'XGROUP CREATECONSUMER DELCONSUMER': [
    ...SETUP, c('XGROUP CREATE s g 0'),
    c('XGROUP CREATECONSUMER s g c1'), c('XGROUP CREATECONSUMER s g c1'), c('XGROUP CREATECONSUMER s g c0'),
    c('XGROUP CREATECONSUMER s nog c1'), c('XGROUP CREATECONSUMER nokey g c1'), c('XGROUP CREATECONSUMER s g'),
    c('XREADGROUP GROUP g c2 COUNT 2 STREAMS s >'), c('XGROUP DELCONSUMER s g c2'), c('XPENDING s g'),
    c('XGROUP DELCONSUMER s g c2'), c('XGROUP DELCONSUMER s g c1'), c('XGROUP DELCONSUMER s nog c1'),
    c('XGROUP DELCONSUMER nokey g c'), c('XINFO GROUPS s'), c('XGROUP CREATECONSUMER s g a'),
    c('XGROUP CREATECONSUMER s g ab'), c('XGROUP CREATECONSUMER s g b'), c('XGROUP CREATECONSUMER s g A'),
    c('XPENDING s g'),
  ],
  'XREADGROUP': [
    c('XREADGROUP GROUP g c STREAMS s >'), ...SETUP,
    c('XREADGROUP GROUP g c STREAMS s >'), c('XGROUP CREATE s g 0'), c('XGROUP CREATE s h $'),
    c('XREADGROUP STREAMS s >'), c('XREADGROUP GROUP g c'), c('XREADGROUP GROUP g c STREAMS s'),
    c('XREADGROUP GROUP g c STREAMS s t >'), c('XREADGROUP GROUP g c STREAMS s $'), c('XREADGROUP GROUP g c STREAMS s bad'),
    c('XREADGROUP GROUP g c COUNT x STREAMS s >'), c('XREADGROUP GROUP g c BLOCK x STREAMS s >'),
    c('XREADGROUP GROUP g c BLOCK -1 STREAMS s >'), c('XREADGROUP GROUP g c FOO STREAMS s >'),
    c('XREADGROUP GROUP g STREAMS s >'), c('XREADGROUP GROUP nog c STREAMS s >'),
    c('XREADGROUP GROUP g c STREAMS s nokey > >'),
    c('XREADGROUP GROUP g c COUNT 2 STREAMS s >'), c('XINFO GROUPS s'), c('XREADGROUP GROUP g c STREAMS s 0'),
    c('XREADGROUP GROUP g c COUNT 1 STREAMS s 1-1'), c('XREADGROUP GROUP g c2 STREAMS s 0'),
    c('XREADGROUP GROUP g c2 COUNT 1 STREAMS s >'), c('XREADGROUP GROUP g c2 NOACK STREAMS s >'),
    c('XREADGROUP GROUP g c3 STREAMS s >'), c('XINFO GROUPS s'), c('XPENDING s g'),
    c('XREADGROUP GROUP h c STREAMS s >'), c('XADD s 6-1 f 7'), c('XREADGROUP GROUP h c COUNT -3 STREAMS s >'),
    c('XINFO GROUPS s'), c('XDEL s 1-1'), c('XREADGROUP GROUP g c STREAMS s 0'), c('XREADGROUP GROUP g c STREAMS s 1-1'),
    c('XGROUP SETID s g 0'), c('XREADGROUP GROUP g c3 COUNT 2 STREAMS s >'), c('XPENDING s g'), c('XINFO GROUPS s'),
    c('XREADGROUP GROUP g c BLOCK 10 STREAMS s >'), c('XREADGROUP GROUP g c COUNT 1 BLOCK 0 STREAMS s 0'),
    c('XREAD GROUP g c STREAMS s >'), c('XREAD NOACK STREAMS s 0'),
    c('SET str x'), c('XREADGROUP GROUP g c STREAMS str >'), c('XREADGROUP GROUP g c STREAMS s str > >'),
    c('XGROUP CREATE t g 0 MKSTREAM'), c('XREADGROUP GROUP g c STREAMS s t > >'), c('XADD t 1-1 x y'),
    c('XREADGROUP GROUP g c STREAMS s t > >'), c('XREADGROUP GROUP g c STREAMS s t 0 0'),
    c('XINFO CONSUMERS s nog'), c('XINFO CONSUMERS nokey g'), c('XINFO CONSUMERS str g'),
  ],
  'XACK and XPENDING': [
    ...SETUP, c('XGROUP CREATE s g 0'),
    c('XPENDING s g'), c('XPENDING s g - + 10'), c('XACK s g 1-1'),
    c('XREADGROUP GROUP g alice COUNT 2 STREAMS s >'), c('XREADGROUP GROUP g bob STREAMS s >'),
    c('XPENDING s g'), c('XPENDING s g - + 10'), c('XPENDING s g - + 2'), c('XPENDING s g 2 4 10'),
    c('XPENDING s g (2-1 (4-1 10'), c('XPENDING s g - + 10 alice'), c('XPENDING s g - + 10 nobody'),
    c('XPENDING s g IDLE 0 - + 10'), c('XPENDING s g IDLE 100000000 - + 10'), c('XPENDING s g IDLE 0 - + 10 bob'),
    c('XPENDING s g - + 0'), c('XPENDING s g - + -1'), c('XPENDING s g - + x'), c('XPENDING s g IDLE x - + 1'),
    c('XPENDING s g IDLE 5 - +'), c('XPENDING s g - +'), c('XPENDING s g -'), c('XPENDING s g a + 10'),
    c('XPENDING s g - b 10'), c(`XPENDING s g (${MAX}-${MAX} + 10`), c('XPENDING s g - (0-0 10'),
    c('XPENDING s g - + 10 bob extra'), c('XPENDING s g IDLE 1 - + 10 bob extra'),
    c('XPENDING nokey g'), c('XPENDING s nog'), c('XPENDING nokey g - + 10'),
    c('XACK s g 1-1 bad'), c('XACK s g 1-1 1-1 9-9'), c('XACK s g 1-1'), c('XACK s nog bad'), c('XACK nokey g bad'),
    c('XPENDING s g'), c('XACK s g 2-1 3-1 4-1'), c('XPENDING s g'), c('XACK s g 5-1'), c('XPENDING s g'),
    c('XINFO GROUPS s'), c('SET str x'), c('XACK str g 1-1'), c('XPENDING str g'),
  ],
  'XCLAIM': [
    ...SETUP, c('XGROUP CREATE s g 0'), c('XREADGROUP GROUP g alice STREAMS s >'),
    c('XCLAIM s g bob 0 1-1'), c('XCLAIM s g bob 0 1-1 JUSTID'), c('XCLAIM s g bob 100000000 2-1'),
    c('XCLAIM s g bob 0 2-1 3-1 RETRYCOUNT 7 JUSTID'), c('XPENDING s g - + 10 bob'),
    c('XCLAIM s g carol 0 9-9 FORCE'), c('XCLAIM s g carol 0 4-1 IDLE 100000000 JUSTID'),
    c('XCLAIM s g carol 100000 4-1 JUSTID'), c('XCLAIM s g carol 0 5-1 TIME 1 RETRYCOUNT 0'),
    c('XCLAIM s g carol 0 bad'), c('XCLAIM s g carol x 1-1'), c('XCLAIM s g carol 0 1-1 IDLE x'), c('XCLAIM s g carol 0 1-1 TIME x'),
    c('XCLAIM s g carol 0 1-1 RETRYCOUNT x'), c('XCLAIM s g carol 0 1-1 LASTID bad'), c('XCLAIM s g carol 0 1-1 FOO'),
    c('XCLAIM s g carol 0 1-1 IDLE'), c('XCLAIM s g carol 0 1-1 bad JUSTID'), c('XCLAIM s nog carol 0 1-1'),
    c('XCLAIM nokey g carol 0 1-1'), c('XCLAIM s g carol -5 1-1 JUSTID'),
    c('XACK s g 1-1 2-1 3-1 4-1 5-1'), c('XCLAIM s g dave 0 2-1 FORCE JUSTID'), c('XCLAIM s g dave 0 3-1 FORCE'),
    c('XCLAIM s g dave 0 3-1 FORCE RETRYCOUNT 9 LASTID 9-9'), c('XINFO GROUPS s'), c('XPENDING s g - + 10'),
    c('XDEL s 2-1'), c('XCLAIM s g erin 0 2-1 3-1'), c('XPENDING s g - + 10'), c('XINFO CONSUMERS s g'),
    c('XCLAIM s g erin 0 1-1 LASTID 99-0'), c('XINFO GROUPS s'), c('XCLAIM s g erin 0 1-1 LASTID 1-0'),
    c('XCLAIM s g erin 0 3-1 IDLE -5 JUSTID'), c('XCLAIM s g erin 0 3-1 TIME 99999999999999 JUSTID'),
    c('SET str x'), c('XCLAIM str g c 0 1-1'),
  ],
  'XAUTOCLAIM': [
    ...SETUP, c('XADD s 6-1 f 8'), c('XADD s 7-1 f 9'), c('XGROUP CREATE s g 0'),
    c('XAUTOCLAIM s g bob 0 0'), c('XREADGROUP GROUP g alice STREAMS s >'),
    c('XAUTOCLAIM s g bob 0 0 COUNT 2'), c('XAUTOCLAIM s g bob 0 3-1 COUNT 2 JUSTID'), c('XAUTOCLAIM s g bob 0 (5-1 JUSTID'),
    c('XAUTOCLAIM s g bob 100000000 0'), c('XAUTOCLAIM s g bob 0 -'), c('XAUTOCLAIM s g bob 0 +'),
    c('XDEL s 2-1 4-1'), c('XAUTOCLAIM s g carol 0 0 COUNT 3'), c('XPENDING s g'), c('XAUTOCLAIM s g carol 0 0'),
    c('XAUTOCLAIM s g carol 0 0 COUNT 0'), c('XAUTOCLAIM s g carol 0 0 COUNT -1'), c('XAUTOCLAIM s g carol 0 0 COUNT x'),
    c('XAUTOCLAIM s g carol 0 0 COUNT 576460752303423487'), c('XAUTOCLAIM s g carol 0 0 COUNT 576460752303423488'),
    c('XAUTOCLAIM s g carol 0 0 FOO'), c('XAUTOCLAIM s g carol 0 0 COUNT'), c('XAUTOCLAIM s g carol x 0'),
    c('XAUTOCLAIM s g carol 0 bad'), c(`XAUTOCLAIM s g carol 0 (${MAX}-${MAX}`), c('XAUTOCLAIM s nog carol 0 0'),
    c('XAUTOCLAIM nokey g carol 0 0'), c('XAUTOCLAIM nokey g carol 0 bad'), c('XAUTOCLAIM s g carol -1 0 JUSTID'),
    c('XINFO CONSUMERS s nog'), c('SET str x'), c('XAUTOCLAIM str g c 0 0'),
  ],
  'XINFO STREAM GROUPS CONSUMERS HELP': [
    c('XINFO STREAM s'), ...SETUP, c('XINFO STREAM s'), c('XGROUP CREATE s g 0'), c('XGROUP CREATE s a $'),
    c('XREADGROUP GROUP g c1 COUNT 3 STREAMS s >'), c('XREADGROUP GROUP g c2 STREAMS s >'), c('XINFO STREAM s'),
    c('XINFO STREAM s FULL'), c('XINFO STREAM s FULL COUNT 1'), c('XINFO STREAM s FULL COUNT 0'), c('XINFO STREAM s FULL COUNT -1'),
    c('XINFO STREAM s FULL COUNT x'), c('XINFO STREAM s FULL COUNT'), c('XINFO STREAM s FOO'), c('XINFO STREAM s FULL FOO 1'),
    c('XINFO STREAM s FULL COUNT 1 x'), c('XINFO STREAM nokey'), c('XINFO GROUPS s'), c('XINFO CONSUMERS s g'),
    c('XINFO CONSUMERS s a'), c('XINFO HELP'), c('XINFO HELP x'), c('XINFO FOO s'), c('XINFO'), c('XINFO help'),
    c('XDEL s 1-1 2-1 3-1 4-1 5-1'), c('XINFO STREAM s'), c('XINFO STREAM s FULL'), c('XINFO GROUPS s'),
    c('SET str x'), c('XINFO STREAM str'), c('XINFO GROUPS str'), c('XINFO CONSUMERS str g'),
  ],
  'lag and entries-read after XDEL XTRIM XSETID': [
    ...SETUP, c('XGROUP CREATE s g0 0'), c('XGROUP CREATE s gd $'), c('XGROUP CREATE s g3 3-1'),
    c('XGROUP CREATE s ge 0 ENTRIESREAD 2'), c('XGROUP CREATE s gm 9-0'), c('XINFO GROUPS s'),
    c('XREADGROUP GROUP g0 c COUNT 1 STREAMS s >'), c('XINFO GROUPS s'), c('XDEL s 3-1'), c('XINFO GROUPS s'),
    c('XREADGROUP GROUP g0 c COUNT 1 STREAMS s >'), c('XINFO GROUPS s'), c('XREADGROUP GROUP g0 c COUNT 1 STREAMS s >'),
    c('XINFO GROUPS s'), c('XREADGROUP GROUP ge c STREAMS s >'), c('XINFO GROUPS s'),
    c('XADD s 6-1 a 1'), c('XTRIM s MAXLEN 2'), c('XINFO GROUPS s'), c('XINFO STREAM s'),
    c('XSETID s 10-0 ENTRIESADDED 20 MAXDELETEDID 8-0'), c('XINFO GROUPS s'), c('XGROUP SETID g0 s 0'),
    c('XGROUP SETID s g0 0'), c('XINFO GROUPS s'), c('XREADGROUP GROUP g0 c STREAMS s >'), c('XINFO GROUPS s'),
    c('XGROUP SETID s gd 5-1 ENTRIESREAD 5'), c('XINFO GROUPS s'), c('XADD s 11-0 z 1'), c('XINFO GROUPS s'),
    c('XREADGROUP GROUP gd c STREAMS s >'), c('XINFO GROUPS s'),
    c('XADD e 1-0 f v'), c('XDEL e 1-0'), c('XGROUP CREATE e g 0'), c('XINFO GROUPS e'), c('XINFO STREAM e'),
    c('XGROUP CREATE e2 g 0 MKSTREAM'), c('XINFO GROUPS e2'), c('XINFO STREAM e2 FULL'),
    c('XADD e2 1-0 f v'), c('XINFO GROUPS e2'), c('XTRIM e2 MAXLEN 0'), c('XINFO GROUPS e2'),
  ],
  'scripts: BLOCK refused, reads run': [
    ...SETUP, c('XGROUP CREATE s g 0'),
    ['EVAL', "return redis.call('xreadgroup','group','g','c','block','0','streams','s','>')", '1', 's'],
    ['EVAL', "return redis.call('XREAD','BLOCK','0','streams','s','$')", '1', 's'],
    ['EVAL', "return redis.call('xreadgroup','group','g','c','count','2','streams','s','>')", '1', 's'],
    ['EVAL', "return redis.call('xpending','s','g')", '1', 's'], ['EVAL', "return redis.call('xack','s','g','1-1')", '1', 's'],
    c('XPENDING s g'),
  ],
  'COPY RENAME DEL TYPE of a stream with groups': [
    ...SETUP, c('XGROUP CREATE s g 0'), c('XREADGROUP GROUP g c1 COUNT 2 STREAMS s >'), c('XGROUP CREATECONSUMER s g c2'),
    c('COPY s d'), c('XINFO GROUPS d'), c('XPENDING d g - + 10'), c('XACK d g 1-1'), c('XPENDING s g'), c('XPENDING d g'),
    c('XGROUP DESTROY s g'), c('XINFO GROUPS d'), c('RENAME d e'), c('XPENDING e g'), c('DEL e'), c('XINFO GROUPS e'),
  ],
};

// XREADGROUP / XCLAIM replies carry no times; XPENDING's extended form, XINFO
// CONSUMERS and XINFO STREAM FULL do.
function mask(cmd: Cmd, raw: string): string {
  const name = String(cmd[0]).toUpperCase();
  const sub = String(cmd[1] ?? '').toUpperCase();
  if (name === 'XPENDING' && cmd.length > 3) {
    // [id, consumer, idle, count]: the idle.
    return raw.replace(/(\*4\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n):\d+\r\n/g, '$1:IDLE\r\n');
  }
  if (name === 'XINFO' && sub === 'CONSUMERS') return raw.replace(/(\$4\r\nidle\r\n):\d+/g, '$1:IDLE');
  if (name === 'XINFO' && sub === 'STREAM') return raw.replace(/:1\d{12}\r\n/g, ':TIME\r\n');
  return raw;
}

/** A random consumer-group workload over one stream: every command, explicit IDs. */
function randomScript(seed: number, n: number): Cmd[] {
  const r = new Prng(seed);
  const out: Cmd[] = [c('XGROUP CREATE s g 0 MKSTREAM'), c('XGROUP CREATE s h $')];
  let ms = 1;
  const grp = () => (r.int(3) === 0 ? 'h' : 'g');
  const con = () => `c${r.int(4)}`;
  const id = () => `${1 + r.int(ms + 1)}-${r.int(2)}`;
  for (let i = 0; i < n; i++) {
    switch (r.int(14)) {
      case 0: case 1: case 2: ms += 1; out.push(['XADD', 's', `${ms}-${r.int(2)}`, 'f', String(i)]); break;
      case 3: case 4: out.push(['XREADGROUP', 'GROUP', grp(), con(), ...(r.int(2) ? ['COUNT', String(1 + r.int(3))] : []),
        ...(r.int(5) === 0 ? ['NOACK'] : []), 'STREAMS', 's', r.int(4) === 0 ? id() : '>']); break;
      case 5: out.push(['XACK', 's', grp(), id(), id()]); break;
      case 6: out.push(['XCLAIM', 's', grp(), con(), '0', id(), id(), ...(r.int(2) ? ['JUSTID'] : []),
        ...(r.int(4) === 0 ? ['FORCE'] : [])]); break;
      case 7: out.push(['XAUTOCLAIM', 's', grp(), con(), '0', r.int(2) ? '0' : id(), 'COUNT', String(1 + r.int(4)),
        ...(r.int(2) ? ['JUSTID'] : [])]); break;
      case 8: out.push(['XPENDING', 's', grp()], ['XPENDING', 's', grp(), '-', '+', String(r.int(6)), ...(r.int(2) ? [con()] : [])]); break;
      case 9: out.push(['XDEL', 's', id()]); break;
      case 10: out.push(['XINFO', 'GROUPS', 's'], ['XINFO', 'STREAM', 's']); break;
      case 11: out.push(r.int(3) === 0 ? ['XTRIM', 's', 'MAXLEN', String(3 + r.int(10))] : ['XGROUP', 'DELCONSUMER', 's', grp(), con()]); break;
      case 12: out.push(r.int(2) ? ['XGROUP', 'SETID', 's', grp(), id()] : ['XGROUP', 'CREATECONSUMER', 's', grp(), con()]); break;
      case 13: out.push(['XINFO', 'STREAM', 's', 'FULL', 'COUNT', String(r.int(4))], ['XINFO', 'CONSUMERS', 's', grp()]); break;
    }
  }
  return out;
}

describe.skipIf(!haveRedis)('stream consumer groups vs redis-server', () => {
  const pair = diffPair();
  const both = pair.both;

  async function setup(p: number, entries: number, bytes: number): Promise<void> {
    await both(['HELLO', String(p)]);
    await both(['FLUSHALL']);
    await both(['CONFIG', 'SET', 'stream-node-max-entries', String(entries)]);
    await both(['CONFIG', 'SET', 'stream-node-max-bytes', String(bytes)]);
  }

  const run = (cmds: Cmd[]) => pair.compareAll(cmds, mask);

  for (const p of [2, 3]) {
    for (const [nodes, entries, bytes] of [['default nodes', 100, 4096], ['tiny nodes', 2, 60]] as const) {
      for (const [name, cmds] of Object.entries(GROUPS)) {
        it(`${name} (${nodes}, RESP${p})`, async () => {
          await setup(p, entries, bytes);
          await run(cmds);
        });
      }
    }
  }

  for (const seed of [1, 2, 3]) {
    it(`random consumer-group workload, seed ${seed}`, async () => {
      await setup(seed % 2 ? 2 : 3, seed === 1 ? 100 : 2, 4096);
      await run(randomScript(seed, 1200));
    });
  }

  it('blocking XREADGROUP: woken by XADD, NOACK, timeout, MULTI, group destroyed, key deleted or replaced', async () => {
    for (const p of [2, 3]) {
      await setup(p, 100, 4096);
      const waiters = await pair.connect();
      const same = async (): Promise<string> => {
        const got = await Promise.all(waiters.map((wc) => wc.readRaw()));
        expect(got[1].toString('latin1')).toBe(got[0].toString('latin1'));
        return got[1].toString('latin1');
      };
      const pause = () => new Promise((r) => setTimeout(r, 100));
      try {
        for (const wc of waiters) { wc.send('HELLO', String(p)); await wc.read(); }
        await run([c('XGROUP CREATE s g $ MKSTREAM')]);
        for (const wc of waiters) wc.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
        await pause();
        await both(c('XADD other 1-1 x 1'));
        await both(c('XADD s 1-1 a 1'));
        expect(await same()).toContain('1-1');
        await run([c('XPENDING s g - + 10'), c('XINFO GROUPS s'), c('XGROUP CREATE s h $')]);
        for (const wc of waiters) wc.send('XREADGROUP', 'GROUP', 'h', 'c', 'NOACK', 'BLOCK', '0', 'STREAMS', 's', '>');
        await pause();
        await both(c('XADD s 2-1 b 2'));
        await same();
        await run([c('XPENDING s h'), c('XINFO GROUPS s')]);
        for (const wc of waiters) wc.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '50', 'STREAMS', 's', '>');
        await same();
        await run([c('MULTI'), c('XREADGROUP GROUP g c BLOCK 0 STREAMS s >'), c('EXEC')]);
        for (const wc of waiters) wc.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
        await pause();
        await both(c('XGROUP DESTROY s g'));
        expect(await same()).toContain('NOGROUP');
        for (const wc of waiters) wc.send('XREADGROUP', 'GROUP', 'h', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
        await pause();
        await both(c('DEL s'));
        expect(await same()).toContain('UNBLOCKED');
        await run([c('XGROUP CREATE s g $ MKSTREAM')]);
        for (const wc of waiters) wc.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
        await pause();
        await both(c('SET s x'));
        expect(await same()).toContain('UNBLOCKED');
        for (const cmd of [c('FLUSHALL'), c('SWAPDB 0 1')]) {
          await run([c('FLUSHALL'), c('XGROUP CREATE s g $ MKSTREAM')]);
          for (const wc of waiters) wc.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
          await pause();
          await both(cmd);
          expect(await same()).toContain('UNBLOCKED');
        }
      } finally {
        for (const wc of waiters) wc.close();
      }
    }
  });

  it('blocking XREADGROUP: arrival order between waiters, CLIENT UNBLOCK, woken without COUNT', async () => {
    await setup(2, 100, 4096);
    const first = await pair.connect();
    const second = await pair.connect();
    const pause = () => new Promise((r) => setTimeout(r, 100));
    const same = async (cs: RawClient[]): Promise<string> => {
      const got = await Promise.all(cs.map((wc) => wc.readRaw()));
      expect(got[1].toString('latin1')).toBe(got[0].toString('latin1'));
      return got[1].toString('latin1');
    };
    try {
      await run([c('XGROUP CREATE s g $ MKSTREAM')]);
      for (const wc of first) wc.send('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>');
      await pause();
      for (const wc of second) wc.send('XREADGROUP', 'GROUP', 'g', 'b', 'BLOCK', '0', 'STREAMS', 's', '>');
      await pause();
      await both(c('XADD s 1-1 x 1'));
      expect(await same(first)).toContain('1-1');
      await both(c('XADD s 2-1 x 2'));
      expect(await same(second)).toContain('2-1');
      // Woken without COUNT: served all that arrived (Redis caps it at 1000).
      for (const wc of second) wc.send('XREADGROUP', 'GROUP', 'g', 'b', 'BLOCK', '0', 'STREAMS', 's', '>');
      await pause();
      await run([c('MULTI'), c('XADD s 3-1 x 3'), c('XADD s 4-1 x 4'), c('EXEC')]);
      expect(await same(second)).toContain('4-1');
      await run([c('XPENDING s g'), c('XINFO GROUPS s')]);
      // Waiters of two groups, one of each group ahead: a group-g waiter left
      // waiting does not keep the group-h waiter behind it from its entry.
      const third = await pair.connect();
      try {
        await run([c('XGROUP CREATE s h $')]);
        for (const wc of first) wc.send('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>');
        await pause();
        for (const wc of second) wc.send('XREADGROUP', 'GROUP', 'g', 'b', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>');
        await pause();
        for (const wc of third) wc.send('XREADGROUP', 'GROUP', 'h', 'x', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>');
        await pause();
        await both(c('XADD s 5-1 x 5'));
        expect(await same(first)).toContain('5-1');
        expect(await same(third)).toContain('5-1');
        await both(c('XADD s 6-1 x 6'));
        expect(await same(second)).toContain('6-1');
      } finally {
        for (const wc of third) wc.close();
      }
      const ids: string[] = [];
      for (const wc of first) { wc.send('CLIENT', 'ID'); ids.push(String(await wc.read())); }
      for (const wc of first) wc.send('XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', '0', 'STREAMS', 's', '>');
      await pause();
      pair.ref.send('CLIENT', 'UNBLOCK', ids[0], 'ERROR');
      pair.ours.send('CLIENT', 'UNBLOCK', ids[1], 'ERROR');
      expect((await pair.ours.readRaw()).toString()).toBe((await pair.ref.readRaw()).toString());
      expect(await same(first)).toContain('UNBLOCKED');
      for (const wc of first) wc.send('XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', '0', 'STREAMS', 's', '>');
      await pause();
      pair.ref.send('CLIENT', 'UNBLOCK', ids[0], 'TIMEOUT');
      pair.ours.send('CLIENT', 'UNBLOCK', ids[1], 'TIMEOUT');
      expect((await pair.ours.readRaw()).toString()).toBe((await pair.ref.readRaw()).toString());
      await same(first);
    } finally {
      for (const wc of [...first, ...second]) wc.close();
    }
  });

  it('WATCH: only a stream XGROUP CREATE MKSTREAM makes touches the key', async () => {
    const others = await pair.connect();
    try {
      await setup(2, 100, 4096);
      await run([...SETUP, c('XGROUP CREATE s g 0'), c('XGROUP CREATE s h 0')]);
      const writes: Cmd[] = [c('XGROUP CREATE s g2 0'), c('XGROUP SETID s g 0'), c('XGROUP DESTROY s h'),
        c('XGROUP CREATECONSUMER s g cc'), c('XGROUP DELCONSUMER s g cc'), c('XREADGROUP GROUP g c COUNT 1 STREAMS s >'),
        c('XREADGROUP GROUP g c STREAMS s 0'), c('XACK s g 1-1'), c('XCLAIM s g d 0 2-1'), c('XAUTOCLAIM s g e 0 0'),
        c('XGROUP CREATE new g 0 MKSTREAM')];
      for (const w of writes) {
        const key = w.includes('new') ? 'new' : 's';
        await run([['WATCH', key]]);
        for (const o of others) await o.cmd(...w);
        await run([c('MULTI'), c('PING'), c('EXEC')]);
      }
    } finally {
      for (const o of others) o.close();
    }
  });

  it('keyspace notifications of the group commands', async () => {
    await setup(2, 100, 4096);
    const script: Cmd[] = [c('XGROUP CREATE s g 0 MKSTREAM'), c('XGROUP CREATE s g 0'), c('XGROUP CREATECONSUMER s g c'),
      c('XGROUP CREATECONSUMER s g c'), c('XADD s 1-1 a 1'), c('XREADGROUP GROUP g c2 STREAMS s >'), c('XACK s g 1-1'),
      c('XCLAIM s g c3 0 1-1'), c('XREADGROUP GROUP g c3 STREAMS s 0'), c('XCLAIM s g c4 0 1-1 FORCE'),
      c('XAUTOCLAIM s g c5 0 0'), c('XGROUP SETID s g 0'), c('XGROUP DELCONSUMER s g c'), c('XGROUP DELCONSUMER s g cX'),
      c('XGROUP DESTROY s g'), c('XGROUP DESTROY s g'), c('XGROUP CREATE x g $ MKSTREAM')];
    await pair.compareEvents(script);
  });
});
