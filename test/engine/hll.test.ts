// HyperLogLog family through the engine in-process (debug build, fake clock).
// Expected replies and bytes were taken from redis-server 7.0.15; the
// differential test (test/diff/hll.diff.test.ts) compares far more against a
// live one. Each table runs with the sparse limit at its default and lowered
// so that the first registers already force the dense encoding.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';

type Row = [args: (string | Buffer)[], raw: string];
function run(t: TestEngine, rows: Row[]): void {
  for (const [args, raw] of rows) expect(`${args.join(' ')} -> ${t.rawCmd(...args)}`).toBe(`${args.join(' ')} -> ${raw}`);
}
const w = (s: string) => s.split(' ');
const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
const NOTHLL = '-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n';
const CORRUPT = '-INVALIDOBJ Corrupted HLL object detected\r\n';

function engine(sparseMax: number): TestEngine {
  const t = new TestEngine();
  t.engine.x.setHllSparseMaxBytes(sparseMax);
  return t;
}

const elements = (n: number, p = 'e') => Array.from({ length: n }, (_, i) => `${p}${i}`);

for (const [label, sparseMax] of [['sparse', 3000], ['dense', 0]] as [string, number][]) {
  describe(`HyperLogLog (${label} limit ${sparseMax})`, () => {
    it('PFADD, PFCOUNT, PFMERGE replies', () => {
      const t = engine(sparseMax);
      run(t, [
        [w('PFADD h'), ':1\r\n'], [w('PFADD h'), ':0\r\n'], [w('PFCOUNT h'), ':0\r\n'],
        [w('PFADD h a b c'), ':1\r\n'], [w('PFADD h a b'), ':0\r\n'], [w('PFCOUNT h'), ':3\r\n'],
        [w('PFCOUNT nokey'), ':0\r\n'], [w('PFCOUNT h nokey h'), ':3\r\n'], [w('TYPE h'), '+string\r\n'],
        [w('OBJECT ENCODING h'), bulk('raw')], [w('PFDEBUG ENCODING h'), sparseMax ? '+sparse\r\n' : '+dense\r\n'],
        [w('PFADD h2 c d'), ':1\r\n'], [w('PFMERGE m h h2 nokey'), '+OK\r\n'], [w('PFCOUNT m'), ':4\r\n'],
        [w('PFCOUNT h h2'), ':4\r\n'], [w('PFCOUNT h'), ':3\r\n'], [w('PFMERGE e'), '+OK\r\n'], [w('PFCOUNT e'), ':0\r\n'],
        [w('SET s foo'), '+OK\r\n'], [w('PFADD s a'), NOTHLL], [w('PFCOUNT s'), NOTHLL], [w('PFMERGE d s'), NOTHLL],
        [w('SET i 1'), '+OK\r\n'], [w('PFADD i a'), NOTHLL], [w('LPUSH l a'), ':1\r\n'],
        [w('PFADD l a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'],
        [w('PFDEBUG ENCODING nokey'), '-ERR The specified key does not exist\r\n'],
        [w('PFDEBUG foo h'), "-ERR Unknown PFDEBUG subcommand 'foo'\r\n"],
        [w('PFSELFTEST'), '+OK\r\n'],
      ]);
    });

    it('5000 elements count 4968 as Redis does; the dense form after TODENSE', () => {
      const t = engine(sparseMax);
      expect(t.cmd('PFADD', 'big', ...elements(5000))).toBe(1);
      expect(t.cmd('PFCOUNT', 'big')).toBe(4968);
      expect(t.cmd('PFDEBUG', 'ENCODING', 'big')).toBe('dense');
      expect(t.cmd('STRLEN', 'big')).toBe(12304);
      expect(t.cmd('PFADD', 'h', 'a', 'b', 'c')).toBe(1);
      expect(t.cmd('PFCOUNT', 'big', 'h')).toBe(4972);
      expect(t.cmd('PFDEBUG', 'TODENSE', 'h')).toBe(sparseMax ? 1 : 0);
      expect(t.cmd('PFDEBUG', 'TODENSE', 'h')).toBe(0);
      expect(t.cmd('PFCOUNT', 'h')).toBe(3);
      const regs = t.cmd('PFDEBUG', 'GETREG', 'h') as number[];
      expect(regs.length).toBe(16384);
      expect(regs.filter((r) => r !== 0)).toEqual([1, 2, 1]);
      expect(t.rawCmd('PFDEBUG', 'DECODE', 'h')).toBe('-ERR HLL encoding is not sparse\r\n');
    });
  });
}

describe('HyperLogLog representation', () => {
  it('sparse bytes and opcodes are Redis\'s', () => {
    const t = engine(3000);
    t.cmd('PFADD', 'h', 'a', 'b', 'c');
    expect(t.cmd('PFDEBUG', 'DECODE', 'h')).toBe('Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603');
    const hex = (t.raw(Buffer.from('*2\r\n$3\r\nGET\r\n$1\r\nh\r\n')) as Buffer).toString('latin1');
    expect(Buffer.from(hex.slice(hex.indexOf('\r\n') + 2, -2), 'latin1').toString('hex'))
      .toBe('48594c4c010000000000000000000080' + '60f38050b1844bfb80425a');
    // PFCOUNT caches the cardinality in the header (valid bit clear).
    expect(t.cmd('PFCOUNT', 'h')).toBe(3);
    const after = (t.raw(Buffer.from('*2\r\n$3\r\nGET\r\n$1\r\nh\r\n')) as Buffer).toString('latin1');
    expect(Buffer.from(after.slice(after.indexOf('\r\n') + 2, after.indexOf('\r\n') + 18), 'latin1').toString('hex'))
      .toBe('48594c4c010000000300000000000000');
  });

  it('a sparse HLL turns dense when it would pass hll-sparse-max-bytes', () => {
    const t = engine(40);
    expect(t.cmd('PFADD', 'small', ...elements(20))).toBe(1);
    expect(t.cmd('PFDEBUG', 'ENCODING', 'small')).toBe('dense');
    expect(t.cmd('PFCOUNT', 'small')).toBe(20);
  });

  it('corrupted HLLs are refused, never crash', () => {
    const t = engine(3000);
    const bad = Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe', 'latin1');
    t.cmd('SET', 'bad', bad);
    run(t, [
      [w('PFCOUNT bad'), CORRUPT], [w('PFADD bad a b'), ':1\r\n'], [w('PFCOUNT bad bad'), CORRUPT],
      [w('PFMERGE x bad'), CORRUPT], [w('PFDEBUG TODENSE bad'), CORRUPT], [w('EXISTS x'), ':0\r\n'],
    ]);
    t.cmd('SET', 'trunc', Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f', 'latin1'));
    expect(t.rawCmd('PFCOUNT', 'trunc')).toBe(CORRUPT);
    t.cmd('SET', 'short', Buffer.from('HYLL\x00\x00\x00\x00', 'latin1'));
    expect(t.rawCmd('PFCOUNT', 'short')).toBe(NOTHLL);
  });

  it('many distinct elements stay linear (sparse edits are bounded by the sparse limit)', () => {
    const t = engine(3000);
    for (let i = 0; i < 200; i++) t.cmd('PFADD', 'h', ...elements(1000, `b${i}-`));
    const n = t.cmd('PFCOUNT', 'h') as number;
    expect(Math.abs(n - 200000) / 200000).toBeLessThan(0.02);
  });
});
