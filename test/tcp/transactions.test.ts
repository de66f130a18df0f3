// Transactions under concurrency, through real clients over TCP: EXEC runs
// its queue with no other client's command in between, and WATCH-based
// optimistic updates from many clients converge on the exact result.
// Also the patterns users build on MULTI: a fixed-window rate limiter.
import { describe, it, expect } from 'vitest';
import { createClient } from 'redis';
import { RawClient } from '../helpers/server.js';
import { serverWithClients } from '../helpers/clients.js';

const srv = serverWithClients();
const client = srv.client;

describe('transactions over TCP', () => {
  it('WATCH/MULTI/EXEC optimistic increments from 50 clients end exact', async () => {
    const setup = client();
    await setup.set('counter', '0');
    const clients = Array.from({ length: 50 }, () => client());
    let retries = 0;
    const PER_CLIENT = 2;
    await Promise.all(clients.map(async (c) => {
      for (let done = 0; done < PER_CLIENT;) {
        await c.watch('counter');
        const v = Number(await c.get('counter'));
        // Yield so that other clients interleave between GET and EXEC.
        await new Promise((r) => setImmediate(r));
        const res = await c.multi().set('counter', String(v + 1)).exec();
        if (res === null) retries++;
        else done++;
      }
    }));
    expect(await setup.get('counter')).toBe(String(50 * PER_CLIENT));
    // The test only means something if conflicts happened.
    expect(retries).toBeGreaterThan(0);
  }, 60_000);

  it('no other client runs between the commands of an EXEC', async () => {
    const a = await RawClient.connect(srv.port);
    const b = await RawClient.connect(srv.port);
    // A long transaction of appends, and another client appending meanwhile:
    // the transaction's appends must be contiguous in the result.
    const n = 2000;
    let tx = 'DEL log\r\nMULTI\r\n';
    for (let i = 0; i < n; i++) tx += 'APPEND log a\r\n';
    tx += 'EXEC\r\n';
    let other = '';
    for (let i = 0; i < 200; i++) other += 'APPEND log b\r\n';
    a.write(tx);
    b.write(other);
    for (let i = 0; i < n + 3; i++) await a.readRaw();
    for (let i = 0; i < 200; i++) await b.readRaw();
    a.send('GET', 'log');
    const log = (await a.read()) as string;
    expect(log.length).toBe(n + 200);
    expect(log).toMatch(/^b*a{2000}b*$/);
    a.close();
    b.close();
  });

  it('fixed-window rate limiter: INCR + EXPIRE NX in MULTI (ioredis and node-redis)', async () => {
    const r = client();
    const limit = 5;
    const allowed = async (user: string): Promise<boolean> => {
      const res = await r.multi().incr(`rl:${user}`).expire(`rl:${user}`, 60, 'NX').exec();
      return (res![0][1] as number) <= limit;
    };
    const results: boolean[] = [];
    for (let i = 0; i < 8; i++) results.push(await allowed('u1'));
    expect(results).toEqual([true, true, true, true, true, false, false, false]);
    expect(await r.ttl('rl:u1')).toBeGreaterThan(55);

    const nr = createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false } });
    nr.on('error', () => {});
    await nr.connect();
    const replies = await nr.multi().incr('rl:u2').expire('rl:u2', 60, 'NX').incr('rl:u2').exec();
    expect(replies).toEqual([1, 1, 2]);
    await nr.disconnect();
  });

  it('a transaction aborted by a queuing error changes nothing (node-redis sees EXECABORT)', async () => {
    const raw = await RawClient.connect(srv.port);
    raw.send('MULTI');
    expect(await raw.read()).toBe('OK');
    raw.send('SET', 'untouched', 'x');
    expect(await raw.read()).toBe('QUEUED');
    raw.send('SET', 'untouched');
    expect(await raw.read()).toEqual({ error: "ERR wrong number of arguments for 'set' command" });
    raw.send('EXEC');
    expect(await raw.read()).toEqual({ error: 'EXECABORT Transaction discarded because of previous errors.' });
    raw.send('EXISTS', 'untouched');
    expect(await raw.read()).toBe(0);
    raw.close();
  });

  it('CLIENT LIST shows flag x and the queued count; a dropped connection forgets its watches', async () => {
    const a = await RawClient.connect(srv.port);
    a.send('MULTI');
    await a.read();
    a.send('PING');
    await a.read();
    a.send('CLIENT', 'INFO');
    await a.read();
    const b = client();
    const list = (await b.client('LIST')) as string;
    expect(list).toMatch(/flags=x .*multi=2 /);
    a.send('DISCARD');
    await a.read();
    // Watches of a closed connection are released (a new watcher works normally).
    a.send('WATCH', 'w1', 'w2');
    await a.read();
    a.close();
    await new Promise((r) => setTimeout(r, 50));
    const c = client();
    await c.watch('w1');
    expect(await c.multi().set('w1', '1').exec()).toEqual([[null, 'OK']]);
  });
  it('an EXEC resumed after a host command reads the rest of its queue', async () => {
    // The queue is the input while EXEC runs; it was freed when the engine
    // resumed after the first host command, and a new key's allocation then
    // took the block and overwrote the commands still to run (the last reply
    // went missing). Short queues, as their block is the size new keys take.
    const a = await RawClient.connect(srv.port);
    const id = await a.cmd('CLIENT', 'ID');
    for (let i = 0; i < 10; i++) {
      for (const q of [['MULTI'], ['CLIENT', 'ID'], ['SET', `fresh:${i}`, i], ['CLIENT', 'ID']]) a.send(...q);
      a.send('EXEC');
      for (const want of ['OK', 'QUEUED', 'QUEUED', 'QUEUED']) expect(await a.read()).toBe(want);
      expect(await a.read()).toEqual([id, 'OK', id]);
    }
    expect(await a.cmd('PING')).toBe('PONG');
    a.close();
  });
});
