// Differential test of the stream family: the same commands go to a real
// redis-server and to Vermilion over TCP, and the raw replies must be byte
// for byte equal. Auto IDs depend on each server's clock, so the scripts use
// explicit IDs (and `ms-*`) wherever an ID is replied; auto-ID XADDs are
// compared by shape only. Each script runs with the default node bounds and
// with tiny ones (stream-node-max-entries 2 / max-bytes 60) so that nodes
// split, empty and get trimmed whole, in RESP2 and RESP3.
import { describe, it, expect } from 'vitest';
import { redisServerPath } from '../helpers/server.js';
import { diffPair, type Arg } from '../helpers/diffpair.js';
import { Prng } from '../helpers/prng.js';

type Cmd = Arg[];
const c = (s: string): Cmd => s.split(' ');
const haveRedis = redisServerPath() !== null;

const MAX = '18446744073709551615';

const GROUPS: Record<string, Cmd[]> = {
  'XADD IDs and errors': [
    c('XADD s 0-0 a 1'), c('XADD s 0 a 1'), c('XADD s 5 a'), c('XADD s abc a 1'), c('XADD s 5-x a 1'),
    c('XADD s 1-1 a 1'), c('XADD s 1-1 a 1'), c('XADD s 1-0 a 1'), c('XADD s 1-* a 1'), c('XADD s 1-* b 2 c 3'),
    c('XADD s 2-* a 1'), c('XADD s 00005 a 1'), c('XADD s +6 a 1'), [' XADD'.trim(), 's', ' 7-1', 'a', '1'],
    c('XADD s -1 a 1'), c('XADD s - a 1'), c('XADD s + a 1'), c('XADD s 8- a 1'), c('XADD s -8 a 1'),
    c('XADD s 9-*x a 1'), ['XADD', 's', '9'.repeat(130), 'a', '1'], c('XADD s 18446744073709551616 a 1'),
    c('XADD s 10-18446744073709551615 a 1'), c('XADD s 10-* a 1'), c('XADD s 10 f v'),
    c(`XADD s ${MAX}-${MAX} x y`), c('XADD s * a 1'), c(`XADD s ${MAX}-* a 1`), c(`XADD s ${MAX} a 1`),
    c('XLEN s'), c('XRANGE s - +'), c('XREVRANGE s + -'), c('TYPE s'), c('OBJECT ENCODING s'),
    c('XADD s2 0-* a 1'), c('XADD s2 0-* a 1'), c('XRANGE s2 - +'),
    c('XADD n NOMKSTREAM * a 1'), c('XADD n NOMKSTREAM 1-1 a 1'), c('EXISTS n'),
    c('XADD n nomkstream MAXLEN 5'), c('XADD n NOMKSTREAM'),
    c('SET str x'), c('XADD str 1-1 a 1'), c('XADD str bad a 1'), c('XLEN str'), c('XRANGE str - +'),
    c('XDEL str 1-1'), c('XTRIM str MAXLEN 1'), c('XADD s'), c('XADD s *'), c('XADD s * a'), c('XLEN'),
    c('XLEN a b'),
  ],
  'XADD trimming options': [
    c('XADD t maxlen -1 1-1 a 1'), c('XADD t maxlen abc 1-1 a 1'), c('XADD t limit 5 maxlen 3 1-1 a 1'),
    c('XADD t maxlen ~ 3 limit -1 1-1 a 1'), c('XADD t maxlen ~ 3 limit x 1-1 a 1'), c('XADD t limit 0 1-1 a 1'),
    c('XADD t limit 1 1-1 a 1'), c('XADD t maxlen 1 minid 1 1-1 a 1'), c('XADD t minid 1 maxlen 1 1-1 a 1'),
    c('XADD t minid abc 1-1 a 1'), c('XADD t minid - 1-1 a 1'), c('XADD t minid + 1-1 a 1'),
    c('XADD t MAXLEN 3 1-1 a 1'), c('XADD t MAXLEN 3 1-2 a 1'), c('XADD t MAXLEN = 3 1-3 a 1'),
    c('XADD t maxlen 3 1-4 a 1'), c('XADD t MAXLEN 3 1-5 b 2'), c('XRANGE t - +'), c('XLEN t'),
    c('XADD t MINID 1-4 2-1 a 1'), c('XRANGE t - +'), c('XADD t MINID = 2-1 2-2 a 1'), c('XRANGE t - +'),
    c('XADD t MAXLEN ~ 1 2-3 a 1'), c('XLEN t'), c('XADD t MAXLEN ~ 0 LIMIT 1 2-4 a 1'), c('XLEN t'),
    c('XADD t MAXLEN ~ 0 LIMIT 100 2-5 a 1'), c('XLEN t'), c('XADD t MINID ~ 3 LIMIT 0 2-6 a 1'), c('XLEN t'),
    c('XADD t MAXLEN 0 3-1 a 1'), c('XLEN t'), c('XRANGE t - +'), c('EXISTS t'), c('XADD t MAXLEN 0'),
    c('XADD t MAXLEN'), c('XADD t MAXLEN ~'), c('XADD t MAXLEN 1 LIMIT'),
  ],
  'XTRIM': [
    c('XTRIM s'), c('XTRIM s foo 1'), c('XTRIM s maxlen 1 x'), c('XTRIM s maxlen 0 minid 0'), c('XTRIM s limit 5'),
    c('XTRIM s limit 0 maxlen 1'), c('XTRIM nokey MAXLEN 0'), c('XTRIM s NOMKSTREAM MAXLEN 0'), c('XTRIM s MAXLEN'),
    ...Array.from({ length: 25 }, (_, i) => c(`XADD s ${i + 1}-1 f v${i} g w`)),
    c('XADD s 26-1 other 1'), c('XADD s 26-2 f v g w'),
    c('XTRIM s MAXLEN ~ 20'), c('XLEN s'), c('XTRIM s MAXLEN 20'), c('XLEN s'), c('XRANGE s - + COUNT 2'),
    c('XTRIM s MINID ~ 12'), c('XLEN s'), c('XTRIM s MINID 12-1'), c('XLEN s'), c('XRANGE s - + COUNT 2'),
    c('XTRIM s MINID = 13'), c('XTRIM s MINID 13-2'), c('XRANGE s - + COUNT 1'),
    c('XTRIM s MAXLEN ~ 2 LIMIT 2'), c('XLEN s'), c('XTRIM s MAXLEN = 2'), c('XRANGE s - +'),
    c('XTRIM s MAXLEN -1'), c('XTRIM s MAXLEN 0 LIMIT 1'), c('XTRIM s MAXLEN 0'), c('EXISTS s'), c('XLEN s'),
    c('TYPE s'), c('XRANGE s - +'), c('XADD s 1-1 a 1'), c('XADD s 30-1 a 1'),
  ],
  'XRANGE XREVRANGE': [
    c('XADD s 1-1 a 1'), c('XADD s 1-2 a 2 b 3'), c('XADD s 2-0 a 4'), c('XADD s 2-5 a 5'), c('XADD s 3-0 x 6'),
    c('XADD s 3-1 a 7'), c('XADD s 4-0 12 34 -5 0'), c('XADD s 5-0 a 1'),
    c('XRANGE s - +'), c('XREVRANGE s + -'), c('XRANGE s 2 3'), c('XREVRANGE s 3 2'), c('XRANGE s 2-1 3-0'),
    c('XRANGE s (1-1 (3-1'), c('XREVRANGE s (3-1 (1-1'), c('XRANGE s (2 +'), c('XRANGE s - (2'), c('XREVRANGE s (2 -'),
    c('XRANGE s - + COUNT 3'), c('XREVRANGE s + - COUNT 3'), c('XRANGE s - + COUNT 0'), c('XRANGE s - + COUNT -1'),
    c('XRANGE s - + COUNT 1 COUNT 2'), c('XRANGE s - + COUNT x'), c('XRANGE s - + COUNT'), c('XRANGE s - + foo'),
    c('XRANGE s a b'), c('XRANGE s (- +'), c('XRANGE s - (+'), c(`XRANGE s (${MAX}-${MAX} +`), c('XRANGE s - (0-0'),
    c(`XREVRANGE s (0 -`), c('XRANGE s 5 4'), c('XREVRANGE s 4 5'), c('XRANGE nokey - +'), c('XRANGE nokey - + COUNT 0'),
    c('XRANGE s ( +'), c('XRANGE s 1-1 1-1'), c('XRANGE s (1-1 1-1'), c(`XRANGE s ${MAX} +`), c('XRANGE s 0 0'),
    c('XRANGE s'), c('XREVRANGE s +'),
  ],
  'XDEL': [
    c('XADD s 1-1 a 1'), c('XADD s 1-2 a 2'), c('XADD s 2-0 a 3'), c('XADD s 3-0 a 4'), c('XADD s 4-0 b 5'),
    c('XDEL s 1-1 bad'), c('XLEN s'), c('XDEL s 1-2 1-2 9-9'), c('XDEL s -'), c('XDEL s 1-1'), c('XRANGE s - +'),
    c('XREVRANGE s + -'), c('XDEL s 4'), c('XADD s 4-0 a 1'), c('XADD s 4-1 a 1'), c('XDEL s 2 3 4-1 1-2'),
    c('XLEN s'), c('XRANGE s - +'), c('XDEL s 4-0'), c('EXISTS s'), c('XLEN s'), c('XRANGE s - +'),
    c('XADD s 4-0 a 1'), c('XADD s 5-0 a 1'), c('XDEL nokey 1-1'), c('XDEL nokey bad'), c('XDEL s'),
  ],
  'XREAD (no BLOCK) and XSETID': [
    c('XREAD streams'), c('XREAD streams a'), c('XREAD COUNT 1 STREAMS a b 1'), c('XREAD BLOCK -1 STREAMS a 0'),
    c('XREAD BLOCK x STREAMS a 0'), c('XREAD foo STREAMS a 0'), c('XREAD COUNT 1'), c('XREAD STREAMS a >'),
    c('XREAD STREAMS a $'), c('XREAD COUNT x STREAMS a 0'), c('XREAD STREAMS a bad'),
    c('XADD a 1-1 f 1'), c('XADD a 1-2 f 2'), c('XADD a 2-0 g 3'), c('XADD b 5-0 x y'),
    c('XREAD STREAMS a 0'), c('XREAD COUNT 1 STREAMS a b 0 0'), c('XREAD COUNT 0 STREAMS a b 1-1 4'),
    c('XREAD STREAMS a b $ $'), c('XREAD STREAMS a b 2 5'), c('XREAD STREAMS a nokey 0 0'),
    c(`XREAD STREAMS a ${MAX}-${MAX}`), c('XREAD COUNT -5 STREAMS a 1'), c('XREAD BLOCK 0 COUNT 1 STREAMS a 1-1'),
    c('SET str x'), c('XREAD STREAMS a str 0 0'), c('XREAD STREAMS str a 0 bad'), c('XREAD STREAMS a str bad 0'),
    c('XSETID a 1'), c('XSETID a bad'), c('XSETID nokey 1-1'), c('XSETID str 1-1'), c('XSETID a 10-0 entriesadded 0'),
    c('XSETID a 10-0 maxdeletedid 6-0'), c('XSETID a 10-0 entriesadded 1 maxdeletedid 12-0'),
    c('XSETID a 10-0 entriesadded -1'), c('XSETID a 10-0 foo'), c('XSETID a 10-0 entriesadded'),
    c('XSETID a 10-0 ENTRIESADDED 5 MAXDELETEDID 1-0'), c('XSETID a 1-5'), c('XSETID a 2-0'), c('XSETID a 5-0'),
    c('XADD a 4-0 f v'), c('XADD a 6-0 f v'), c('XDEL a 6-0'), c('XSETID a 5-9'), c('XSETID a 6-0'),
    c('XADD e 1-1 a 1'), c('XDEL e 1-1'), c('XSETID e 0-0'), c('XSETID e 0-1'), c('XREAD STREAMS e 0'),
    c('XADD e 0-5 a 1'), c('XADD e 0-* a 1'), c('XSETID'), c('XSETID a'),
  ],
  'COPY RENAME TYPE OBJECT MEMORY': [
    c('XADD s 1-1 a 1'), c('XADD s 2-1 b 2'), c('COPY s d'), c('XRANGE d - +'), c('XADD d 3-1 c 3'), c('XLEN s'),
    c('XLEN d'), c('RENAME d e'), c('XRANGE e - +'), c('TYPE e'), c('OBJECT ENCODING e'), c('SET str v'),
    c('DEL s'), c('SCAN 0 TYPE stream'), c('DEL e'), c('EXISTS s e'),
  ],
};

/**
 * A random mix of writes and reads on two streams with explicit IDs (so
 * both servers generate the same ones): appends with and without the
 * master's fields, trims of each kind, scattered deletes, ranges with
 * exclusive bounds and counts, XSETID, XREAD, DUMP.
 */
function randomScript(seed: number, n: number): Cmd[] {
  const r = new Prng(seed);
  const out: Cmd[] = [];
  let ms = 1;
  const key = () => (r.int(4) === 0 ? 't' : 's');
  const id = () => `${1 + r.int(ms + 2)}-${r.int(3)}`;
  const bound = () => (r.int(6) === 0 ? '-' : r.int(4) === 0 ? `(${id()}` : id());
  for (let i = 0; i < n; i++) {
    const k = key();
    switch (r.int(12)) {
      case 0: case 1: case 2: case 3: {
        ms += r.int(3);
        const fields = r.int(3) === 0 ? ['x', String(i), 'f', 'v'] : ['f', String(r.int(1000)), 'g', 'w'.repeat(r.int(4))];
        const trim = r.int(5) === 0 ? ['MAXLEN', ...(r.int(2) ? ['~'] : []), String(r.int(20))] : [];
        out.push(['XADD', k, ...trim, r.int(3) === 0 ? `${ms}-*` : `${ms}-${r.int(5)}`, ...fields]);
        break;
      }
      case 4: out.push(['XDEL', k, id(), id(), id()]); break;
      case 5: {
        const approx = r.int(2) ? ['~'] : [];
        out.push(r.int(2) ? ['XTRIM', k, 'MAXLEN', ...approx, String(r.int(30))] : ['XTRIM', k, 'MINID', ...approx, id(),
          ...(approx.length && r.int(2) ? ['LIMIT', String(r.int(10))] : [])]);
        break;
      }
      case 6: case 7: out.push(['XRANGE', k, bound(), r.int(3) ? '+' : id(), ...(r.int(2) ? ['COUNT', String(r.int(6))] : [])]); break;
      case 8: out.push(['XREVRANGE', k, r.int(3) ? '+' : id(), bound(), ...(r.int(2) ? ['COUNT', String(r.int(6))] : [])]); break;
      case 9: out.push(['XLEN', k], ['DUMP', k]); break;
      case 10: out.push(['XREAD', 'COUNT', String(r.int(4)), 'STREAMS', 's', 't', id(), id()]); break;
      case 11: out.push(r.int(4) === 0 ? ['XSETID', k, `${ms + 1}-0`] : ['EXISTS', k]); break;
    }
  }
  return out;
}

describe.skipIf(!haveRedis)('stream family vs redis-server', () => {
  const pair = diffPair();
  const both = pair.both;

  async function setup(p: number, entries: number, bytes: number): Promise<void> {
    await both(['HELLO', String(p)]);
    await both(['FLUSHALL']);
    await both(['CONFIG', 'SET', 'stream-node-max-entries', String(entries)]);
    await both(['CONFIG', 'SET', 'stream-node-max-bytes', String(bytes)]);
  }

  /** An auto ID's reply, digits replaced: the two clocks differ. */
  const shape = (cmd: Arg[], raw: string) =>
    cmd[0] === 'XADD' && cmd.includes('*') ? raw.replace(/\d+-\d+/g, 'ID').replace(/\$\d+/g, '$N') : raw;
  const run = (cmds: Cmd[]) => pair.compareAll(cmds, shape);

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

  for (const seed of [1, 2, 3, 4]) {
    it(`random command sequence, seed ${seed} (tiny nodes)`, async () => {
      await setup(seed % 2 ? 2 : 3, 3, 90);
      // DUMP compares the node bytes: uncompressed, since the engine's LZF
      // does not give up on exactly the inputs liblzf gives up on.
      await both(['CONFIG', 'SET', 'rdbcompression', 'no']);
      try {
        await run(randomScript(seed, 1500));
      } finally {
        await both(['CONFIG', 'SET', 'rdbcompression', 'yes']);
      }
    });
  }

  it('XREAD BLOCK: woken by XADD, `$` resolved once, timeouts, MULTI, CLIENT UNBLOCK', async () => {
    for (const p of [2, 3]) {
      await setup(p, 100, 4096);
      const waiters = await pair.connect();
      try {
        for (const wc of waiters) { wc.send('HELLO', String(p)); await wc.read(); }
        await both(c('XADD s 1-1 a 1'));
        // Blocked on `$`: an XADD to another key, then one to s; the reply is the new entry only.
        for (const wc of waiters) wc.send('XREAD', 'BLOCK', '0', 'STREAMS', 's', 'other', '$', '$');
        await new Promise((r) => setTimeout(r, 100));
        await both(c('XADD s 2-1 b 2'));
        const woke = await Promise.all(waiters.map((wc) => wc.readRaw()));
        expect(woke[1].toString('latin1')).toBe(woke[0].toString('latin1'));
        // A timeout replies null.
        for (const wc of waiters) wc.send('XREAD', 'BLOCK', '50', 'STREAMS', 's', '$');
        const timed = await Promise.all(waiters.map((wc) => wc.readRaw()));
        expect(timed[1].toString('latin1')).toBe(timed[0].toString('latin1'));
        // Inside MULTI the wait is a timeout at once.
        const multi: Cmd[] = [c('MULTI'), c('XREAD BLOCK 0 STREAMS s $'), c('XREAD BLOCK 0 STREAMS s 0'), c('EXEC')];
        for (const cmd of multi) {
          const [a, b] = await both(cmd);
          expect(b.toString('latin1')).toBe(a.toString('latin1'));
        }
        // CLIENT UNBLOCK ... ERROR.
        const ids: string[] = [];
        for (const wc of waiters) { wc.send('CLIENT', 'ID'); ids.push(String(await wc.read())); }
        for (const wc of waiters) wc.send('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
        await new Promise((r) => setTimeout(r, 100));
        pair.ref.send('CLIENT', 'UNBLOCK', ids[0], 'ERROR');
        pair.ours.send('CLIENT', 'UNBLOCK', ids[1], 'ERROR');
        expect((await pair.ours.readRaw()).toString()).toBe((await pair.ref.readRaw()).toString());
        const errs = await Promise.all(waiters.map((wc) => wc.readRaw()));
        expect(errs[1].toString('latin1')).toBe(errs[0].toString('latin1'));
        // A second waiter on `$` after a pipelined command still sees only later entries.
        for (const wc of waiters) { wc.send('PING'); wc.send('XREAD', 'COUNT', '5', 'BLOCK', '0', 'STREAMS', 's', '$'); await wc.read(); }
        await new Promise((r) => setTimeout(r, 100));
        await both(c('XADD s 3-1 c 3 d 4'));
        const last = await Promise.all(waiters.map((wc) => wc.readRaw()));
        expect(last[1].toString('latin1')).toBe(last[0].toString('latin1'));
        expect(last[1].toString('latin1')).toContain('3-1');
        expect(last[1].toString('latin1')).not.toContain('2-1');
      } finally {
        for (const wc of waiters) wc.close();
      }
    }
  });

  it('DUMP payloads are byte-identical (same node layout), and cross-RESTORE both ways', async () => {
    for (const [entries, bytes] of [[100, 4096], [3, 4096], [100, 80], [0, 0]]) {
      await setup(2, entries, bytes);
      const script: Cmd[] = [];
      for (let i = 1; i <= 40; i++) {
        script.push(i % 7 === 0 ? c(`XADD s ${i}-1 other ${i * 1000} x y`) : c(`XADD s ${i}-${i % 3} f ${i} g ${'v'.repeat(i % 5)}`));
      }
      script.push(c('XDEL s 3-0 4-1 20-2 21-0'), c('XTRIM s MINID 6'), c('XTRIM s MAXLEN = 30'), c('XSETID s 90-0'),
        c('XADD e 1-1 a 1'), c('XDEL e 1-1'), c('XADD big 1-1 f ' + 'z'.repeat(300)));
      for (const cmd of script) await both(cmd);
      for (const key of ['s', 'e', 'big']) {
        const [a, b] = await both(['DUMP', key]);
        expect(b.toString('hex')).toBe(a.toString('hex'));
      }
      // Redis's payload restored here reads back the same.
      pair.ref.send('DUMP', 's');
      const payload = await pair.ref.read() as Buffer | string;
      const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'latin1');
      for (const cmd of [['RESTORE', 'r', '0', buf], ['XRANGE', 'r', '-', '+'], ['XREVRANGE', 'r', '+', '-', 'COUNT', '5'],
        ['XLEN', 'r'], ['XADD', 'r', '*', 'new', '1'], ['XLEN', 'r']] as Cmd[]) {
        const [a, b] = await both(cmd);
        const auto = cmd[0] === 'XADD';
        expect(auto ? b.length : b.toString('latin1')).toBe(auto ? a.length : a.toString('latin1'));
      }
    }
  });

  it('an exact MINID trim that leaves its node with no live entry keeps the node, as Redis does', async () => {
    await setup(2, 100, 4096);
    await both(['CONFIG', 'SET', 'rdbcompression', 'no']);
    try {
      await run([c('XADD s 1-1 a 1'), c('XADD s 2-1 a 2'), c('XADD s 3-1 a 3'), c('XDEL s 3-1'), c('XTRIM s MINID 3-0'),
        c('XLEN s'), c('EXISTS s'), c('DUMP s'), c('XADD s 4-1 a 4'), c('DUMP s'), c('XRANGE s - +'), c('XTRIM s MAXLEN 0'),
        c('DUMP s'), c('XADD s 5-1 b 5'), c('XDEL s 5-1'), c('DUMP s')]);
    } finally {
      await both(['CONFIG', 'SET', 'rdbcompression', 'yes']);
    }
  });

  it('XREAD BLOCK on 1000 `$` streams: the rewritten command outgrows its input buffer, keys stay right', async () => {
    await setup(2, 100, 4096);
    const keys = Array.from({ length: 1000 }, (_, i) => `stream:${i}`);
    for (const k of keys) await both(['XADD', k, '1700000000000-99', 'f', 'v']);
    const waiters = await pair.connect();
    try {
      for (const wc of waiters) wc.send('XREAD', 'BLOCK', '0', 'STREAMS', ...keys, ...keys.map(() => '$'));
      await new Promise((r) => setTimeout(r, 150));
      await both(['XADD', 'stream:999', '1700000000001-0', 'late', '1']);
      const got = await Promise.all(waiters.map((wc) => wc.readRaw()));
      expect(got[1].toString('latin1')).toBe(got[0].toString('latin1'));
      expect(got[1].toString('latin1')).toContain('1700000000001-0');
    } finally {
      for (const wc of waiters) wc.close();
    }
  });

  it('keyspace notifications: xadd, xtrim, xdel', async () => {
    await setup(2, 100, 4096);
    const script: Cmd[] = [c('XADD s 1-1 a 1'), c('XADD s MAXLEN 1 2-1 a 1'), c('XADD s MAXLEN 1 3-1 a 1'),
      c('XTRIM s MAXLEN 5'), c('XTRIM s MAXLEN 0'), c('XADD s 4-1 a 1'), c('XADD s 5-1 a 1'), c('XDEL s 9-9'),
      c('XDEL s 4-1'), c('XDEL s 5-1'), c('XSETID s 9-0'), c('XSETID nokey 1-1')];
    await pair.compareEvents(script);
  });
});
