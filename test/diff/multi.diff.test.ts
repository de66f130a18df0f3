// Differential test of transactions: MULTI EXEC DISCARD WATCH UNWATCH, with
// two connections per server so that another client's writes invalidate a
// WATCH. Every reply of both connections is compared byte for byte with a
// real redis-server's.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { redisServerPath, RawClient } from '../helpers/server.js';
import { diffPair, type Arg } from '../helpers/diffpair.js';

type Step = [conn: 'A' | 'B', args: Arg[]];
type Script = [name: string, steps: Step[]];

const A = (...args: Arg[]): Step => ['A', args];
const B = (...args: Arg[]): Step => ['B', args];

const scripts: Script[] = [
  ['queueing, EXEC, DISCARD and their errors', [
    A('EXEC'), A('DISCARD'), A('MULTI'), A('MULTI'), A('SET', 'a', 1), A('INCR', 'a'), A('GET', 'a'),
    A('EXEC'), A('EXEC'), A('MULTI'), A('SET', 'b', 1), A('DISCARD'), A('GET', 'b'),
    A('MULTI'), A('EXEC'), A('MULTI', 'x'), A('EXEC', 'x'), A('DISCARD', 'x'), A('UNWATCH', 'x'), A('WATCH'),
  ]],
  ['a refused command aborts EXEC; a runtime error does not', [
    A('MULTI'), A('SET', 'a', 1), A('NOSUCHCOMMAND', 'x'), A('SET', 'a'), A('EXEC'), A('GET', 'a'),
    A('MULTI'), A('SET', 'a', 'x'), A('INCR', 'a'), A('SETRANGE', 'a', -1, 'y'), A('SET', 'c', 3), A('EXEC'),
    A('MULTI'), A('SHUTDOWN'), A('PING'), A('EXEC'),
    A('MULTI'), A('OBJECT', 'nosub', 'k'), A('EXEC'),
    A('MULTI'), A('WATCH', 'k'), A('PING'), A('EXEC'),
  ]],
  ['commands inside EXEC: SELECT sticks, host commands run in order', [
    A('MULTI'), A('SELECT', 3), A('SET', 'z', 1), A('CONFIG', 'GET', 'maxmemory'), A('ECHO', 'hi'),
    A('CLIENT', 'GETNAME'), A('DBSIZE'), A('EXEC'), A('GET', 'z'), A('SELECT', 0), A('GET', 'z'),
  ]],
  ['WATCH: another client writes, the same client writes, nobody writes', [
    A('SET', 'k', 1), A('WATCH', 'k'), B('SET', 'k', 2), A('MULTI'), A('INCR', 'k'), A('EXEC'), A('GET', 'k'),
    A('WATCH', 'k'), A('INCR', 'k'), A('MULTI'), A('INCR', 'k'), A('EXEC'), A('GET', 'k'),
    A('WATCH', 'k'), A('GET', 'k'), B('GET', 'k'), A('MULTI'), A('INCR', 'k'), A('EXEC'),
    A('WATCH', 'k'), B('SET', 'k', 9), A('UNWATCH'), A('MULTI'), A('INCR', 'k'), A('EXEC'),
    A('WATCH', 'k'), B('SET', 'k', 9), A('MULTI'), A('DISCARD'), A('MULTI'), A('INCR', 'k'), A('EXEC'),
  ]],
  ['WATCH: deletion, expiry commands, renames, moves, copies', [
    A('SET', 'k', 1), A('WATCH', 'k'), B('DEL', 'k'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'nokey'), B('DEL', 'nokey'), A('MULTI'), A('PING'), A('EXEC'),
    A('SET', 'k', 1), A('WATCH', 'k'), B('EXPIRE', 'k', 100), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'k'), B('PERSIST', 'k'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'k'), B('PERSIST', 'k'), A('MULTI'), A('PING'), A('EXEC'),
    A('SET', 'src', 1), A('WATCH', 'dst'), B('RENAME', 'src', 'dst'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'dst'), B('RENAME', 'dst', 'other'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'other'), B('MOVE', 'other', 1), A('MULTI'), A('PING'), A('EXEC'),
    A('SET', 'a', 1), A('WATCH', 'c'), B('COPY', 'a', 'c'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'a'), B('APPEND', 'a', 'x'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'a'), B('SETRANGE', 'a', 0, ''), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'a'), B('SETBIT', 'a', 0, 0), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'a'), B('SETBIT', 'a', 1, 1), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'a'), B('GETEX', 'a', 'PERSIST'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'a'), B('GETDEL', 'a'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'm1'), B('MSETNX', 'm1', 1, 'a', 2), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'm1'), B('MSET', 'm1', 1, 'a', 2), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'bo'), B('BITOP', 'OR', 'bo', 'nokey'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'bo'), B('BITOP', 'OR', 'bo', 'a'), A('MULTI'), A('PING'), A('EXEC'),
  ]],
  ['WATCH: FLUSHDB, FLUSHALL and SWAPDB', [
    A('WATCH', 'nokey'), B('FLUSHDB'), A('MULTI'), A('PING'), A('EXEC'),
    A('SET', 'k', 1), A('WATCH', 'k'), B('FLUSHDB'), A('MULTI'), A('PING'), A('EXEC'),
    A('SET', 'k', 1), A('WATCH', 'k'), B('SELECT', 1), B('FLUSHDB'), A('MULTI'), A('PING'), A('EXEC'),
    A('WATCH', 'k'), B('FLUSHALL'), A('MULTI'), A('PING'), A('EXEC'),
    B('SET', 'x', 1), A('WATCH', 'x'), B('SWAPDB', 0, 1), A('MULTI'), A('GET', 'x'), A('EXEC'),
    A('WATCH', 'nothere'), B('SWAPDB', 0, 1), A('MULTI'), A('PING'), A('EXEC'), B('SELECT', 0),
  ]],
  ['RESET leaves MULTI and forgets watches', [
    A('SET', 'k', 1), A('WATCH', 'k'), A('MULTI'), A('SET', 'k', 2), A('RESET'), A('EXEC'), A('GET', 'k'),
    B('SET', 'k', 3), A('MULTI'), A('GET', 'k'), A('EXEC'),
  ]],
  ['RESP3 replies', [
    A('HELLO', 3), A('SET', 'k', 1), A('WATCH', 'k'), B('SET', 'k', 2), A('MULTI'), A('GET', 'k'), A('EXEC'),
    A('MULTI'), A('GET', 'k'), A('GET', 'nokey'), A('EXEC'), A('HELLO', 2),
  ]],
];

const haveRedis = redisServerPath() !== null;
const suite = haveRedis || process.env.CI ? describe : describe.skip;

suite('transactions vs redis-server', () => {
  // Client A is the pair's main connection to each server, B a second one.
  const pair = diffPair();
  let connB: [RawClient, RawClient];
  beforeAll(async () => { connB = await pair.connect(); });
  afterAll(() => { for (const c of connB ?? []) c.close(); });
  const conns = (who: 'A' | 'B'): [RawClient, RawClient] => (who === 'A' ? [pair.ref, pair.ours] : connB);

  async function step([who, args]: Step): Promise<void> {
    const [ref, ours] = conns(who);
    ref.send(...args);
    ours.send(...args);
    const [a, b] = [await ref.readRaw(), await ours.readRaw()];
    const label = `${who}: ${args.map((x) => JSON.stringify(String(x))).join(' ')}`;
    if (String(args[0]).toUpperCase() === 'HELLO') return;
    expect(b.toString('latin1'), label).toBe(a.toString('latin1'));
  }

  for (const [name, steps] of scripts) {
    it(name, async () => {
      await step(A('FLUSHALL'));
      await step(A('SELECT', 0));
      await step(B('SELECT', 0));
      for (const s of steps) await step(s);
    });
  }

  it('a pipelined transaction is answered in one piece', async () => {
    await step(A('FLUSHALL'));
    const req = ['MULTI', 'INCR c', 'INCR c', 'GET c', 'EXEC', 'GET c'].map((l) => l + '\r\n').join('');
    const [ref, ours] = conns('A');
    ref.write(req);
    ours.write(req);
    for (let i = 0; i < 6; i++) {
      expect((await ours.readRaw()).toString('latin1')).toBe((await ref.readRaw()).toString('latin1'));
    }
  });
});
