// Pub/sub in the embedded API: db.subscribe / psubscribe / ssubscribe
// (src/embedded/subscription.ts) with listeners and async iterators, fed by
// PUBLISH from other handles and by keyspace notifications. Messages are
// written to subscribers after the publishing call, as the server does
// (src/host/pubsub.ts), so each check lets the event loop turn first.
import { describe, it, expect, afterEach } from 'vitest';
import { Vermilion, Subscription } from '../../src/index.js';

const opened: Vermilion[] = [];
async function open(opts: Parameters<typeof Vermilion.open>[0] = {}): Promise<Vermilion> {
  const db = await Vermilion.open({ lua: false, ...opts });
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});
const turn = () => new Promise((r) => setTimeout(r, 5));

describe('embedded pub/sub', () => {
  it('delivers to listeners in publish order, only what was subscribed', async () => {
    const db = await open();
    const got: string[][] = [];
    const sub = db.subscribe(['news', 'sport'], (message, channel) => got.push([channel, message]));
    expect(sub).toBeInstanceOf(Subscription);
    expect(sub.channels).toEqual(['news', 'sport']);
    expect(await db.pubsub('NUMSUB', 'news', 'sport', 'other')).toEqual(['news', 1, 'sport', 1, 'other', 0]);
    for (let i = 0; i < 500; i++) expect(await db.publish(i % 2 ? 'news' : 'sport', `m${i}`)).toBe(1);
    expect(await db.publish('other', 'x')).toBe(0);
    await turn();
    expect(got).toEqual(Array.from({ length: 500 }, (_, i) => [i % 2 ? 'news' : 'sport', `m${i}`]));
  });

  it('async iterators get every message after they start; break ends only the loop', async () => {
    const db = await open();
    const sub = db.psubscribe('user:*');
    const seen = (async () => {
      const out: unknown[] = [];
      for await (const m of sub) {
        out.push(m);
        if (out.length === 3) break;
      }
      return out;
    })();
    db.sync.publish('user:1', 'a');
    db.sync.publish('item:1', 'skip');
    db.sync.publish('user:2', 'b');
    db.sync.publish('user:1', 'c');
    expect(await seen).toEqual([
      { pattern: 'user:*', channel: 'user:1', message: 'a' },
      { pattern: 'user:*', channel: 'user:2', message: 'b' },
      { pattern: 'user:*', channel: 'user:1', message: 'c' },
    ]);
    expect(sub.closed).toBe(false);
    expect(await db.pubsub('NUMPAT')).toBe(1);
    sub.close();
    expect(sub.closed).toBe(true);
    expect(await db.pubsub('NUMPAT')).toBe(0);
  });

  it('subscribes and unsubscribes by name; the last unsubscribe ends the subscription', async () => {
    const db = await open();
    const sub = db.subscribe('a');
    sub.subscribe('b', 'c');
    expect(sub.channels).toEqual(['a', 'b', 'c']);
    sub.unsubscribe('b');
    expect(sub.channels).toEqual(['a', 'c']);
    expect(await db.pubsub('CHANNELS')).toEqual(expect.arrayContaining(['a', 'c']));
    const ended = (async () => { for await (const _ of sub) { /* none */ } return 'ended'; })();
    sub.unsubscribe();
    expect(sub.closed).toBe(true);
    expect(await ended).toBe('ended');
    expect(await db.pubsub('CHANNELS')).toEqual([]);
    expect(() => sub.subscribe('d')).toThrow('the subscription has ended');
    expect(() => db.subscribe([])).toThrow('SUBSCRIBE needs at least one name');
  });

  it('shard channels: SSUBSCRIBE and SPUBLISH', async () => {
    const db = await open();
    const got: string[] = [];
    db.ssubscribe('orders', (m, ch) => got.push(`${ch}=${m}`));
    expect(await db.spublish('orders', '1')).toBe(1);
    expect(await db.publish('orders', 'not a shard message')).toBe(0);
    expect(await db.pubsub('SHARDNUMSUB', 'orders')).toEqual(['orders', 1]);
    await turn();
    expect(got).toEqual(['orders=1']);
  });

  it('keyspace notifications, from synchronous and asynchronous writes', async () => {
    const db = await open({ config: { 'notify-keyspace-events': 'KEA' } });
    const got: string[] = [];
    db.psubscribe(['__keyspace@0__:*', '__keyevent@0__:expired'], (m, ch) => got.push(`${ch} ${m}`));
    db.sync.set('k', 'v');
    await db.lpush('l', 'x');
    db.sync.pexpire('k', 1);
    await new Promise((r) => setTimeout(r, 20));
    db.sync.get('k'); // expired on access
    await turn();
    expect(got).toEqual([
      '__keyspace@0__:k set', '__keyspace@0__:l lpush', '__keyspace@0__:k expire', // PEXPIRE's event is "expire", as in Redis
      '__keyspace@0__:k expired', '__keyevent@0__:expired k',
    ]);
  });

  it('binary messages as bytes on a handle opened with buffers: true', async () => {
    const db = await open({ buffers: true });
    const got: unknown[] = [];
    db.subscribe('bin', (m, ch) => got.push([ch, m]));
    await db.publish('bin', new Uint8Array([0, 255, 10, 13]));
    await turn();
    expect(got).toEqual([[new TextEncoder().encode('bin'), new Uint8Array([0, 255, 10, 13])]]);
  });

  it('a throwing listener does not stop the others; closing the store ends subscriptions', async () => {
    const db = await open();
    const got: string[] = [];
    const sub = db.subscribe('c', () => { throw new Error('listener bug'); });
    sub.on((m) => got.push(m));
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      await db.publish('c', 'one');
      await turn();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(got).toEqual(['one']);
    expect(errors).toHaveLength(1);
    await db.close();
    expect(sub.closed).toBe(true);
  });
});
