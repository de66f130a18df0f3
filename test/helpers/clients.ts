// One Vermilion server for a suite and the ioredis clients its tests open on
// it, all disconnected when the suite ends: the setup shared by the TCP
// tests that drive a real client library.
import { beforeAll, afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { startServer } from './server.js';
import type { Server } from '../../src/server/server.js';

export interface ClientServer {
  server: Server;
  port: number;
  /** A new ioredis client on the server: no retries, errors left to the commands. */
  client(): Redis;
}

/** Call at a test file's top level or inside a describe(). */
export function serverWithClients(options: Record<string, string> = {}): ClientServer {
  const open: Redis[] = [];
  const srv = {} as ClientServer;
  srv.client = () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    open.push(r);
    return r;
  };
  beforeAll(async () => {
    ({ server: srv.server, port: srv.port } = await startServer(options));
  });
  afterAll(async () => {
    for (const r of open) r.disconnect();
    await srv.server?.close();
  });
  return srv;
}
