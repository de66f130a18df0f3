// Reply buffers reused (src/host/outpool.ts): the pool's own rules, then
// the property that matters over real sockets: a reused buffer never
// carries bytes into a reply still waiting to be written. Every reply must
// arrive intact and in order to every client.
import { describe, it, expect, afterAll } from 'vitest';
import net from 'node:net';
import { OutputPool } from '../../src/host/outpool.js';
import { startServer } from '../helpers/server.js';

describe('OutputPool', () => {
  it('serves small and huge replies from Node, mid-sized ones from buffers it takes back', () => {
    const pool = new OutputPool();
    const small = pool.take(100);
    pool.give(small);
    const a = pool.take(5000);
    expect(a.length).toBe(5000);
    expect(a.buffer.byteLength).toBe(8192);
    pool.give(a);
    // The same memory again, for any length up to its capacity.
    const b = pool.take(7000);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(7000);
    // Not handed out twice while taken.
    const c = pool.take(7000);
    expect(c.buffer).not.toBe(b.buffer);
    const huge = pool.take(1 << 20);
    expect(huge.length).toBe(1 << 20);
  });

  it('takes back only whole buffers it made, each once, and keeps a few', () => {
    const pool = new OutputPool();
    const foreign = Buffer.allocUnsafeSlow(8192);
    pool.give(foreign);
    expect(pool.take(8000).buffer).not.toBe(foreign.buffer);
    const a = pool.take(5000);
    pool.give(a);
    pool.give(a);
    const x = pool.take(5000);
    const y = pool.take(5000);
    expect(x.buffer).toBe(a.buffer);
    expect(y.buffer).not.toBe(a.buffer);
    // A view into the middle of one of ours is not the whole buffer.
    pool.give(x.subarray(10));
    expect(pool.take(5000).buffer).not.toBe(x.buffer);
    const many = Array.from({ length: 10 }, () => pool.take(6000));
    for (const m of many) pool.give(m);
    const back = new Set(many.map((m) => m.buffer));
    let reused = 0;
    for (let i = 0; i < 10; i++) if (back.has(pool.take(6000).buffer)) reused++;
    expect(reused).toBe(4);
  });
});

describe('reply buffers over TCP', () => {
  let stop: (() => Promise<void>) | null = null;
  afterAll(async () => { await stop?.(); });

  it('replies stay intact while their buffers are reused among clients, one of them not reading', async () => {
    const { server, port } = await startServer();
    stop = () => server.close();
    // Sizes the pool serves (4 KiB to 256 KiB). Fast readers return their
    // buffers all the time; the reader that stops reading has replies
    // waiting in the kernel and, once it is full, in its socket.
    const values: string[] = [];
    for (let i = 0; i < 40; i++) values.push(String.fromCharCode(65 + (i % 26)).repeat(4200 + i * 271) + `#${i}`);
    const load = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => load.once('connect', () => r()));
    let req = '';
    values.forEach((v, i) => { req += `*3\r\n$3\r\nSET\r\n$${`v${i}`.length}\r\nv${i}\r\n$${v.length}\r\n${v}\r\n`; });
    load.write(req);
    await readReplies(load, values.length);
    load.destroy();

    const ROUNDS = 60;
    let expected = '';
    for (let r = 0; r < ROUNDS; r++) for (const v of values) expected += `$${v.length}\r\n${v}\r\n`;
    const get = (i: number) => `*2\r\n$3\r\nGET\r\n$${`v${i}`.length}\r\nv${i}\r\n`;
    const readers = await Promise.all(Array.from({ length: 4 }, () => new Promise<net.Socket>((r) => {
      const s = net.connect(port, '127.0.0.1', () => r(s));
    })));
    // One request per event-loop turn: each is its own reply buffer.
    const results = readers.map(async (s, k) => {
      const slow = k === 0;
      const chunks: Buffer[] = [];
      let got = 0;
      let done!: () => void;
      const all = new Promise<void>((r) => { done = r; });
      s.on('data', (d: Buffer) => {
        chunks.push(d);
        got += d.length;
        if (got >= expected.length) done();
      });
      // The slow reader reads nothing until it has sent every request (tens
      // of megabytes of replies: more than the kernel's socket buffers hold).
      if (slow) s.pause();
      for (let r = 0; r < ROUNDS; r++) {
        for (let i = 0; i < values.length; i++) {
          s.write(get(i));
          await new Promise((res) => setImmediate(res));
        }
      }
      if (slow) s.resume();
      await all;
      return Buffer.concat(chunks).toString('latin1');
    });
    const texts = await Promise.all(results);
    for (const s of readers) s.destroy();
    for (const t of texts) {
      expect(t.length).toBe(expected.length);
      expect(t === expected).toBe(true);
    }
  }, 120000);
});

function readReplies(s: net.Socket, n: number): Promise<void> {
  return new Promise((resolve) => {
    let lines = 0;
    s.on('data', (d: Buffer) => {
      for (const b of d) if (b === 10) lines++;
      if (lines >= n) resolve();
    });
  });
}
