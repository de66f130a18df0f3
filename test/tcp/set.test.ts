// The set family over TCP where the engine's limits show: a reply no engine
// block can hold drops only the client that asked, and the server goes on.
import { describe, it, expect, afterAll } from 'vitest';
import { startServer, RawClient } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

describe('set replies past the engine limit', () => {
  let server: Server | undefined;
  afterAll(async () => { await server?.close(); });

  it('SRANDMEMBER with an enormous negative count closes that client only', async () => {
    const s = await startServer();
    server = s.server;
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    expect(await b.cmd('SADD', 's', 'x', 'y')).toBe(2);
    a.send('SRANDMEMBER', 's', '-9223372036854775807');
    await a.waitClosed();
    expect(await b.cmd('SCARD', 's')).toBe(2);
    expect(await b.cmd('SRANDMEMBER', 's', -3)).toHaveLength(3);
    b.close();
  });
});
