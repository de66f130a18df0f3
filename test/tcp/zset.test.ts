// The sorted set family over TCP where the engine's limits show: a reply no
// engine block can hold drops only the client that asked, and the server
// goes on (blocking behaviour is compared with redis-server in
// test/diff/zset.diff.test.ts).
import { describe, it, expect, afterAll } from 'vitest';
import { startServer, RawClient } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

describe('sorted set replies past the engine limit', () => {
  let server: Server | undefined;
  afterAll(async () => { await server?.close(); });

  it('ZRANDMEMBER with an enormous negative count closes that client only', async () => {
    const s = await startServer();
    server = s.server;
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    expect(await b.cmd('ZADD', 'z', 1, 'x', 2, 'y')).toBe(2);
    a.send('ZRANDMEMBER', 'z', '-9223372036854775807');
    await a.waitClosed();
    expect(await b.cmd('ZCARD', 'z')).toBe(2);
    expect(await b.cmd('ZRANDMEMBER', 'z', -3)).toHaveLength(3);
    b.close();
  });
});
