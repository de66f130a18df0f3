import { describe, it, expect, afterAll } from 'vitest';
import { networkInterfaces } from 'node:os';
import { startServer, RawClient } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

// A non-loopback address of this machine, to connect "from outside".
const external = Object.values(networkInterfaces()).flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe.skipIf(!external)('protected mode', () => {
  const servers: Server[] = [];
  afterAll(async () => { for (const s of servers) await s.close(); });

  it('denies non-loopback clients when no password is set, as Redis 7.0 does', async () => {
    const { server, port } = await startServer();
    servers.push(server);
    await server.listen(0, [external!]);
    const extPort = (server as any).servers.at(-1).address().port as number;
    const c = await RawClient.connect(extPort, external!);
    const reply = await c.read();
    expect((reply as { error: string }).error).toMatch(/^DENIED Redis is running in protected mode/);
    await c.waitClosed();
    const local = await RawClient.connect(port);
    expect(await local.cmd('PING')).toBe('PONG');
    local.close();
  });

  it('lets them in with protected-mode no or a password', async () => {
    const configs: Record<string, string>[] = [{ 'protected-mode': 'no' }, { requirepass: 'secret' }];
    for (const opts of configs) {
      const { server } = await startServer(opts);
      servers.push(server);
      await server.listen(0, [external!]);
      const extPort = (server as any).servers.at(-1).address().port as number;
      const c = await RawClient.connect(extPort, external!);
      const reply = await c.cmd('PING');
      expect(reply).toEqual(opts.requirepass ? { error: 'NOAUTH Authentication required.' } : 'PONG');
      c.close();
    }
  });
});
