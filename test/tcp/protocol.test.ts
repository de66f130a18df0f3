// The server under hostile or clumsy clients, over real TCP: garbage, huge
// declared lengths, half commands, clients vanishing mid-reply, many clients,
// a client that never reads, and 10k pipelined commands. Whatever one
// connection does, the server must keep answering the others.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, RawClient } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';
import type { Server } from '../../src/server/server.js';
import { seeded } from '../helpers/prng.js';

let server: Server;
let port: number;

beforeAll(async () => {
  ({ server, port } = await startServer());
});
afterAll(async () => {
  await server.close();
});

/** Every connection a test opened has been closed: the server let go of it too. */
async function noClientsLeft(): Promise<void> {
  const deadline = Date.now() + 3000;
  while (server.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(server.clients.size).toBe(0);
}

/** A fresh connection must still get PONG: the server is alive and not stuck. */
async function alive(): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    expect(await c.cmd('PING')).toBe('PONG');
  } finally {
    c.close();
  }
}

/** Reads until the server closes; returns everything it sent. */
async function readToClose(c: RawClient, ms = 3000): Promise<string> {
  await c.waitClosed(ms);
  const parts: string[] = [];
  for (;;) {
    try {
      const r = await c.readRaw(10);
      parts.push(r.toString('latin1'));
    } catch {
      return parts.join('');
    }
  }
}


describe('protocol errors over TCP', () => {
  const cases: [string, string, string][] = [
    ['*2147483648 (multibulk count over 2^31-1)', '*2147483648\r\n', 'invalid multibulk length'],
    ['$2147483647 (bulk over proto-max-bulk-len)', '*1\r\n$2147483647\r\n', 'invalid bulk length'],
    ['negative bulk length', '*2\r\n$4\r\nECHO\r\n$-3\r\n', 'invalid bulk length'],
    ['a reply type where a bulk was due', '*1\r\n+PING\r\n', "expected '$', got '+'"],
    ['unbalanced quotes inline', 'SET "a b\r\n', 'unbalanced quotes in request'],
  ];
  for (const [name, bytes, text] of cases) {
    it(`${name}: error, close, server keeps serving`, async () => {
      const c = await RawClient.connect(port);
      c.write(bytes);
      expect(await readToClose(c)).toBe(`-ERR Protocol error: ${text}\r\n`);
      await alive();
    });
  }

  it('*2147483647 is accepted and waited for; closing then is harmless', async () => {
    const c = await RawClient.connect(port);
    c.write('*2147483647\r\n$4\r\nECHO\r\n');
    await expect(c.read(200)).rejects.toThrow('timeout');
    expect(c.closed).toBe(false);
    c.close();
    await alive();
  });

  it('seeded random garbage never crashes or hangs the server', async () => {
    const rnd = seeded(12345);
    for (let round = 0; round < 40; round++) {
      const len = 1 + Math.floor(rnd() * 300);
      const bytes = Buffer.alloc(len);
      // Mostly protocol-looking bytes, so the reader goes deep, plus raw noise.
      const alphabet = Buffer.from('*$\r\n0123456789-+ "\'\\xABabPINGSET');
      for (let i = 0; i < len; i++) bytes[i] = rnd() < 0.8 ? alphabet[Math.floor(rnd() * alphabet.length)] : Math.floor(rnd() * 256);
      const c = await RawClient.connect(port);
      c.write(bytes);
      // Either it answers (maybe with an error and a close) or it waits for more.
      await new Promise((r) => setTimeout(r, 5));
      c.close();
    }
    await alive();
    await noClientsLeft();
  });

  it('the connection closed after a protocol error; other connections keep their state', async () => {
    const other = await RawClient.connect(port);
    // `other` is in the middle of a command when the bad client errs.
    other.write('*3\r\n$3\r\nSET\r\n$5\r\npkey1\r\n$3\r\nv');
    const bad = await RawClient.connect(port);
    bad.write('PING\r\n*abc\r\nPING\r\n');
    expect(await readToClose(bad)).toBe('+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n');
    other.write('al\r\n');
    expect(await other.read()).toBe('OK');
    expect(await other.cmd('GET', 'pkey1')).toBe('val');
    other.close();
  });
});

describe('clients that go away', () => {
  it('half a command then close leaves no trace', async () => {
    const c = await RawClient.connect(port);
    c.write('*3\r\n$3\r\nSET\r\n$5\r\nhalf1\r\n$100\r\nabc');
    await new Promise((r) => setTimeout(r, 20));
    c.close();
    const c2 = await RawClient.connect(port);
    c2.write('SET half2 "'); // an unfinished inline line
    c2.close();
    const d = await RawClient.connect(port);
    expect(await d.cmd('GET', 'half1')).toBe(null);
    expect(await d.cmd('GET', 'half2')).toBe(null);
    d.close();
  });

  it('a client closing in the middle of a large reply', async () => {
    const setup = await RawClient.connect(port);
    const big = Buffer.alloc(8 * 1024 * 1024, 'z');
    expect(await setup.cmd('SET', 'bigval', big)).toBe('OK');
    setup.close();
    for (let i = 0; i < 5; i++) {
      const c = await RawClient.connect(port);
      const parts: Buffer[] = [];
      for (let j = 0; j < 8; j++) parts.push(encodeCommand(['GET', 'bigval']));
      c.write(Buffer.concat(parts));
      await new Promise((r) => setTimeout(r, 10));
      c.close();
    }
    await alive();
    await noClientsLeft();
  });
});

describe('load', () => {
  it('many clients at once, each with its own keys', async () => {
    const N = 150;
    const clients = await Promise.all(Array.from({ length: N }, () => RawClient.connect(port)));
    const results = await Promise.all(clients.map(async (c, i) => {
      c.write(Buffer.concat([encodeCommand(['SET', `many:${i}`, `v${i}`]), encodeCommand(['GET', `many:${i}`])]));
      return [await c.read(), await c.read()];
    }));
    results.forEach((r, i) => expect(r).toEqual(['OK', `v${i}`]));
    for (const c of clients) c.close();
    await alive();
    await noClientsLeft();
  });

  it('a client that reads nothing does not stop the others', async () => {
    const setup = await RawClient.connect(port);
    expect(await setup.cmd('SET', 'slowval', Buffer.alloc(1024 * 1024, 's'))).toBe('OK');
    setup.close();
    const slow = await RawClient.connect(port);
    slow.socket.pause();
    const parts: Buffer[] = [];
    for (let j = 0; j < 64; j++) parts.push(encodeCommand(['GET', 'slowval']));
    // 64 MiB of replies that nobody reads.
    slow.write(Buffer.concat(parts));
    const fast = await RawClient.connect(port);
    for (let i = 0; i < 50; i++) expect(await fast.cmd('ECHO', `m${i}`)).toBe(`m${i}`);
    fast.close();
    slow.close();
    await alive();
    await noClientsLeft();
  });

  it('a client that stops reading is throttled, then gets every reply in order when it reads again', async () => {
    const setup = await RawClient.connect(port);
    expect(await setup.cmd('SET', 'bpval', Buffer.alloc(256 * 1024, 'b'))).toBe('OK');
    setup.close();
    const c = await RawClient.connect(port);
    c.socket.pause();
    const n = 400; // 100 MiB of replies, and 400 KiB of requests: many reads
    const pad = 'p'.repeat(1000);
    const parts: Buffer[] = [];
    for (let j = 0; j < n; j++) parts.push(encodeCommand(['GET', 'bpval']), encodeCommand(['ECHO', `${pad}${j}`]));
    c.write(Buffer.concat(parts));
    await new Promise((r) => setTimeout(r, 500));
    // The server stops reading once the client's output backs up, so only
    // a part of the 100 MiB is waiting in the server.
    const probe = await RawClient.connect(port);
    const list = (await probe.cmd('CLIENT', 'LIST')) as string;
    probe.close();
    const omem = Math.max(...[...list.matchAll(/ omem=(\d+)/g)].map((m) => Number(m[1])));
    expect(omem).toBeGreaterThan(0);
    expect(omem).toBeLessThan(50 * 1024 * 1024);
    c.socket.resume();
    for (let j = 0; j < n; j++) {
      expect(((await c.read(20000)) as string).length).toBe(256 * 1024);
      expect(await c.read()).toBe(`${pad}${j}`);
    }
    c.close();
    await alive();
  });

  it('a pipeline of 10k commands in one write', async () => {
    const c = await RawClient.connect(port);
    const parts: Buffer[] = [];
    for (let i = 0; i < 10000; i++) {
      parts.push(i % 3 === 0 ? encodeCommand(['SET', `p:${i % 100}`, String(i)]) : i % 3 === 1 ? encodeCommand(['GET', `p:${(i - 1) % 100}`]) : Buffer.from(`ECHO e${i}\r\n`));
    }
    c.write(Buffer.concat(parts));
    for (let i = 0; i < 10000; i++) {
      const r = await c.read();
      if (i % 3 === 0) expect(r).toBe('OK');
      else if (i % 3 === 1) expect(r).toBe(String(i - 1));
      else expect(r).toBe(`e${i}`);
    }
    c.close();
  });

  it('a pipeline split across many small writes', async () => {
    const c = await RawClient.connect(port);
    const parts: Buffer[] = [];
    for (let i = 0; i < 500; i++) parts.push(encodeCommand(['ECHO', `w${i}`]));
    const all = Buffer.concat(parts);
    for (let i = 0; i < all.length; i += 7) c.write(all.subarray(i, i + 7));
    for (let i = 0; i < 500; i++) expect(await c.read()).toBe(`w${i}`);
    c.close();
  });
});
