// Connection commands the host runs (HELLO AUTH QUIT RESET), byte for byte
// against a real redis-server where it is installed.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, startRedis, redisServerPath, RawClient } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

const haveRedis = !!redisServerPath();
const mustCompare = !!process.env.CI;

describe('QUIT and RESET', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => ({ server, port } = await startServer()));
  afterAll(async () => server.close());

  it('QUIT replies +OK and closes the connection; commands after it are not run', async () => {
    const c = await RawClient.connect(port);
    c.write('*1\r\n$4\r\nQUIT\r\n*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$1\r\n1\r\n');
    expect(await c.read()).toBe('OK');
    await c.waitClosed();
    const d = await RawClient.connect(port);
    expect(await d.cmd('EXISTS', 'q')).toBe(0);
    d.close();
  });

  it('RESET returns the connection to its first state', async () => {
    const c = await RawClient.connect(port);
    await c.cmd('HELLO', '3');
    expect(await c.cmd('SELECT', '5')).toBe('OK');
    expect(await c.cmd('CLIENT', 'SETNAME', 'x')).toBe('OK');
    expect(await c.cmd('RESET')).toBe('RESET');
    expect(await c.cmd('CLIENT', 'GETNAME')).toBe(null);
    const info = (await c.cmd('CLIENT', 'INFO')) as string;
    expect(info).toMatch(/ db=0 /);
    expect(info).toMatch(/ resp=2\n?$/);
    c.close();
  });

  it('RESET deauthenticates when a password is set', async () => {
    const { server: s, port: p } = await startServer({ requirepass: 'pw' });
    const c = await RawClient.connect(p);
    expect(await c.cmd('AUTH', 'pw')).toBe('OK');
    expect(await c.cmd('GET', 'k')).toBe(null);
    expect(await c.cmd('RESET')).toBe('RESET');
    expect(await c.cmd('GET', 'k')).toEqual({ error: 'NOAUTH Authentication required.' });
    c.close();
    await s.close();
  });
});

describe.skipIf(!haveRedis && !mustCompare)('HELLO and AUTH against redis-server', () => {
  const cases: string[][] = [
    ['HELLO'], ['HELLO', '2'], ['HELLO', '1'], ['HELLO', '4'], ['HELLO', 'x'], ['HELLO', '3', 'SETNAME', 'a b'],
    ['HELLO', '2', 'FOO'], ['HELLO', '2', 'AUTH', 'default'], ['HELLO', '2', 'AUTH', 'default', 'nope'],
    ['HELLO', '2', 'SETNAME', 'ok-name'], ['AUTH', 'x'], ['AUTH', 'default', 'x'], ['AUTH', 'u', 'p', 'q'], ['AUTH'],
  ];

  async function replies(port: number): Promise<string[]> {
    const out: string[] = [];
    for (const args of cases) {
      const c = await RawClient.connect(port);
      c.send(...args);
      // HELLO's map carries the connection id and server version: compare the rest.
      out.push((await c.readRaw()).toString().replace(/:\d+\r\n\$4\r\nmode/, ':ID\r\n$4\r\nmode').replace(/7\.0\.\d+/, '7.0.x'));
      c.close();
    }
    return out;
  }

  it('same bytes for each case, with and without requirepass', async () => {
    const configs: Record<string, string>[] = [{}, { requirepass: 'pw' }];
    for (const opts of configs) {
      const ours = await startServer(opts);
      const ref = await startRedis(Object.entries(opts).flatMap(([k, v]) => [`--${k}`, v]));
      try {
        expect(await replies(ours.port)).toEqual(await replies(ref.port));
      } finally {
        await ours.server.close();
        ref.stop();
      }
    }
  });
});
