// The set commands through ioredis (RESP2) and node-redis (its default
// HELLO 3, where SMEMBERS-like replies arrive as RESP3 sets, and RESP 2):
// both clients' own methods must parse every reply shape the family sends.
// VERMILION_CLIENTS_AGAINST=redis runs the file against a real redis-server.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startTarget, Target } from './targets.js';

let target: Target;
const closers: (() => void)[] = [];
beforeAll(async () => { target = await startTarget(); });
afterAll(async () => {
  for (const close of closers) close();
  await target.stop();
});

const sorted = (v: Iterable<string>): string[] => [...v].sort();

describe('ioredis: set commands', () => {
  it('every command through its method', async () => {
    const r = new Redis({ port: target.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    r.on('error', () => {});
    closers.push(() => r.disconnect());
    await r.connect();
    await r.flushall();
    expect(await r.sadd('io:a', 1, 2, 3, 'x')).toBe(4);
    expect(await r.sadd('io:b', 2, 3, 4)).toBe(3);
    expect(await r.srem('io:a', 'x', 'nope')).toBe(1);
    expect(await r.scard('io:a')).toBe(3);
    expect(await r.sismember('io:a', 2)).toBe(1);
    expect(await r.smismember('io:a', 1, 9)).toEqual([1, 0]);
    expect(sorted(await r.smembers('io:a'))).toEqual(['1', '2', '3']);
    expect(sorted(await r.sinter('io:a', 'io:b'))).toEqual(['2', '3']);
    expect(await r.sintercard(2, 'io:a', 'io:b', 'LIMIT', 1)).toBe(1);
    expect(await r.sinterstore('io:i', 'io:a', 'io:b')).toBe(2);
    expect(sorted(await r.sunion('io:a', 'io:b'))).toEqual(['1', '2', '3', '4']);
    expect(await r.sunionstore('io:u', 'io:a', 'io:b')).toBe(4);
    expect(await r.sdiff('io:a', 'io:b')).toEqual(['1']);
    expect(await r.sdiffstore('io:d', 'io:a', 'io:b')).toBe(1);
    expect(await r.smove('io:a', 'io:b', 1)).toBe(1);
    expect(['2', '3']).toContain(await r.srandmember('io:a'));
    expect((await r.srandmember('io:a', -5)).length).toBe(5);
    expect(sorted(await r.srandmember('io:a', 5))).toEqual(['2', '3']);
    const [cursor, members] = await r.sscan('io:u', 0, 'MATCH', '*', 'COUNT', 100);
    expect([cursor, sorted(members)]).toEqual(['0', ['1', '2', '3', '4']]);
    expect(['2', '3']).toContain(await r.spop('io:a'));
    expect((await r.spop('io:u', 2)).length).toBe(2);
    expect(await r.spop('io:missing')).toBe(null);
    expect(await r.spop('io:missing', 2)).toEqual([]);
    await r.set('io:str', 'v');
    await expect(r.sadd('io:str', 1)).rejects.toThrow(/WRONGTYPE/);
  });
});

describe('node-redis: set commands', () => {
  for (const RESP of [3, 2] as const) {
    it(`every command through its method (RESP${RESP})`, async () => {
      const c: any = createClient({ socket: { port: target.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      c.on('error', () => {});
      closers.push(() => { if (c.isOpen) c.destroy(); });
      await c.connect();
      const k = (s: string) => `nr${RESP}:${s}`;
      expect(await c.sAdd(k('a'), ['1', '2', '3', 'x'])).toBe(4);
      expect(await c.sAdd(k('b'), ['2', '3', '4'])).toBe(3);
      expect(await c.sRem(k('a'), 'x')).toBe(1);
      expect(await c.sCard(k('a'))).toBe(3);
      expect(await c.sIsMember(k('a'), '2')).toBe(1);
      expect(await c.smIsMember(k('a'), ['1', '9'])).toEqual([1, 0]);
      // RESP3 sets may come back as arrays or Sets depending on the type mapping.
      expect(sorted(await c.sMembers(k('a')))).toEqual(['1', '2', '3']);
      expect(sorted(await c.sInter([k('a'), k('b')]))).toEqual(['2', '3']);
      expect(await c.sInterCard([k('a'), k('b')], { LIMIT: 1 })).toBe(1);
      expect(await c.sInterStore(k('i'), [k('a'), k('b')])).toBe(2);
      expect(sorted(await c.sUnion([k('a'), k('b')]))).toEqual(['1', '2', '3', '4']);
      expect(await c.sUnionStore(k('u'), [k('a'), k('b')])).toBe(4);
      expect(sorted(await c.sDiff([k('a'), k('b')]))).toEqual(['1']);
      expect(await c.sDiffStore(k('d'), [k('a'), k('b')])).toBe(1);
      expect(await c.sMove(k('a'), k('b'), '1')).toBe(1);
      expect(['2', '3']).toContain(await c.sRandMember(k('a')));
      expect((await c.sRandMemberCount(k('a'), -5)).length).toBe(5);
      const scan = await c.sScan(k('u'), '0', { MATCH: '*', COUNT: 100 });
      expect([String(scan.cursor), sorted(scan.members)]).toEqual(['0', ['1', '2', '3', '4']]);
      expect(['2', '3']).toContain(await c.sPop(k('a')));
      expect([...(await c.sPopCount(k('u'), 2))].length).toBe(2);
      expect(await c.sPop(k('missing'))).toBe(null);
      c.destroy();
    });
  }
});
