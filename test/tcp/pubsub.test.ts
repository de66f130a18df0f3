// Pub/sub over TCP, the parts a differential script cannot show: order under
// load (1000 pipelined messages, 50 subscribers), replies and RESP3 pushes
// interleaved on one connection, client-output-buffer-limit cutting off a
// subscriber that never reads (hard limit, soft limit with its seconds, and
// the normal class), sockets closed mid-subscription and mid-flood, CLIENT
// KILL TYPE pubsub, CLIENT PAUSE holding PUBLISH, and the INFO counts.
// Expected values were checked against redis-server 7.0.15.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawClient } from '../helpers/server.js';
import { encodeCommand, RespValue } from '../helpers/resp.js';
import { Server } from '../../src/server/server.js';
import { Config } from '../../src/host/config.js';

let server: Server;
let port: number;
const logs: string[] = [];

beforeAll(async () => {
  const config = new Config();
  config.set('dir', mkdtempSync(join(tmpdir(), 'vermilion-')));
  server = new Server({ config, log: (_level, msg) => { logs.push(msg); } });
  port = await server.listen(0, ['127.0.0.1']);
});
afterAll(async () => { await server.close(); });

const connect = () => RawClient.connect(port);

async function admin(...args: (string | number)[]): Promise<RespValue> {
  const c = await connect();
  try {
    return await c.cmd(...args);
  } finally {
    c.close();
  }
}

/** Reads `n` replies/pushes. */
async function readN(c: RawClient, n: number): Promise<RespValue[]> {
  const out: RespValue[] = [];
  for (let i = 0; i < n; i++) out.push(await c.read());
  return out;
}

async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const numsub = async (ch: string) => ((await admin('PUBSUB', 'NUMSUB', ch)) as RespValue[])[1];

async function infoStats(): Promise<Record<string, string>> {
  const text = String(await admin('INFO', 'stats'));
  return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':') as [string, string]));
}

describe('pub/sub ordering and fan-out', () => {
  it('1000 pipelined messages arrive in publish order', async () => {
    const sub = await connect();
    expect(await sub.cmd('SUBSCRIBE', 'ord')).toEqual(['subscribe', 'ord', 1]);
    const pub = await connect();
    const batch = Buffer.concat(Array.from({ length: 1000 }, (_, i) => encodeCommand(['PUBLISH', 'ord', `m${i}`])));
    pub.write(batch);
    expect(await readN(pub, 1000)).toEqual(Array(1000).fill(1));
    const got = await readN(sub, 1000);
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => ['message', 'ord', `m${i}`]));
    // One by one, with a pattern subscription too: message, then pmessage, each time.
    expect(await sub.cmd('PSUBSCRIBE', 'o*')).toEqual(['psubscribe', 'o*', 2]);
    for (let i = 0; i < 50; i++) expect(await pub.cmd('PUBLISH', 'ord', `n${i}`)).toBe(2);
    const both = await readN(sub, 100);
    for (let i = 0; i < 50; i++) {
      expect(both[2 * i]).toEqual(['message', 'ord', `n${i}`]);
      expect(both[2 * i + 1]).toEqual(['pmessage', 'o*', 'ord', `n${i}`]);
    }
    sub.close();
    pub.close();
  });

  it('50 subscribers each get every message, in order; PUBLISH counts them', async () => {
    const subs = await Promise.all(Array.from({ length: 50 }, () => connect()));
    for (const [i, s] of subs.entries()) {
      // Half by channel, half by pattern; every fifth in RESP3.
      if (i % 5 === 0) await s.cmd('HELLO', '3');
      const r = i % 2 === 0 ? await s.cmd('SUBSCRIBE', 'fan') : await s.cmd('PSUBSCRIBE', 'fa?');
      expect(r).toEqual(i % 5 === 0 ? { push: [i % 2 === 0 ? 'subscribe' : 'psubscribe', i % 2 === 0 ? 'fan' : 'fa?', 1] } : expect.anything());
    }
    const pub = await connect();
    pub.write(Buffer.concat(Array.from({ length: 200 }, (_, i) => encodeCommand(['PUBLISH', 'fan', `x${i}`]))));
    expect(await readN(pub, 200)).toEqual(Array(200).fill(50));
    for (const [i, s] of subs.entries()) {
      const frames = await readN(s, 200);
      const want = Array.from({ length: 200 }, (_, k) => (i % 2 === 0 ? ['message', 'fan', `x${k}`] : ['pmessage', 'fa?', 'fan', `x${k}`]));
      expect(frames).toEqual(i % 5 === 0 ? want.map((w) => ({ push: w })) : want);
    }
    for (const s of subs) s.close();
    pub.close();
    await eventually(async () => (await numsub('fan')) === 0);
  });

  it('RESP3: replies and pushes keep their order on one connection', async () => {
    const c = await connect();
    await c.cmd('HELLO', '3');
    expect(await c.cmd('SUBSCRIBE', 'me')).toEqual({ push: ['subscribe', 'me', 1] });
    const other = await connect();
    c.write(Buffer.concat([
      ['GET', 'r3k'], ['PUBLISH', 'me', 'a'], ['SET', 'r3k', 'v'], ['PUBLISH', 'me', 'b'], ['GET', 'r3k'], ['DEL', 'r3k'],
    ].map((a) => encodeCommand(a))));
    expect(await readN(c, 8)).toEqual([
      null, { push: ['message', 'me', 'a'] }, 1, 'OK', { push: ['message', 'me', 'b'] }, 1, 'v', 1,
    ]);
    // Another client's message lands between this client's replies, never inside one.
    expect(await other.cmd('PUBLISH', 'me', 'from other')).toBe(1);
    expect(await c.cmd('ECHO', 'after')).toEqual({ push: ['message', 'me', 'from other'] });
    expect(await c.read()).toBe('after');
    c.close();
    other.close();
  });

  it('a RESP2 subscriber is refused other commands in the same write as its SUBSCRIBE', async () => {
    const c = await connect();
    c.write(Buffer.concat([encodeCommand(['SUBSCRIBE', 'p']), encodeCommand(['GET', 'x']), encodeCommand(['PING'])]));
    expect(await readN(c, 3)).toEqual([
      ['subscribe', 'p', 1],
      { error: "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context" },
      ['pong', ''],
    ]);
    expect(await c.cmd('QUIT')).toBe('OK');
    await c.waitClosed();
  });

  it('PUBLISH waits out CLIENT PAUSE WRITE; SUBSCRIBE does not', async () => {
    const sub = await connect();
    const pub = await connect();
    expect(await admin('CLIENT', 'PAUSE', 300, 'WRITE')).toBe('OK');
    const t0 = Date.now();
    expect(await sub.cmd('SUBSCRIBE', 'paused')).toEqual(['subscribe', 'paused', 1]);
    expect(Date.now() - t0).toBeLessThan(250);
    expect(await pub.cmd('PUBLISH', 'paused', 'held')).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await sub.read()).toEqual(['message', 'paused', 'held']);
    sub.close();
    pub.close();
  });
});

describe('large subscription sets', () => {
  it('50,000 channels and 20,000 patterns on one client: subscribe, publish, unsubscribe all, disconnect', async () => {
    const c = await connect();
    const chans = Array.from({ length: 50_000 }, (_, i) => `big:${i}`);
    const pats = Array.from({ length: 20_000 }, (_, i) => `pat:${i}:*`);
    c.send('SUBSCRIBE', ...chans);
    const subs = await readN(c, chans.length);
    expect(subs[subs.length - 1]).toEqual(['subscribe', 'big:49999', 50_000]);
    c.send('PSUBSCRIBE', ...pats);
    const psubs = await readN(c, pats.length);
    expect(psubs[psubs.length - 1]).toEqual(['psubscribe', 'pat:19999:*', 70_000]);
    expect(await admin('PUBLISH', 'pat:77:x', 'm')).toBe(1);
    expect(await c.read()).toEqual(['pmessage', 'pat:77:*', 'pat:77:x', 'm']);
    // Unsubscribing from all: each name once, counts down to the patterns left.
    c.send('UNSUBSCRIBE');
    const unsubs = await readN(c, chans.length);
    expect(unsubs[0]).toEqual(['unsubscribe', 'big:0', 69_999]);
    expect(unsubs[unsubs.length - 1]).toEqual(['unsubscribe', 'big:49999', 20_000]);
    c.send('PUNSUBSCRIBE', ...pats.slice(0, 10_000));
    expect((await readN(c, 10_000))[9_999]).toEqual(['punsubscribe', 'pat:9999:*', 10_000]);
    c.send('SUBSCRIBE', ...chans);
    await readN(c, chans.length);
    // A disconnect with 60,000 subscriptions clears them all.
    c.close();
    await eventually(async () => (await admin('PUBSUB', 'NUMPAT')) === 0);
    expect((await infoStats()).pubsub_channels).toBe('0');
  });
});

describe('subscribers that go away', () => {
  it('sockets closed mid-subscription and mid-flood leave the room consistent', async () => {
    const subs = await Promise.all(Array.from({ length: 20 }, () => connect()));
    for (const s of subs) {
      await readN((s.send('SUBSCRIBE', 'flood', 'keep'), s), 2);
      await s.cmd('PSUBSCRIBE', 'flo*');
      await s.cmd('SSUBSCRIBE', 'shard');
    }
    expect(await numsub('flood')).toBe(20);
    const pub = await connect();
    const burst = Buffer.concat(Array.from({ length: 300 }, (_, i) => encodeCommand(['PUBLISH', 'flood', `f${i}`])));
    pub.write(burst);
    // Half the subscribers drop while the burst is being delivered.
    for (const s of subs.slice(0, 10)) s.close();
    pub.write(burst);
    const counts = (await readN(pub, 600)) as number[];
    // Each publish counts the subscriptions standing when it ran.
    expect(counts.every((n) => n >= 20 && n <= 40)).toBe(true);
    await eventually(async () => (await numsub('flood')) === 10);
    expect(await admin('PUBSUB', 'NUMPAT')).toBe(1);
    expect(await admin('PUBSUB', 'SHARDNUMSUB', 'shard')).toEqual(['shard', 10]);
    // Those left got all 600 messages and their pmessages, in order.
    for (const s of subs.slice(10)) {
      const frames = await readN(s, 1200);
      const msgs = frames.filter((f) => Array.isArray(f) && f[0] === 'message').map((f) => (f as string[])[2]);
      expect(msgs).toEqual([...Array(300).keys(), ...Array(300).keys()].map((i) => `f${i}`));
      s.close();
    }
    pub.close();
    await eventually(async () => (await numsub('flood')) === 0);
    const st = await infoStats();
    expect([st.pubsub_channels, st.pubsub_patterns, st.pubsubshard_channels]).toEqual(['0', '0', '0']);
  });

  it('CLIENT KILL TYPE pubsub closes subscribers only', async () => {
    const a = await connect();
    const b = await connect();
    const plain = await connect();
    await a.cmd('SUBSCRIBE', 'k1');
    await b.cmd('HELLO', '3');
    await b.cmd('SSUBSCRIBE', 'k2');
    const list = ((await plain.cmd('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string).trim().split('\n');
    expect(list.map((l) => / flags=(\S+) .* sub=(\d+) psub=(\d+) ssub=(\d+)/.exec(l)!.slice(1))).toEqual([['P', '1', '0', '0'], ['P', '0', '0', '1']]);
    expect(await plain.cmd('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(2);
    await a.waitClosed();
    await b.waitClosed();
    expect(await plain.cmd('PING')).toBe('PONG');
    expect(await plain.cmd('PUBSUB', 'NUMSUB', 'k1')).toEqual(['k1', 0]);
    plain.close();
  });
});

describe('client-output-buffer-limit', () => {
  const ASAP = /^Client id=(\d+) addr=\S+ laddr=\S+ fd=\S+ name=\S* age=\d+ idle=\d+ flags=P .* omem=(\d+) .* scheduled to be closed ASAP for overcoming of output buffer limits\.$/;

  afterAll(async () => { await admin('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 pubsub 32mb 8mb 60'); });

  it('a subscriber that never reads is closed at the hard limit; readers are not', async () => {
    expect(await admin('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 512kb 60')).toBe('OK');
    const stuck = await connect();
    const reader = await connect();
    const stuckId = String(await stuck.cmd('CLIENT', 'ID'));
    expect(await stuck.cmd('SUBSCRIBE', 'big')).toEqual(['subscribe', 'big', 1]);
    expect(await reader.cmd('SUBSCRIBE', 'big')).toEqual(['subscribe', 'big', 1]);
    stuck.socket.pause();
    let received = 0;
    const pub = await connect();
    const msg = 'x'.repeat(100_000);
    let last = 2;
    // The kernel's socket buffers take a few MB before the server holds anything.
    for (let i = 0; i < 400 && last === 2; i++) {
      last = (await pub.cmd('PUBLISH', 'big', msg)) as number;
      for (; received <= i; received++) expect(((await reader.read()) as string[])[2].length).toBe(100_000);
    }
    expect(last).toBe(1);
    const line = logs.find((l) => ASAP.test(l) && ASAP.exec(l)![1] === stuckId);
    expect(line, logs.join('\n')).toBeTruthy();
    expect(Number(ASAP.exec(line!)![2])).toBeGreaterThanOrEqual(1024 * 1024);
    expect(await numsub('big')).toBe(1);
    stuck.socket.resume();
    await stuck.waitClosed();
    reader.close();
    pub.close();
  });

  it('the soft limit closes only after its seconds have passed', async () => {
    expect(await admin('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 256kb 1')).toBe('OK');
    const stuck = await connect();
    const stuckId = String(await stuck.cmd('CLIENT', 'ID'));
    expect(await stuck.cmd('SUBSCRIBE', 'soft')).toEqual(['subscribe', 'soft', 1]);
    stuck.socket.pause();
    const pub = await connect();
    const msg = 'y'.repeat(64 * 1024);
    // Fill until the server itself holds output past the soft limit.
    let omem = 0;
    for (let i = 0; i < 400 && omem < 256 * 1024; i++) {
      expect(await pub.cmd('PUBLISH', 'soft', msg)).toBe(1);
      const line = String(await admin('CLIENT', 'LIST', 'ID', stuckId));
      omem = Number(/omem=(\d+)/.exec(line)![1]);
    }
    expect(omem).toBeGreaterThanOrEqual(256 * 1024);
    // Over the soft limit, but not for more than a second yet.
    expect(await pub.cmd('PUBLISH', 'soft', 'x')).toBe(1);
    expect(await numsub('soft')).toBe(1);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await pub.cmd('PUBLISH', 'soft', 'x')).toBe(1);
    await eventually(async () => (await numsub('soft')) === 0);
    expect(logs.some((l) => ASAP.test(l) && ASAP.exec(l)![1] === stuckId)).toBe(true);
    stuck.socket.resume();
    await stuck.waitClosed();
    pub.close();
  });

  it('a normal client uses the normal class (unlimited by default)', async () => {
    const big = 'z'.repeat(4 * 1024 * 1024);
    const c = await connect();
    expect(await c.cmd('SET', 'obuf:big', big)).toBe('OK');
    c.socket.pause();
    c.write(Buffer.concat(Array.from({ length: 4 }, () => encodeCommand(['GET', 'obuf:big']))));
    await new Promise((r) => setTimeout(r, 200));
    expect(c.closed).toBe(false);
    c.socket.resume();
    for (let i = 0; i < 4; i++) expect(((await c.read()) as string).length).toBe(big.length);
    // With a normal limit, the same client is cut off.
    expect(await admin('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0')).toBe('OK');
    c.socket.pause();
    c.write(Buffer.concat(Array.from({ length: 4 }, () => encodeCommand(['GET', 'obuf:big']))));
    c.socket.resume();
    await c.waitClosed();
    expect(logs.some((l) => /flags=N .* scheduled to be closed ASAP for overcoming of output buffer limits\.$/.test(l))).toBe(true);
    expect(await admin('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0')).toBe('OK');
    expect(await admin('DEL', 'obuf:big')).toBe(1);
  });
});

describe('INFO and CLIENT LIST', () => {
  it('INFO stats counts channels, patterns and shard channels with subscribers', async () => {
    const a = await connect();
    const b = await connect();
    await readN((a.send('SUBSCRIBE', 'i1', 'i2'), a), 2);
    await readN((a.send('PSUBSCRIBE', 'i*', 'j*'), a), 2);
    await b.cmd('PSUBSCRIBE', 'i*');
    await b.cmd('SSUBSCRIBE', 'is');
    const st = await infoStats();
    expect([st.pubsub_channels, st.pubsub_patterns, st.pubsubshard_channels]).toEqual(['2', '2', '1']);
    a.close();
    b.close();
    await eventually(async () => (await infoStats()).pubsub_patterns === '0');
  });
});
