// Existing clients on the embedded store without TCP: ioredis over the
// in-process Duplex (its Connector option), node-redis over the IPC
// endpoint (its socket.path option), and the raw stream itself (pipelined
// input split anywhere, backpressure, QUIT, the store closing under it).
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { Vermilion } from '../../src/index.js';

const opened: Vermilion[] = [];
async function open(): Promise<Vermilion> {
  const db = await Vermilion.open({ debug: true });
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

/** Reads from a stream until `n` bytes (or more) arrived. */
function collect(s: NodeJS.ReadableStream, n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const on = (d: Buffer) => {
      got += d.toString('latin1');
      if (got.length >= n) { s.off('data', on); resolve(got); }
    };
    s.on('data', on);
    s.once('error', reject);
  });
}

describe('in-process connection', () => {
  it('runs RESP written in arbitrary pieces and answers in order', async () => {
    const db = await open();
    const c = db.connection();
    const req = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n';
    const want = '+OK\r\n$1\r\nv\r\n+PONG\r\n';
    const got = collect(c, want.length);
    for (let i = 0; i < req.length; i += 3) c.write(req.slice(i, i + 3));
    expect(await got).toBe(want);
    // The rest of a command arrives later.
    const more = collect(c, 19);
    c.write('$2\r\nhz\r\n');
    expect(await more).toBe('*2\r\n$2\r\nhz\r\n$2\r\n10\r\n');
    c.destroy();
  });

  it('is shown by CLIENT LIST and closed by QUIT', async () => {
    const db = await open();
    const c = db.connection('tool');
    expect(db.sync.client('LIST')).toMatch(/addr=tool:0/);
    const closed = new Promise((r) => c.once('close', r));
    c.resume();
    c.write('QUIT\r\n');
    await closed;
    expect(db.sync.client('LIST')).not.toMatch(/addr=tool:0/);
  });

  it('stops running input while the reader does not take the replies', async () => {
    const db = await open();
    db.sync.set('v', 'x'.repeat(1 << 16));
    const c = db.connection();
    const get = '*2\r\n$3\r\nGET\r\n$1\r\nv\r\n';
    for (let i = 0; i < 200; i++) c.write(get);
    await new Promise((r) => setImmediate(r));
    // Paused: only what fits the readable buffer has run.
    const ran = Number(db.sync.info('stats').match(/total_commands_processed:(\d+)/)![1]);
    expect(ran).toBeLessThan(50);
    const all = collect(c, 200 * ((1 << 16) + 10));
    expect((await all).length).toBe(200 * ((1 << 16) + 10));
    c.destroy();
  });

  it('ends when the store closes', async () => {
    const db = await Vermilion.open({ debug: true });
    const c = db.connection();
    c.resume();
    const closed = new Promise((r) => c.once('close', r));
    await db.close();
    await closed;
    expect(() => db.connection()).toThrow(expect.objectContaining({ code: 'ECLOSED' }));
  });
});

describe('ioredis through the Connector option (no socket)', () => {
  for (const protocol of [2, 3] as const) {
    it(`connects with its handshake and runs commands (RESP${protocol})`, async () => {
      const db = await open();
      const r = new Redis({ Connector: db.ioredisConnector() as any, protocol, lazyConnect: true, maxRetriesPerRequest: 0 });
      await r.connect();
      expect(await r.ping()).toBe('PONG');
      expect(await r.set('k', 'v', 'EX', 100)).toBe('OK');
      expect(await r.get('k')).toBe('v');
      expect([99, 100]).toContain(await r.ttl('k'));
      expect(await r.incr('n')).toBe(1);
      expect(await r.pipeline().incr('n').get('n').exec()).toEqual([[null, 2], [null, '2']]);
      expect(await r.getBuffer('k')).toEqual(Buffer.from('v'));
      await expect(r.incr('k')).rejects.toThrow('ERR value is not an integer or out of range');
      // The same store the API sees.
      expect(db.sync.get('k')).toBe('v');
      expect(db.sync.client('LIST')).toMatch(/addr=ioredis:0/);
      r.disconnect();
    });
  }

  it('keeps databases apart with the db option', async () => {
    const db = await open();
    const r = new Redis({ Connector: db.ioredisConnector() as any, db: 3, lazyConnect: true });
    await r.connect();
    await r.set('dbkey', 'in-3');
    expect(await db.database(3).get('dbkey')).toBe('in-3');
    expect(db.sync.get('dbkey')).toBe(null);
    r.disconnect();
  });
});

describe('node-redis through the IPC endpoint (socket.path)', () => {
  for (const RESP of [2, 3] as const) {
    it(`connects and runs commands (RESP${RESP})`, async () => {
      const db = await open();
      const path = await db.listen(join(mkdtempSync(join(tmpdir(), 'vermilion-ipc-')), 'db.sock'));
      const c = createClient({ socket: { path, reconnectStrategy: false }, RESP });
      c.on('error', () => {});
      await c.connect();
      expect(await c.ping()).toBe('PONG');
      expect(await c.set('k', 'v', { EX: 100 })).toBe('OK');
      expect(await c.get('k')).toBe('v');
      expect(await c.incrBy('n', 5)).toBe(5);
      // 99 once half a second has passed (TTL rounds), as on a loaded machine.
      expect([99, 100]).toContain(await c.sendCommand(['TTL', 'k']));
      expect(db.sync.get('k')).toBe('v');
      await c.quit();
    });
  }

  it('stops serving when the store closes', async () => {
    const db = await Vermilion.open({ debug: true });
    const path = await db.listen(join(mkdtempSync(join(tmpdir(), 'vermilion-ipc-')), 'db.sock'));
    await db.close();
    const err = await new Promise((resolve) => net.connect(path).once('error', resolve).once('connect', () => resolve(null)));
    expect(err).toMatchObject({ code: expect.stringMatching(/ENOENT|ECONNREFUSED/) });
  });
});
