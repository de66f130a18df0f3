// Real clients as subscribers: ioredis 6 and node-redis 6, in RESP3 (their
// default, pushes) and RESP2 (subscriber mode), with channels, patterns,
// shard channels, binary payloads and unsubscribing back to normal commands.
// VERMILION_CLIENTS_AGAINST=redis runs the same file against a real
// redis-server (see targets.ts), which is how the expected values were checked.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startTarget, Target } from './targets.js';

let target: Target;
const closers: (() => void)[] = [];

beforeAll(async () => { target = await startTarget(); });
afterAll(async () => {
  for (const c of closers) c();
  await target.stop();
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function ioredis(opts: Record<string, unknown> = {}): Redis {
  const r = new Redis({ port: target.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, ...opts });
  r.on('error', () => {});
  closers.push(() => r.disconnect());
  return r;
}

const BIN = Buffer.from([0, 255, 13, 10, 42, 36]);

describe('ioredis subscribers', () => {
  for (const protocol of [undefined, 2] as const) {
    it(`channels, patterns, shard channels and binary messages (${protocol ? `protocol: ${protocol}` : 'default RESP3'})`, async () => {
      const sub = ioredis(protocol ? { protocol } : {});
      const pub = ioredis();
      const p = `io${protocol ?? 3}`;
      const got: unknown[] = [];
      sub.on('message', (ch: string, msg: string) => got.push(['message', ch, msg]));
      sub.on('pmessage', (pat: string, ch: string, msg: string) => got.push(['pmessage', pat, ch, msg]));
      sub.on('smessage', (ch: string, msg: string) => got.push(['smessage', ch, msg]));
      sub.on('messageBuffer', (ch: Buffer, msg: Buffer) => { if (msg.equals(BIN)) got.push(['binary', ch.toString()]); });
      expect(await sub.subscribe(`${p}:news`, `${p}:sport`)).toBe(2);
      expect(await sub.psubscribe(`${p}:n*`)).toBe(3);
      expect(await sub.ssubscribe(`${p}:shard`)).toBe(1);
      expect(await pub.publish(`${p}:news`, 'hello')).toBe(2);
      expect(await pub.publish(`${p}:sport`, 'goal')).toBe(1);
      expect(await pub.spublish(`${p}:shard`, 's1')).toBe(1);
      expect(await pub.publish(`${p}:sport`, BIN)).toBe(1);
      expect(await pub.pubsub('NUMSUB', `${p}:news`, `${p}:none`)).toEqual([`${p}:news`, 1, `${p}:none`, 0]);
      // Server-wide: other suites' patterns may be live.
      expect(await pub.pubsub('NUMPAT')).toBeGreaterThanOrEqual(1);
      expect(await pub.pubsub('SHARDNUMSUB', `${p}:shard`)).toEqual([`${p}:shard`, 1]);
      expect((await pub.pubsub('CHANNELS', `${p}:*`) as string[]).sort()).toEqual([`${p}:news`, `${p}:sport`]);
      await until(() => got.length >= 6);
      expect(got).toEqual([
        ['message', `${p}:news`, 'hello'], ['pmessage', `${p}:n*`, `${p}:news`, 'hello'], ['message', `${p}:sport`, 'goal'],
        ['smessage', `${p}:shard`, 's1'], ['message', `${p}:sport`, BIN.toString('utf8')], ['binary', `${p}:sport`],
      ]);
      // RESP2 subscriber mode answers PING with ["pong", ""], which ioredis passes on.
      expect(await sub.ping()).toEqual(protocol === 2 ? ['pong', ''] : 'PONG');
      // (ioredis waits forever on an UNSUBSCRIBE without names, against Redis too.)
      expect(await sub.unsubscribe(`${p}:news`, `${p}:sport`)).toBe(1);
      expect(await sub.punsubscribe(`${p}:n*`)).toBe(0);
      expect(await sub.sunsubscribe(`${p}:shard`)).toBe(0);
      // Out of subscriber mode: ordinary commands again.
      expect(await sub.set(`${p}:after`, 'x')).toBe('OK');
      expect(await sub.get(`${p}:after`)).toBe('x');
      expect(await pub.publish(`${p}:news`, 'nobody')).toBe(0);
      sub.disconnect();
      pub.disconnect();
    });
  }
});

describe('node-redis subscribers', () => {
  for (const RESP of [3, 2] as const) {
    it(`subscribe, pSubscribe, sSubscribe with listeners (RESP ${RESP})`, async () => {
      const p = `nr${RESP}`;
      const pub: any = createClient({ socket: { port: target.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      pub.on('error', () => {});
      await pub.connect();
      closers.push(() => { if (pub.isOpen) pub.destroy(); });
      const sub: any = pub.duplicate();
      sub.on('error', () => {});
      await sub.connect();
      closers.push(() => { if (sub.isOpen) sub.destroy(); });
      const got: unknown[] = [];
      await sub.subscribe([`${p}:a`, `${p}:b`], (msg: string, ch: string) => got.push(['message', ch, msg]));
      await sub.pSubscribe(`${p}:*`, (msg: string, ch: string) => got.push(['pmessage', ch, msg]));
      await sub.sSubscribe(`${p}:s`, (msg: string, ch: string) => got.push(['smessage', ch, msg]));
      await sub.subscribe(`${p}:bin`, (msg: Buffer) => got.push(['binary', msg.equals(BIN)]), true);
      expect(await pub.publish(`${p}:a`, 'one')).toBe(2);
      expect(await pub.publish(`${p}:b`, 'two')).toBe(2);
      expect(await pub.sPublish(`${p}:s`, 'three')).toBe(1);
      expect(await pub.publish(`${p}:bin`, BIN)).toBe(2);
      await until(() => got.length >= 7);
      expect(got).toEqual([
        ['message', `${p}:a`, 'one'], ['pmessage', `${p}:a`, 'one'], ['message', `${p}:b`, 'two'], ['pmessage', `${p}:b`, 'two'],
        ['smessage', `${p}:s`, 'three'], ['binary', true], ['pmessage', `${p}:bin`, BIN.toString()],
      ]);
      expect(await pub.pubSubNumSub([`${p}:a`, `${p}:z`])).toEqual({ [`${p}:a`]: 1, [`${p}:z`]: 0 });
      expect(await pub.pubSubNumPat()).toBeGreaterThanOrEqual(1);
      expect((await pub.pubSubChannels(`${p}:*`)).sort()).toEqual([`${p}:a`, `${p}:b`, `${p}:bin`]);
      await sub.unsubscribe();
      await sub.pUnsubscribe();
      await sub.sUnsubscribe();
      expect(await pub.publish(`${p}:a`, 'none')).toBe(0);
      // (node-redis in RESP2 keeps answering in Buffers after a buffer-mode subscription.)
      expect(String(await sub.set(`${p}:after`, 'x'))).toBe('OK');
      expect(String(await sub.get(`${p}:after`))).toBe('x');
      sub.destroy();
      pub.destroy();
    });
  }
});
