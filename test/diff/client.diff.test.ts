// Differential test of CLIENT LIST / CLIENT INFO: one scenario drives a
// client through every state this server has (MULTI and the commands it
// queues, inside EXEC, a touched WATCH, pub/sub in RESP2 and RESP3, blocked,
// held by CLIENT PAUSE, MONITOR, CLIENT REPLY OFF/SKIP, NO-EVICT, a unix
// socket) on a real redis-server and on this server, and every line is
// compared field by field. Masked, as they differ by design: ids, ports and
// fds, age and idle, and the memory figures (qbuf-free, multi-mem, rbs, rbp,
// obl, oll, omem, tot-mem), which are this server's own accounting
// (cmd-client.ts); multi-mem is checked to grow with the queue instead.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisServerPath, RawClient, startRedis, startServer } from '../helpers/server.js';
import { encodeCommand, type RespValue } from '../helpers/resp.js';
import type { Server } from '../../src/server/server.js';

const haveRedis = redisServerPath() !== null;
const suite = haveRedis || process.env.CI ? describe : describe.skip;

const MEMORY = ['qbuf-free', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem'];

/** The reply's text: a bulk string (RESP2) or a verbatim string's body (RESP3). */
function text(v: RespValue): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'verbatim' in v) return v.verbatim.replace(/^txt:/, '');
  throw new Error(`not a CLIENT LIST reply: ${JSON.stringify(v)}`);
}

/** Fields of one line, in order, those that differ by design masked. */
function mask(line: string): string {
  return line.trim().split(' ').map((f) => {
    const eq = f.indexOf('=');
    const [k, v] = [f.slice(0, eq), f.slice(eq + 1)];
    if (k === 'id' || k === 'fd' || k === 'age' || k === 'idle' || MEMORY.includes(k)) return `${k}=*`;
    if (k === 'addr' || k === 'laddr') return `${k}=${v.startsWith('/') ? '<unix>' : v.replace(/:\d+$/, ':*')}`;
    return f;
  }).join(' ');
}

function field(line: string, name: string): number {
  return Number(new RegExp(`(?:^| )${name}=(-?\\d+)`).exec(line)![1]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run { lines: [label: string, line: string][]; multiMem: number[] }

/** Drives the states on one server; returns every observed line, labelled. */
async function scenario(port: number, unixPath: string): Promise<Run> {
  const run: Run = { lines: [], multiMem: [] };
  const obs = await RawClient.connect(port);
  const a = await RawClient.connect(port);
  const conns = [obs, a];
  try {
    await obs.cmd('FLUSHALL');
    const aid = String(await a.cmd('CLIENT', 'ID'));
    const list = async () => text(await obs.cmd('CLIENT', 'LIST', 'ID', aid)).trim();
    const see = async (label: string) => { run.lines.push([label, await list()]); };
    const self = (label: string, v: RespValue) => { run.lines.push([label, text(v).trim()]); };

    // A connection that has not sent a command yet: cmd=NULL.
    const fresh = await RawClient.connect(port);
    conns.push(fresh);
    const all = text(await obs.cmd('CLIENT', 'LIST')).trim().split('\n');
    run.lines.push(['never sent a command', all.reduce((m, l) => (field(l, 'id') > field(m, 'id') ? l : m))]);

    await see('after CLIENT ID');
    self('CLIENT INFO', await a.cmd('CLIENT', 'INFO'));
    // A read holding more than one command: qbuf is the whole read.
    a.write('*2\r\n$3\r\nGET\r\n$1\r\nx\r\n*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n');
    await a.read();
    self('CLIENT INFO behind a GET in one read', await a.read());
    for (const cmd of [['NOSUCH', 'x'], ['GET'], ['CLIENT', 'NOSUCH'], ['CLIENT'], ['CONFIG', 'GET'], ['GET', 'k']]) {
      await a.cmd(...cmd);
      await see(`after ${cmd.join(' ')}`);
    }

    // MULTI: every queued (or refused) command is cmd=, multi= counts.
    // Once a command is refused nothing more is queued (EXEC will fail).
    for (const cmd of [['MULTI'], ['SET', 'k', 'v'], ['SET', 'k', 'v'.repeat(100)], ['CLIENT', 'ID'], ['NOSUCH'], ['GET', 'k']]) {
      await a.cmd(...cmd);
      await see(`MULTI: after ${cmd[0]}`);
      run.multiMem.push(field(await list(), 'multi-mem'));
    }
    await a.cmd('DISCARD');
    await see('after DISCARD');
    await a.cmd('MULTI');
    await a.cmd('SET', 'k', 'v');
    await a.cmd('CLIENT', 'INFO');
    await a.cmd('CLIENT', 'LIST', 'ID', aid);
    await a.cmd('GET', 'k');
    const ex = (await a.cmd('EXEC')) as RespValue[];
    self('CLIENT INFO inside EXEC', ex[1]);
    self('CLIENT LIST inside EXEC', ex[2]);
    await see('after EXEC');

    // WATCH: d once a watched key changed, until EXEC, DISCARD or UNWATCH.
    await a.cmd('WATCH', 'k', 'k2');
    await see('WATCH');
    await obs.cmd('SET', 'k', 'x');
    await see('WATCH, key touched');
    await a.cmd('WATCH', 'k3');
    await see('WATCH again after the touch');
    await a.cmd('MULTI');
    await see('MULTI on a touched WATCH');
    await a.cmd('CLIENT', 'INFO');
    await see('a command queued on a touched WATCH');
    await a.cmd('EXEC');
    await see('after the failed EXEC');
    await a.cmd('WATCH', 'k');
    await obs.cmd('SET', 'k', 'y');
    await a.cmd('UNWATCH');
    await see('after UNWATCH');

    await a.cmd('SELECT', 3);
    await a.cmd('CLIENT', 'SETNAME', 'someone');
    await see('SELECT 3, SETNAME');
    await a.cmd('SELECT', 0);
    await a.cmd('CLIENT', 'NO-EVICT', 'on');
    await see('NO-EVICT on');
    await a.cmd('CLIENT', 'NO-EVICT', 'off');
    a.send('CLIENT', 'REPLY', 'OFF');
    await see('REPLY OFF');
    await a.cmd('CLIENT', 'REPLY', 'ON');
    a.send('CLIENT', 'REPLY', 'SKIP');
    await see('REPLY SKIP');
    a.send('PING');
    expect(await a.cmd('ECHO', 'replied')).toBe('replied');

    // Pub/sub in RESP2 (observed) and RESP3 (CLIENT INFO allowed).
    await a.cmd('SUBSCRIBE', 'c1', 'c2');
    await a.read();
    await a.cmd('PSUBSCRIBE', 'p*');
    await a.cmd('SSUBSCRIBE', 's1');
    await see('subscribed (RESP2)');
    a.send('GET', 'k');
    await a.read();
    await see('refused while subscribed');
    await a.cmd('UNSUBSCRIBE');
    await a.read();
    await a.cmd('PUNSUBSCRIBE');
    await a.cmd('SUNSUBSCRIBE');
    await see('unsubscribed');
    await a.cmd('HELLO', 3);
    await a.cmd('SUBSCRIBE', 'c1');
    self('CLIENT INFO subscribed (RESP3)', await a.cmd('CLIENT', 'INFO'));
    await a.cmd('UNSUBSCRIBE');
    await a.cmd('MULTI');
    await a.cmd('CLIENT', 'INFO');
    self('CLIENT INFO inside EXEC (RESP3)', ((await a.cmd('EXEC')) as RespValue[])[0]);
    await a.cmd('HELLO', 2);

    // Blocked, with a command behind it in the same read (still qbuf).
    a.write('*3\r\n$5\r\nBLPOP\r\n$6\r\nnolist\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n');
    await sleep(50);
    await see('blocked, PING behind');
    await obs.cmd('CLIENT', 'UNBLOCK', aid);
    await a.read();
    await a.read();
    await see('unblocked');

    // Held by CLIENT PAUSE WRITE (PAUSE ALL would hold the observer too).
    await obs.cmd('CLIENT', 'PAUSE', 10000, 'WRITE');
    a.send('SET', 'k', 'held');
    await sleep(50);
    await see('held by CLIENT PAUSE WRITE');
    await obs.cmd('CLIENT', 'UNPAUSE');
    await a.read();
    await see('after UNPAUSE');

    await a.cmd('MONITOR');
    await see('MONITOR');

    const u = await RawClient.connectPath(unixPath);
    conns.push(u);
    await u.cmd('CLIENT', 'NO-EVICT', 'on');
    self('CLIENT INFO over the unix socket', await u.cmd('CLIENT', 'INFO'));
    return run;
  } finally {
    for (const c of conns) c.close();
  }
}

suite('CLIENT LIST and CLIENT INFO vs redis-server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vermilion-clientlist-'));
  let redis: { stop: () => void; port: number } | undefined;
  let ours: { server: Server; port: number } | undefined;
  afterAll(async () => {
    redis?.stop();
    await ours?.server.close();
  });

  it('every state, field by field', async () => {
    redis = await startRedis(['--unixsocket', join(dir, 'redis.sock')]);
    ours = await startServer({ unixsocket: join(dir, 'ours.sock') });
    const ref = await scenario(redis.port, join(dir, 'redis.sock'));
    const got = await scenario(ours.port, join(dir, 'ours.sock'));
    const show = (r: Run) => r.lines.map(([label, line]) => `${label}: ${mask(line)}`);
    expect(show(got)).toEqual(show(ref));
    // multi-mem is ours, not Redis's figure: it grows with every queued
    // command, and stops once one is refused, as Redis's does.
    const m = got.multiMem;
    expect([m[0] === 0, m[1] > 0, m[2] > m[1] + 100, m[3] > m[2], m[4] === m[3], m[5] === m[3]]).toEqual(Array(6).fill(true));
  }, 20_000);

  it('CLIENT KILL of itself inside EXEC: the rest of the transaction runs unanswered, nothing after it', async () => {
    const results: string[] = [];
    for (const port of [redis!.port, ours!.port]) {
      const a = await RawClient.connect(port);
      let got = '';
      a.socket.on('data', (d: Buffer) => { got += d.toString('latin1'); });
      a.write(Buffer.concat([['FLUSHALL'], ['MULTI'], ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no'], ['CLIENT', 'INFO'],
        ['SET', 'k', 'in'], ['EXEC'], ['SET', 'after', 1]].map((cmd) => encodeCommand(cmd))));
      await a.waitClosed();
      const b = await RawClient.connect(port);
      results.push(`${got} | ${JSON.stringify(await b.cmd('MGET', 'k', 'after'))}`);
      b.close();
    }
    expect(results[1]).toBe(results[0]);
  });
});
