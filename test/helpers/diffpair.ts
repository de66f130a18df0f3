// The differential test's pair: a real redis-server and this server, one
// raw connection to each, started before a suite's tests and stopped after.
// `compare` sends a command to both and expects the same bytes back.
import { beforeAll, afterAll, expect } from 'vitest';
import { startServer, startRedis, RawClient } from './server.js';
import type { Server } from '../../src/server/server.js';

export type Arg = string | number | Buffer;

export interface DiffPair {
  ref: RawClient;
  ours: RawClient;
  server: Server;
  /** Both raw replies, Redis's first. */
  both(args: Arg[]): Promise<[Buffer, Buffer]>;
  /** Expects our reply to be Redis's byte for byte; Redis's reply as latin1 text. */
  compare(args: Arg[]): Promise<string>;
}

/** Call inside a describe(): registers the pair's start and stop. */
export function diffPair(): DiffPair {
  let redis: { stop: () => void; port: number } | undefined;
  const pair = {} as DiffPair;
  beforeAll(async () => {
    redis = await startRedis();
    const s = await startServer();
    pair.server = s.server;
    pair.ref = await RawClient.connect(redis.port);
    pair.ours = await RawClient.connect(s.port);
  });
  afterAll(async () => {
    pair.ref?.close();
    pair.ours?.close();
    redis?.stop();
    await pair.server?.close();
  });
  pair.both = async (args) => {
    pair.ref.send(...args);
    pair.ours.send(...args);
    return [await pair.ref.readRaw(), await pair.ours.readRaw()];
  };
  pair.compare = async (args) => {
    const [a, b] = await pair.both(args);
    const label = args.map((x) => (Buffer.isBuffer(x) ? `<${x.toString('hex')}>` : JSON.stringify(String(x)))).join(' ').slice(0, 200);
    expect(b.toString('latin1'), label).toBe(a.toString('latin1'));
    return a.toString('latin1');
  };
  return pair;
}
