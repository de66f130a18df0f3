// The differential test's pair: a real redis-server and this server, one
// raw connection to each, started before a suite's tests and stopped after.
// `compare` sends a command to both and expects the same bytes back.
import { beforeAll, afterAll, beforeEach, afterEach, expect } from 'vitest';
import { startServer, startRedis, RawClient } from './server.js';
import type { Server } from '../../src/server/server.js';

export type Arg = string | number | Buffer;

export interface DiffPairOptions {
  /** Extra redis-server arguments. */
  redisArgs?: string[];
  /** Configuration of our server. */
  config?: Record<string, string>;
  /**
   * Fresh connections for every test instead of one pair for the suite, so
   * a failed test's unread replies cannot shift the next test's.
   */
  perTest?: boolean;
  /** Milliseconds the start may take (vitest's hook default otherwise). */
  startTimeout?: number;
}

export interface DiffPair {
  ref: RawClient;
  ours: RawClient;
  server: Server;
  /** The two servers' ports, for suites that open more connections. */
  refPort: number;
  ourPort: number;
  /** Both raw replies, Redis's first. */
  both(args: Arg[]): Promise<[Buffer, Buffer]>;
  /** Expects our reply to be Redis's byte for byte; Redis's reply as latin1 text. */
  compare(args: Arg[]): Promise<string>;
  /**
   * Sends each command to both and expects no reply to differ after `mask`
   * (which hides what may differ, as clocks); fails once, listing every
   * difference, so a long script shows all its mismatches in one run.
   */
  compareAll(cmds: Arg[][], mask?: (cmd: Arg[], raw: string) => string): Promise<void>;
  /**
   * Keyspace notifications: runs `script` with notify-keyspace-events KEA and
   * a `__key*__:*` subscriber on each server, then expects our events
   * (channel and key, in order) to be Redis's. A final SET (whose "set"
   * event ends the collection) is added: the script itself must not SET.
   */
  compareEvents(script: Arg[][]): Promise<void>;
  /** A new connection to each server, Redis's first; the caller closes them. */
  connect(): Promise<[RawClient, RawClient]>;
}

/** Same label for a command in every suite: arguments as JSON, buffers as hex. */
export function labelOf(args: Arg[]): string {
  return args.map((x) => (Buffer.isBuffer(x) ? `<${x.toString('hex')}>` : JSON.stringify(x))).join(' ').slice(0, 200);
}

/** Call inside a describe(): registers the pair's start and stop. */
export function diffPair(opts: DiffPairOptions = {}): DiffPair {
  let redis: { stop: () => void; port: number } | undefined;
  const pair = {} as DiffPair;
  const open = async () => {
    [pair.ref, pair.ours] = await pair.connect();
  };
  const close = () => {
    pair.ref?.close();
    pair.ours?.close();
  };
  beforeAll(async () => {
    redis = await startRedis(opts.redisArgs);
    const s = await startServer(opts.config);
    pair.server = s.server;
    pair.refPort = redis.port;
    pair.ourPort = s.port;
    if (!opts.perTest) await open();
  }, opts.startTimeout);
  if (opts.perTest) {
    beforeEach(open);
    afterEach(close);
  }
  afterAll(async () => {
    if (!opts.perTest) close();
    redis?.stop();
    await pair.server?.close();
  });
  pair.connect = async () => [await RawClient.connect(pair.refPort), await RawClient.connect(pair.ourPort)];
  pair.both = async (args) => {
    pair.ref.send(...args);
    pair.ours.send(...args);
    return [await pair.ref.readRaw(), await pair.ours.readRaw()];
  };
  pair.compare = async (args) => {
    const [a, b] = await pair.both(args);
    expect(b.toString('latin1'), labelOf(args)).toBe(a.toString('latin1'));
    return a.toString('latin1');
  };
  pair.compareAll = async (cmds, mask = (_cmd, raw) => raw) => {
    const diffs: string[] = [];
    for (const cmd of cmds) {
      const [a, b] = await pair.both(cmd);
      const ra = mask(cmd, a.toString('latin1'));
      const rb = mask(cmd, b.toString('latin1'));
      if (ra !== rb) diffs.push(`${cmd.join(' ')}\n  redis: ${JSON.stringify(ra)}\n  ours:  ${JSON.stringify(rb)}`);
    }
    expect(diffs.join('\n')).toBe('');
  };
  pair.compareEvents = async (script) => {
    const subs = await pair.connect();
    try {
      await pair.both(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
      for (const s of subs) { s.send('PSUBSCRIBE', '__key*__:*'); await s.read(); }
      for (const cmd of [...script, ['SET', 'end', '1']]) await pair.both(cmd);
      const events = async (cl: RawClient): Promise<string[]> => {
        const out: string[] = [];
        for (;;) {
          const m = await cl.read() as string[];
          out.push(`${m[2]} ${m[3]}`);
          if (m[2] === '__keyevent@0__:set') return out;
        }
      };
      expect(await events(subs[1])).toEqual(await events(subs[0]));
    } finally {
      for (const s of subs) s.close();
      await pair.both(['CONFIG', 'SET', 'notify-keyspace-events', '']);
    }
  };
  return pair;
}

/** Everything subscriber `c` received up to the pong of a PING sent now, as raw frames. */
export async function eventsUntilPong(c: RawClient): Promise<string[]> {
  c.send('PING');
  const out: string[] = [];
  for (;;) {
    const raw = (await c.readRaw()).toString('latin1');
    if (raw.includes('pong')) return out;
    out.push(raw);
  }
}

export interface EventPair extends DiffPair {
  /** The `__key*__:*` subscriber on each server, Redis's first. */
  subs: [RawClient, RawClient];
  /** Drops what the subscribers received so far. */
  drainEvents(): Promise<void>;
  /** Sends `args` to both; expects the same reply, then the same events from it. */
  stepEvents(args: Arg[]): Promise<void>;
}

/**
 * A diffPair whose main connections first run `prep` (each must answer OK,
 * e.g. CONFIG SET notify-keyspace-events), plus a pattern subscriber to
 * every keyspace and keyevent channel on each server, for the suite.
 */
export function diffEventPair(prep: Arg[][], opts: DiffPairOptions = {}): EventPair {
  const pair = diffPair(opts) as EventPair;
  beforeAll(async () => {
    for (const a of prep) {
      const [r, o] = await pair.both(a);
      expect(r.toString('latin1'), a.join(' ')).toBe('+OK\r\n');
      expect(o.toString('latin1'), a.join(' ')).toBe('+OK\r\n');
    }
    pair.subs = await pair.connect();
    for (const c of pair.subs) {
      c.send('PSUBSCRIBE', '__key*__:*');
      await c.read();
    }
  });
  afterAll(() => {
    for (const c of pair.subs ?? []) c.close();
  });
  pair.drainEvents = async () => {
    await Promise.all(pair.subs.map(eventsUntilPong));
  };
  pair.stepEvents = async (args) => {
    const [a, b] = await pair.both(args);
    expect(b.toString('latin1'), `reply to ${args.join(' ')}`).toBe(a.toString('latin1'));
    const [theirs, ours] = await Promise.all(pair.subs.map(eventsUntilPong));
    expect(ours, `events of ${args.join(' ')}`).toEqual(theirs);
  };
  return pair;
}
