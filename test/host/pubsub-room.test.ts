// The pub/sub room (src/host/pubsub.ts) with fake sockets: delivery order,
// one write per subscriber per event-loop pass, the client being served
// getting its messages among its replies, queued messages taken before a
// client's own replies, shared buffers for identical queues, and the
// output-buffer limits (hard, soft with seconds, classes) with the room's
// bookkeeping left consistent.
import { describe, it, expect } from 'vitest';
import { PubSub } from '../../src/host/pubsub.js';
import { CF_PUBSUB } from '../../src/engine/engine.js';
import type { HostClient, HostServer } from '../../src/host/context.js';

interface FakeClient extends HostClient { writes: Buffer[]; killed: boolean; proto: number }

function setup(limits: Record<string, { hard: number; soft: number; secs: number }> = {}) {
  const flags = new Map<number, number>();
  const protos = new Map<number, number>();
  const logs: string[] = [];
  const listeners: ((name: string) => void)[] = [];
  const lim = { normal: { hard: 0, soft: 0, secs: 0 }, pubsub: { hard: 32 << 20, soft: 8 << 20, secs: 60 }, ...limits };
  const srv = {
    engine: {
      x: {
        clientProto: (slot: number) => protos.get(slot) ?? 2,
        clientFlags: (slot: number) => flags.get(slot) ?? 0,
        setClientFlags: (slot: number, f: number) => { flags.set(slot, f); },
        clientQbuf: () => 0, clientQbufCap: () => 0, clientDb: () => 0, clientMultiCount: () => -1,
        clientMultiMem: () => 0, clientLastCmd: () => -1, memClient: () => 0,
      },
    },
    config: {
      outputBufferLimit: (cls: 'normal' | 'pubsub') => lim[cls],
      onChange: (l: (name: string) => void) => { listeners.push(l); },
    },
    stats: { netOutputBytes: 0 },
    log: (_level: string, msg: string) => { logs.push(msg); },
    isPaused: () => false,
    // The core's end-of-turn flush, reduced to the room's part.
    scheduleFlush: () => {
      if (flushQueued) return;
      flushQueued = true;
      setImmediate(() => { flushQueued = false; room.flush(); });
    },
  } as unknown as HostServer;
  let flushQueued = false;
  const room = new PubSub(srv);
  let nextSlot = 0;
  const client = (proto = 2): FakeClient => {
    const slot = nextSlot++;
    protos.set(slot, proto);
    const c = {
      slot, id: slot + 1, name: '', addr: '127.0.0.1:1', laddr: '127.0.0.1:2', fd: 5, createdAt: Date.now(),
      lastInteraction: Date.now(), lastCmd: 'subscribe', monitor: false, noEvict: false, closeAfterReply: false,
      writes: [] as Buffer[], killed: false, proto,
      socket: { writableLength: 0, write(b: Buffer) { c.writes.push(b); return true; }, isPaused: () => false },
      pendingOut: () => (c.socket as any).writableLength + (c.pushBytes ?? 0),
      kill: () => { c.killed = true; room.dropClient(c); c.socket = null; },
    } as unknown as FakeClient;
    return c;
  };
  const flagsOf = (c: HostClient) => flags.get(c.slot) ?? 0;
  return { room, srv, client, logs, flagsOf, listeners };
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const msg = (ch: string, m: string, push = false) => `${push ? '>' : '*'}3\r\n$7\r\nmessage\r\n$${ch.length}\r\n${ch}\r\n$${m.length}\r\n${m}\r\n`;
const text = (bufs: Buffer[]) => Buffer.concat(bufs).toString('latin1');

describe('pub/sub room', () => {
  it('queues messages and writes each subscriber once per event-loop pass, in order', async () => {
    const { room, client } = setup();
    const a = client();
    const b = client(3);
    room.subscribe(a, Buffer.from('ch'));
    room.subscribe(b, 'ch');
    for (let i = 0; i < 100; i++) expect(room.publish(Buffer.from('ch'), Buffer.from(`m${i}`))).toBe(2);
    expect(a.writes.length).toBe(0);
    await tick();
    expect(a.writes.length).toBe(1);
    expect(b.writes.length).toBe(1);
    expect(text(a.writes)).toBe(Array.from({ length: 100 }, (_, i) => msg('ch', `m${i}`)).join(''));
    expect(text(b.writes)).toBe(Array.from({ length: 100 }, (_, i) => msg('ch', `m${i}`, true)).join(''));
  });

  it('subscribers with identical queues share one joined buffer', async () => {
    const { room, client } = setup();
    const subs = Array.from({ length: 5 }, () => client());
    for (const s of subs) room.subscribe(s, 'x');
    room.publish(Buffer.from('x'), Buffer.from('1'));
    room.publish(Buffer.from('x'), Buffer.from('2'));
    await tick();
    for (const s of subs.slice(1)) expect(s.writes[0]).toBe(subs[0].writes[0]);
    expect(text(subs[4].writes)).toBe(msg('x', '1') + msg('x', '2'));
  });

  it('the client being served gets its messages among its replies; queued ones are taken first, never twice', async () => {
    const { room, client } = setup();
    const c = client(3);
    room.subscribe(c, 'me');
    room.publish(Buffer.from('me'), Buffer.from('queued'));
    // The server starts serving c: the queued message goes before its replies.
    const out: Buffer[] = [];
    room.takePending(c, out);
    c.replyQueue = out;
    out.push(Buffer.from('+reply1\r\n'));
    room.publish(Buffer.from('me'), Buffer.from('during'));
    out.push(Buffer.from('+reply2\r\n'));
    c.replyQueue = undefined;
    // After it was served, before the flush: queued again, written once.
    room.publish(Buffer.from('me'), Buffer.from('after'));
    await tick();
    expect(text(out)).toBe(`${msg('me', 'queued', true)}+reply1\r\n${msg('me', 'during', true)}+reply2\r\n`);
    expect(text(c.writes)).toBe(msg('me', 'after', true));
  });

  it('counts, CLIENT LIST fields and CF_PUBSUB follow the subscriptions', () => {
    const { room, client, flagsOf } = setup();
    const c = client();
    room.subscribe(c, 'a');
    room.psubscribe(c, 'p*');
    room.ssubscribe(c, 's');
    room.syncClient(c);
    expect([c.subCount, c.psubCount, c.ssubCount]).toEqual([1, 1, 1]);
    expect(flagsOf(c) & CF_PUBSUB).toBe(CF_PUBSUB);
    expect([room.channelCount, room.patternCount, room.shardChannelCount]).toEqual([1, 1, 1]);
    expect(PubSub.subscriptionCount(c)).toBe(2);
    expect(room.unsubscribe(c, 'a')).toBe(true);
    expect(room.unsubscribe(c, 'a')).toBe(false);
    expect(room.punsubscribe(c, 'p*')).toBe(true);
    room.syncClient(c);
    expect(flagsOf(c) & CF_PUBSUB).toBe(CF_PUBSUB);
    room.dropClient(c);
    expect(flagsOf(c) & CF_PUBSUB).toBe(0);
    expect([room.channelCount, room.patternCount, room.shardChannelCount]).toEqual([0, 0, 0]);
  });

  it('the hard limit closes a subscriber at once, with Redis\'s log line; the others keep receiving', async () => {
    const { room, client, logs } = setup({ pubsub: { hard: 1000, soft: 0, secs: 0 } });
    const slow = client();
    const fine = client();
    room.subscribe(slow, 'c');
    room.subscribe(fine, 'c');
    room.syncClient(slow);
    room.syncClient(fine);
    (slow.socket as any).writableLength = 990;
    room.publish(Buffer.from('c'), Buffer.from('0123456789'));
    expect(slow.closeAsap).toBe(true);
    expect(logs[0]).toMatch(/^Client id=1 addr=127\.0\.0\.1:1 .* flags=PA? .* scheduled to be closed ASAP for overcoming of output buffer limits\.$/);
    // Nothing more is queued for it; it still counts until it is closed.
    expect(room.publish(Buffer.from('c'), Buffer.from('x'))).toBe(2);
    await tick();
    expect(slow.killed).toBe(true);
    expect(slow.writes.length).toBe(0);
    expect(text(fine.writes)).toBe(msg('c', '0123456789') + msg('c', 'x'));
    expect(room.publish(Buffer.from('c'), Buffer.from('y'))).toBe(1);
    expect(logs.length).toBe(1);
  });

  it('the soft limit closes only when exceeded for longer than its seconds; dropping under resets it', () => {
    const { room, client } = setup({ pubsub: { hard: 0, soft: 100, secs: 1 } });
    const c = client();
    room.subscribe(c, 'c');
    room.syncClient(c);
    const sock = c.socket as any;
    sock.writableLength = 200;
    room.checkOutputLimit(c);
    expect(c.closeAsap).toBeFalsy();
    expect(c.obufSoftSince).toBeGreaterThan(0);
    sock.writableLength = 0;
    room.checkOutputLimit(c);
    expect(c.obufSoftSince).toBe(0);
    sock.writableLength = 200;
    room.checkOutputLimit(c);
    c.obufSoftSince! -= 1;
    room.checkOutputLimit(c);
    expect(c.closeAsap).toBeFalsy();
    c.obufSoftSince! -= 1;
    room.checkOutputLimit(c);
    expect(c.closeAsap).toBe(true);
  });

  it('a client without subscriptions is held to the normal class', () => {
    const { room, client } = setup({ normal: { hard: 100, soft: 0, secs: 0 }, pubsub: { hard: 0, soft: 0, secs: 0 } });
    const sub = client();
    const plain = client();
    room.subscribe(sub, 'c');
    room.syncClient(sub);
    (sub.socket as any).writableLength = 1000;
    (plain.socket as any).writableLength = 1000;
    room.checkOutputLimit(sub);
    expect(sub.closeAsap).toBeFalsy();
    room.checkOutputLimit(plain);
    expect(plain.closeAsap).toBe(true);
  });

  it('CONFIG SET of client-output-buffer-limit applies at once', () => {
    const { room, client, listeners, srv } = setup({ pubsub: { hard: 0, soft: 0, secs: 0 } });
    const c = client();
    room.subscribe(c, 'c');
    room.syncClient(c);
    (c.socket as any).writableLength = 5000;
    room.checkOutputLimit(c);
    expect(c.closeAsap).toBeFalsy();
    (srv.config as any).outputBufferLimit = () => ({ hard: 4096, soft: 0, secs: 0 });
    for (const l of listeners) l('client-output-buffer-limit');
    room.checkOutputLimit(c);
    expect(c.closeAsap).toBe(true);
  });
});
