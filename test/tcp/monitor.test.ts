// MONITOR over TCP: the line format, sdscatrepr escaping, db after the
// command, inline commands, host commands, redaction of AUTH/HELLO secrets,
// and what is never shown (ADMIN commands, rejected commands).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, startRedis, RawClient, redisServerPath } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

let server: Server;
let port: number;

beforeAll(async () => { ({ server, port } = await startServer()); });
afterAll(async () => { await server.close(); });

// Commands whose MONITOR lines can be compared with Redis (minus time and address).
const SCRIPT: string[][] = [
  ['SET', 'k', 'a"b\\c\n\r\t\x07\x08\x01\xff'],
  ['SELECT', '5'],
  ['GET', 'k'],
  ['AUTH', 'pw'],
  ['AUTH', 'user', 'pw'],
  ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'x'],
  ['HELLO', '3', 'SETNAME', 'y'],
  ['HELLO', 'x', 'AUTH', 'default', 'pw'],
  ['HELLO', '2'],
  ['GET'],
  ['NOPE'],
  ['CLIENT', 'ID'],
  ['CLIENT', 'LIST'],
  ['CLIENT', 'KILL', 'ID', '999999'],
  ['CLIENT', 'NOPE'],
  ['DEBUG', 'LOG', 'x'],
  ['SELECT', '0'],
  ['PING'],
  ['CLIENT', 'SETNAME', 'z'],
  ['TIME'],
  ['ECHO', ''],
];

async function monitorLines(p: number): Promise<string[]> {
  const mon = await RawClient.connect(p);
  expect(await mon.cmd('MONITOR')).toBe('OK');
  const c = await RawClient.connect(p);
  for (const cmd of SCRIPT) c.write(Buffer.concat([
    Buffer.from(`*${cmd.length}\r\n`),
    ...cmd.flatMap((a) => { const b = Buffer.from(a, 'latin1'); return [Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')]; }),
  ]));
  c.write('set inl "a b" \'c d\' "\\x41"\r\n');
  c.send('PING', 'last');
  const lines: string[] = [];
  for (;;) {
    const l = await mon.read() as string;
    lines.push(l);
    if (l.endsWith('"PING" "last"')) break;
  }
  mon.close();
  c.close();
  return lines;
}

// "<secs>.<micros> [<db> <addr>] args" -> "[<db>] args"
const shape = (l: string): string => {
  const m = /^(\d+)\.(\d{6}) \[(\d+) 127\.0\.0\.1:\d+\] (.*)$/.exec(l);
  if (!m) throw new Error(`bad monitor line ${JSON.stringify(l)}`);
  return `[${m[3]}] ${m[4]}`;
};

describe('MONITOR (TCP)', () => {
  it('shows commands as Redis 7.0 does', async () => {
    const lines = await monitorLines(port);
    const now = Date.now() / 1000;
    const secs = Number(lines[0].split(' ')[0]);
    expect(Math.abs(secs - now)).toBeLessThan(5);
    expect(lines.map(shape)).toEqual([
      '[0] "SET" "k" "a\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\xff"',
      '[5] "SELECT" "5"',
      '[5] "GET" "k"',
      '[5] "AUTH" "(redacted)"',
      '[5] "AUTH" "(redacted)" "(redacted)"',
      '[5] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "x"',
      '[5] "HELLO" "3" "SETNAME" "y"',
      '[5] "HELLO" "x" "AUTH" "default" "pw"',
      '[5] "HELLO" "2"',
      '[5] "CLIENT" "ID"',
      '[0] "SELECT" "0"',
      '[0] "PING"',
      '[0] "CLIENT" "SETNAME" "z"',
      '[0] "TIME"',
      '[0] "ECHO" ""',
      '[0] "set" "inl" "a b" "c d" "A"',
      '[0] "PING" "last"',
    ]);
  });

  it('a second MONITOR replies nothing; the monitor sees its own commands; RESET ends it', async () => {
    const mon = await RawClient.connect(port);
    expect(await mon.cmd('MONITOR')).toBe('OK');
    mon.send('MONITOR');
    mon.send('PING');
    // MONITOR itself is ADMIN (not shown) and silent; PING is answered, then shown.
    expect(await mon.read()).toBe('PONG');
    expect(shape(await mon.read() as string)).toBe('[0] "PING"');
    expect(await mon.cmd('CLIENT', 'INFO')).toMatch(/ flags=O /);
    expect(shape(await mon.read() as string)).toBe('[0] "CLIENT" "INFO"');
    mon.send('RESET');
    expect(await mon.read()).toBe('RESET');
    const other = await RawClient.connect(port);
    await other.cmd('PING');
    expect(await mon.cmd('ECHO', 'quiet')).toBe('quiet');
    mon.close();
    other.close();
    expect(await (await RawClient.connect(port)).cmd('MONITOR', 'x')).toEqual({ error: "ERR wrong number of arguments for 'monitor' command" });
  });

  it('a monitor may not touch keys, as a replica may not (not shown either); RESET lets it again', async () => {
    const mon = await RawClient.connect(port);
    expect(await mon.cmd('MONITOR')).toBe('OK');
    const refused = { error: "ERR Replica can't interact with the keyspace" };
    expect(await mon.cmd('GET', 'k')).toEqual(refused);
    expect(await mon.cmd('SET', 'k', 'v')).toEqual(refused);
    // Commands that are neither reads nor writes still run (and are shown).
    expect(await mon.cmd('ECHO', 'e')).toBe('e');
    expect(shape(await mon.read() as string)).toBe('[0] "ECHO" "e"');
    mon.send('RESET');
    expect(await mon.read()).toBe('RESET');
    expect(await mon.cmd('SET', 'k', 'v')).toBe('OK');
    mon.close();
  });

  it('with requirepass, commands refused with NOAUTH are not shown', async () => {
    const { server: s2, port: p2 } = await startServer({ requirepass: 'secret' });
    try {
      const mon = await RawClient.connect(p2);
      await mon.cmd('AUTH', 'secret');
      expect(await mon.cmd('MONITOR')).toBe('OK');
      const c = await RawClient.connect(p2);
      expect(await c.cmd('GET', 'k')).toEqual({ error: 'NOAUTH Authentication required.' });
      expect(await c.cmd('AUTH', 'secret')).toBe('OK');
      expect(await c.cmd('GET', 'k')).toBe(null);
      expect(shape(await mon.read() as string)).toBe('[0] "AUTH" "(redacted)"');
      expect(shape(await mon.read() as string)).toBe('[0] "GET" "k"');
      mon.close();
      c.close();
    } finally {
      await s2.close();
    }
  });

  it.skipIf(!redisServerPath())('matches redis-server line for line', async () => {
    const redis = await startRedis();
    try {
      const theirs = await monitorLines(redis.port);
      const ours = await monitorLines(port);
      expect(ours.map(shape)).toEqual(theirs.map(shape));
    } finally {
      redis.stop();
    }
  });
});
