// The MULTI queue in-process: queues of every length and shape run in order
// (EXEC switches the reader to the queue and back), and the memory the queue
// holds comes back after EXEC and DISCARD. prefetch.test.ts runs
// transactions over a keyspace large enough for their keys to be read ahead.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { encodeCommand, parseAll } from '../helpers/resp.js';

/** MULTI, `cmds`, EXEC in one read; EXEC's reply. */
function transaction(t: TestEngine, cmds: string[][]): unknown {
  const bytes = Buffer.concat([['MULTI'], ...cmds, ['EXEC']].map((c) => encodeCommand(c)));
  const replies = parseAll(t.raw(bytes));
  expect(replies.length).toBe(cmds.length + 2);
  expect(replies[0]).toBe('OK');
  for (let i = 1; i <= cmds.length; i++) expect(replies[i]).toBe('QUEUED');
  return replies[replies.length - 1];
}

describe('EXEC over queues of every shape', () => {
  // Past the 16 hashes first reserved, past the 256 prefetched, with
  // argument-less commands (nothing to hash) before and between keyed ones.
  for (const n of [1, 2, 15, 16, 17, 255, 256, 257, 600]) {
    it(`${n} commands, every third without arguments`, () => {
      const t = new TestEngine();
      for (let i = 0; i < 50; i++) t.cmd('SET', `k${i}`, String(i));
      const cmds = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? ['PING'] : ['INCR', `k${i % 70}`]));
      const expected = new Map<string, number>();
      for (let i = 0; i < 50; i++) expected.set(`k${i}`, i);
      const want = cmds.map(([name, key]) => {
        if (name === 'PING') return 'PONG';
        const v = (expected.get(key) ?? 0) + 1;
        expected.set(key, v);
        return v;
      });
      expect(transaction(t, cmds)).toEqual(want);
      for (const [k, v] of expected) expect(t.cmd('GET', k)).toBe(String(v));
    });
  }

  it('a queue sent one command per read runs the same', () => {
    const t = new TestEngine();
    expect(t.cmd('MULTI')).toBe('OK');
    for (let i = 0; i < 40; i++) expect(t.cmd(...(i < 20 ? ['PING'] : ['INCR', `c${i % 5}`]))).toBe('QUEUED');
    const r = t.cmd('EXEC') as unknown[];
    expect(r.slice(0, 20)).toEqual(Array(20).fill('PONG'));
    expect(r.slice(20)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4]);
  });

  it('SELECT inside the queue: later commands run in the selected db', () => {
    const t = new TestEngine();
    t.cmd('SET', 'x', '10');
    expect(transaction(t, [['INCR', 'x'], ['SELECT', '3'], ['INCR', 'x'], ['INCR', 'x']])).toEqual([11, 'OK', 1, 2]);
    expect(t.cmd('GET', 'x')).toBe('2');
    t.cmd('SELECT', '0');
    expect(t.cmd('GET', 'x')).toBe('11');
  });
});

describe('the queue gives its memory back', () => {
  const used = (t: TestEngine) => t.engine.x.usedMemory();

  it('after EXEC (released at the next call) and after DISCARD', () => {
    const t = new TestEngine();
    for (let i = 0; i < 100; i++) t.cmd('SET', `k${i}`, 'v');
    const gets = Array.from({ length: 300 }, (_, i) => ['GET', `k${i % 100}`]);
    // Once first: the input buffer grows to hold the whole transaction and stays.
    transaction(t, gets);
    t.cmd('PING');
    const base = used(t);
    transaction(t, gets);
    t.cmd('PING');
    expect(used(t)).toBe(base);
    expect(t.cmd('MULTI')).toBe('OK');
    for (let i = 0; i < 300; i++) t.cmd('GET', `k${i % 100}`);
    expect(used(t)).toBeGreaterThan(base);
    expect(t.cmd('DISCARD')).toBe('OK');
    expect(used(t)).toBe(base);
  });

  it('after an EXEC refused for a bad command and after a WATCH failure', () => {
    const t = new TestEngine();
    t.cmd('SET', 'w', '1');
    const bytes = Buffer.concat([['MULTI'], ['INCR', 'a'], ['NOSUCH'], ['INCR', 'b'], ['EXEC']].map((c) => encodeCommand(c)));
    t.raw(bytes);
    const base = used(t);
    const r = parseAll(t.raw(bytes));
    expect(r[r.length - 1]).toEqual({ error: 'EXECABORT Transaction discarded because of previous errors.' });
    expect(used(t)).toBe(base);
    const other = t.engine.x.newClient();
    expect(t.cmd('WATCH', 'w')).toBe('OK');
    const watched = used(t);
    expect(t.cmd('MULTI')).toBe('OK');
    for (let i = 0; i < 30; i++) t.cmd('INCR', 'w');
    t.raw(encodeCommand(['INCR', 'w']), other);
    expect(t.cmd('EXEC')).toBe(null);
    expect(used(t)).toBeLessThan(watched);
    expect(t.cmd('GET', 'w')).toBe('2');
  });
});
