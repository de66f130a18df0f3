// Differential test of the HyperLogLog family: the same commands go to a real
// redis-server and to Vermilion over TCP, replies compared byte for byte. The
// HLL strings themselves (GET) are compared too, so the sparse opcodes, the
// dense packing, the cached cardinality and the promotion point must be
// Redis's exactly; HLLs written by one server are counted by the other.
import { describe, it, expect } from 'vitest';
import { redisServerPath, RawClient } from '../helpers/server.js';
import { diffPair, type Arg } from '../helpers/diffpair.js';
import { rng } from '../helpers/prng.js';


const haveRedis = redisServerPath() !== null;
// Without redis-server the test may be skipped locally, never in CI.
const suite = haveRedis || process.env.CI ? describe : describe.skip;

const scripts: [string, Arg[][]][] = [
  ['PFADD PFCOUNT basics and the bytes', [
    ['PFADD', 'h'], ['GET', 'h'], ['PFCOUNT', 'h'], ['PFADD', 'h'], ['PFADD', 'h', 'a', 'b', 'c'], ['PFADD', 'h', 'a'],
    ['PFCOUNT', 'h'], ['GET', 'h'], ['PFCOUNT', 'h'], ['GET', 'h'], ['TYPE', 'h'], ['OBJECT', 'ENCODING', 'h'],
    ['PFADD', 'h', ''], ['PFADD', 'h', 'x'.repeat(1000)], ['PFCOUNT', 'h'], ['GET', 'h'],
    ['PFCOUNT', 'nokey'], ['PFCOUNT', 'h', 'nokey'], ['EXISTS', 'nokey'], ['STRLEN', 'h'],
    ['PFDEBUG', 'ENCODING', 'h'], ['PFDEBUG', 'DECODE', 'h'], ['PFDEBUG', 'TODENSE', 'h'], ['PFDEBUG', 'TODENSE', 'h'],
    ['PFDEBUG', 'ENCODING', 'h'], ['PFDEBUG', 'DECODE', 'h'], ['PFCOUNT', 'h'], ['GET', 'h'],
    ['PFADD', 'h', 'new'], ['PFCOUNT', 'h'], ['GET', 'h'],
  ]],
  ['errors', [
    ['SET', 's', 'foo'], ['PFADD', 's', 'a'], ['PFCOUNT', 's'], ['PFCOUNT', 'nokey', 's'], ['PFMERGE', 'd', 's'],
    ['PFMERGE', 's'], ['PFDEBUG', 'GETREG', 's'], ['SET', 'i', 12345], ['PFADD', 'i', 'a'], ['PFCOUNT', 'i'],
    ['SET', 'hd', 'HYLL'], ['PFADD', 'hd', 'a'], ['SET', 'hd', Buffer.from('HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f', 'latin1')],
    ['PFADD', 'hd', 'a'], ['PFCOUNT', 'hd'],
    ['SET', 'bad', Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe', 'latin1')],
    ['PFCOUNT', 'bad'], ['PFADD', 'bad', 'a', 'b'], ['PFCOUNT', 'bad', 'bad'], ['PFMERGE', 'x', 'bad'],
    ['PFDEBUG', 'TODENSE', 'bad'], ['PFDEBUG', 'GETREG', 'bad'],
    ['SET', 'enc', Buffer.from('HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff', 'latin1')], ['PFCOUNT', 'enc'],
    ['SET', 'sd', Buffer.from('HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff', 'latin1')], ['PFCOUNT', 'sd'],
    ['LPUSH', 'l', 'a'], ['PFADD', 'l', 'a'], ['PFCOUNT', 'l'], ['PFMERGE', 'l'],
    ['PFADD'], ['PFCOUNT'], ['PFMERGE'], ['PFDEBUG', 'GETREG'], ['PFSELFTEST', 'x'],
    ['PFADD', 'h', 'a'], ['PFDEBUG', 'foo', 'h'], ['PFDEBUG', 'foo', 'nokey'], ['PFDEBUG', 'DECODE', 'nokey'],
    ['PFDEBUG', 'GETREG', 'h', 'x'], ['PFDEBUG', 'TODENSE', 'h'], ['PFDEBUG', 'DECODE', 'h'],
    ['PFSELFTEST'],
  ]],
  ['PFMERGE of mixed encodings', [
    ['PFADD', 'a', 'x', 'y', 'z'], ['PFADD', 'b', 'y', 'w'], ['PFMERGE', 'm', 'a', 'b', 'nokey'], ['GET', 'm'],
    ['PFCOUNT', 'm'], ['PFDEBUG', 'ENCODING', 'm'], ['PFMERGE', 'a', 'b'], ['GET', 'a'], ['PFMERGE', 'e'], ['GET', 'e'],
    ['PFMERGE', 'e2', 'nokey'], ['GET', 'e2'], ['PFADD', 'c', 'q'], ['PFDEBUG', 'TODENSE', 'c'],
    ['PFMERGE', 'm2', 'a', 'c'], ['PFDEBUG', 'ENCODING', 'm2'], ['GET', 'm2'], ['PFCOUNT', 'm2'],
    ['PFMERGE', 'a', 'c'], ['PFDEBUG', 'ENCODING', 'a'], ['GET', 'a'], ['PFCOUNT', 'a', 'b', 'c', 'm'],
  ]],
];

suite('hyperloglog family vs redis-server', () => {
  const pair = diffPair();
  const { both, compare } = pair;

  for (const proto of [2, 3]) {
    for (const [name, cmds] of scripts) {
      it(`${name} (RESP${proto})`, async () => {
        await both(['HELLO', proto]);
        await both(['FLUSHALL']);
        await both(['CONFIG', 'SET', 'hll-sparse-max-bytes', 3000]);
        for (const c of cmds) await compare(c);
      });
    }
  }

  it('random sets of many sizes across the sparse to dense boundary, bytes equal', async () => {
    await both(['HELLO', 2]);
    await both(['FLUSHALL']);
    const rand = rng(7);
    for (const limit of [3000, 200, 0, 10000]) {
      await both(['CONFIG', 'SET', 'hll-sparse-max-bytes', limit]);
      for (const size of [1, 5, 50, 300, 1000, 3000, 12000]) {
        const key = `h${limit}-${size}`;
        let batch: string[] = [];
        for (let i = 0; i < size; i++) {
          batch.push(`e${Math.floor(rand() * 1e9)}`);
          if (batch.length === 100 || i === size - 1) {
            await compare(['PFADD', key, ...batch]);
            batch = [];
          }
        }
        await compare(['PFCOUNT', key]);
        await compare(['PFDEBUG', 'ENCODING', key]);
        await compare(['GET', key]);
        await compare(['PFCOUNT', key, `h${limit}-1`]);
      }
      await compare(['PFMERGE', `m${limit}`, `h${limit}-5`, `h${limit}-300`, `h${limit}-12000`]);
      await compare(['GET', `m${limit}`]);
      await compare(['PFMERGE', `n${limit}`, `h${limit}-5`, `h${limit}-300`]);
      await compare(['GET', `n${limit}`]);
      await compare(['PFCOUNT', `n${limit}`]);
    }
    await both(['CONFIG', 'SET', 'hll-sparse-max-bytes', 3000]);
  });

  it('an HLL from one server counts the same on the other', async () => {
    await both(['FLUSHALL']);
    const els = Array.from({ length: 2000 }, (_, i) => `x${i}`);
    for (const [from, to] of [[pair.ref, pair.ours], [pair.ours, pair.ref]] as [RawClient, RawClient][]) {
      for (const n of [10, 2000]) {
        from.send('DEL', 'src'); await from.read();
        from.send('PFADD', 'src', ...els.slice(0, n)); await from.read();
        from.send('GET', 'src');
        const raw = await from.readRaw();
        const body = raw.subarray(raw.indexOf('\r\n') + 2, raw.length - 2);
        to.send('SET', 'copy', body); await to.read();
        to.send('PFCOUNT', 'copy');
        from.send('PFCOUNT', 'src');
        expect(await to.read()).toEqual(await from.read());
      }
    }
  });
});
