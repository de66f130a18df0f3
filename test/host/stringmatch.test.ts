// The host's glob matcher (src/host/stringmatch.ts) against Redis 7.0.15's
// stringmatchlen: a table of the quirks (each checked on redis-server through
// PSUBSCRIBE/PUBLISH and PUBSUB CHANNELS), and a cross-check with the
// engine's matcher (assembly/util/glob.ts, itself diff-tested through KEYS)
// over random patterns and strings.
import { describe, it, expect } from 'vitest';
import { stringMatch } from '../../src/host/stringmatch.js';
import { TestEngine } from '../helpers/engine.js';
import { Prng } from '../helpers/prng.js';

const m = (p: string | Buffer, s: string | Buffer, nocase = false) =>
  stringMatch(Buffer.isBuffer(p) ? p : Buffer.from(p, 'latin1'), Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1'), nocase);

// [pattern, string, matches]
const CASES: [string | Buffer, string | Buffer, boolean][] = [
  ['*', 'anything', true], ['*', '', false], ['**', '', false], ['', '', true], ['', 'a', false],
  ['?', 'a', true], ['?', '', false], ['??', 'a', false], ['a*', 'a', true], ['a*b', 'a', false],
  ['h?llo', 'hello', true], ['h*llo', 'hllo', true], ['h[ae]llo', 'hillo', false], ['h[^e]llo', 'hallo', true],
  ['[a-c]x', 'bx', true], ['[c-a]x', 'bx', true], ['[^a-c]', 'd', true], ['[^a-c]', 'b', false],
  // "[a-]" is the range a..']' (swapped: ']' < 'a'), eating the bracket.
  ['[a-]', ']', true], ['[a-]', '^', true], ['[a-]', 'a', true], ['[a-]', '-', false], ['[a-]', 'b', false],
  ['[-a]', '-', true], ['[\\]]', ']', true], ['[\\]', ']', true], ['[\\]', '\\', false], ['[\\-]', '-', true],
  // Unterminated sets match with what they have; "[^" is any one byte.
  ['[abc', 'b', true], ['[^', 'z', true], ['[^', '', false], ['[', 'a', false], ['[]', 'a', false], ['[]]', ']', false],
  ['[^]', 'x', true], ['\\*', '*', true], ['\\*', 'a', false], ['\\', '\\', true], ['a\\', 'a\\', true],
  ['*\\', 'x\\', true], ['\\\\', '\\', true], ['\\a', 'a', true],
  // Range ends compare as signed chars: 0x80 sorts below 'A'.
  [Buffer.from([0x5b, 0x80, 0x2d, 0x41, 0x5d]), 'A', true], [Buffer.from([0x5b, 0x80, 0x2d, 0x41, 0x5d]), '0', true],
  [Buffer.from([0x5b, 0x80, 0x2d, 0x41, 0x5d]), 'a', false], [Buffer.from([0x5b, 0x80, 0x2d, 0x41, 0x5d]), Buffer.from([0xff]), true],
  [Buffer.from([0x5b, 0x01, 0x2d, 0xff, 0x5d]), Buffer.from([0x80]), false],
];

describe('stringMatch (Redis stringmatchlen)', () => {
  it('quirks, as Redis 7.0.15 matches them', () => {
    for (const [p, s, want] of CASES) expect(m(p, s), `${JSON.stringify(String(p))} ~ ${JSON.stringify(String(s))}`).toBe(want);
  });

  it('nocase lowers ASCII letters, ranges included, but not escapes inside a set', () => {
    expect(m('MAXMEM*', 'maxmemory', true)).toBe(true);
    expect(m('[A-C]x', 'bX', true)).toBe(true);
    expect(m('[\\A]', 'a', true)).toBe(false);
    expect(m('[\\A]', 'A', true)).toBe(true);
    expect(m('h?LLO', 'HELLO', false)).toBe(false);
  });

  it('patterns built to explode stay fast (the "skip longer matches" cut)', () => {
    const p = `${'a*'.repeat(40)}b`;
    const t0 = performance.now();
    expect(m(p, 'a'.repeat(5000))).toBe(false);
    expect(m(p, `${'a'.repeat(5000)}b`)).toBe(true);
    // Generous: an exponential matcher would not finish at all.
    expect(performance.now() - t0).toBeLessThan(5000);
    // Star nesting past 1000 fails, as Redis's guard does.
    expect(m(`${'*a'.repeat(1100)}`, 'a'.repeat(1100))).toBe(false);
  });

  it('agrees with the engine (KEYS) on random patterns and keys', () => {
    const t = new TestEngine();
    const rnd = new Prng(7);
    const alphabet = ['a', 'b', 'A', '-', ']', '[', '^', '\\', '*', '?', '\x80', '\xff'];
    const gen = (max: number) => Array.from({ length: rnd.int(max + 1) }, () => rnd.pick(alphabet)).join('');
    const keys = new Set<string>();
    while (keys.size < 150) keys.add(gen(5) || 'x');
    for (const k of keys) t.cmd('SET', Buffer.from(k, 'latin1'), '1');
    for (let i = 0; i < 1500; i++) {
      const p = gen(8);
      // KEYS "*" lists everything without matching; every other pattern goes through the matcher.
      if (p === '*') continue;
      const engine = (t.cmd('KEYS', Buffer.from(p, 'latin1')) as string[]).sort();
      const host = [...keys].filter((k) => m(p, k)).sort();
      expect(host, JSON.stringify(p)).toEqual(engine);
    }
  });
});
