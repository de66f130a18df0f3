// Differential test of pub/sub: the same scripts run on several connections
// to a real redis-server and to Vermilion, and every frame each connection
// receives (replies, subscribe confirmations, messages) must be byte for
// byte equal. After each step every open connection is synced with a
// `PING <marker>`: the frames before the marker's reply are what that
// step made the connection receive, so messages are compared where they
// arrive, not only how.
//
// Where Redis's order comes from a hash table, the frames are sorted before
// comparing: pmessages of one PUBLISH (patterns live in a dict), the
// confirmations of an UNSUBSCRIBE/SUNSUBSCRIBE without arguments (names
// sorted, counts kept in order), PUBSUB CHANNELS/SHARDCHANNELS replies.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, startRedis, redisServerPath, RawClient } from '../helpers/server.js';
import { parseReply, RespValue } from '../helpers/resp.js';
import { Prng } from '../helpers/prng.js';
import type { Server } from '../../src/server/server.js';

type Arg = string | number | Buffer;
/** A command on connection `conn`, or several sent in one write (a pipeline). */
type Step = [conn: number, cmd: Arg[] | Arg[][]];
type Script = [name: string, steps: Step[]];

const BIG = 'm'.repeat(100_000);
const BIN_CHANNEL = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2a]);
const BIN_MESSAGE = Buffer.from([0x0d, 0x0a, 0x00, 0x24, 0x2d, 0x31]);

const SUBSCRIBER_MODE_PROBES: Arg[][] = [
  ['GET', 'x'], ['SET', 'x', '1'], ['CLIENT', 'INFO'], ['CLIENT', 'LIST'], ['CONFIG', 'GET', 'maxmemory'],
  ['PUBSUB', 'NUMPAT'], ['PUBSUB', 'CHANNELS'], ['PUBLISH', 'a', 'x'], ['SPUBLISH', 'a', 'x'],
  ['HELLO', '3'], ['HELLO'], ['ECHO', 'x'], ['SELECT', '1'], ['KEYS', '*'], ['DBSIZE'], ['INFO', 'stats'],
  ['COMMAND', 'COUNT'], ['AUTH', 'x'], ['CLIENT', 'REPLY', 'OFF'],
  // Refused before the subscriber check: unknown, arity, unknown subcommand.
  ['FOO', 'bar'], ['GET'], ['CLIENT', 'FOO'], ['PING', 'a', 'b'], ['SUBSCRIBE'], ['PUBSUB'],
  // Allowed.
  ['PING'], ['PING', 'hi'], ['ping', ''],
];

const scripts: Script[] = [
  ['SUBSCRIBE, PUBLISH and UNSUBSCRIBE in RESP2', [
    [1, ['SUBSCRIBE', 'a', 'b', 'a']], [2, ['PUBLISH', 'a', 'hello']], [2, ['PUBLISH', 'b', '']],
    [2, ['PUBLISH', 'c', 'nobody']], [2, ['PUBSUB', 'NUMSUB', 'a', 'b', 'c', 'a']], [2, ['PUBSUB', 'CHANNELS']],
    [2, ['PUBSUB', 'NUMPAT']], [3, ['SUBSCRIBE', 'a']], [2, ['PUBLISH', 'a', 'two']],
    [3, ['subscribe', 'A']], [2, ['PUBLISH', 'A', 'case matters']],
    [1, ['UNSUBSCRIBE', 'b', 'zz']], [2, ['PUBLISH', 'b', 'gone']], [2, ['PUBSUB', 'NUMSUB', 'b']],
    [1, ['UNSUBSCRIBE']], [1, ['UNSUBSCRIBE']], [1, ['PUNSUBSCRIBE']], [1, ['SUNSUBSCRIBE']],
    [1, ['UNSUBSCRIBE', 'never']], [1, ['PUNSUBSCRIBE', 'never*']], [1, ['SUNSUBSCRIBE', 'never']],
    [2, ['PUBSUB', 'NUMSUB', 'a']], [1, ['GET', 'k']], [1, ['SUBSCRIBE', 'x', 'y', 'z']], [1, ['PING']],
    [1, ['PING', 'msg']], [1, ['UNSUBSCRIBE', 'y']], [2, ['PUBLISH', 'x', 'still']],
    [1, ['SUBSCRIBE', BIN_CHANNEL]], [2, ['PUBLISH', BIN_CHANNEL, BIN_MESSAGE]],
    [1, ['SUBSCRIBE', '']], [2, ['PUBLISH', '', 'empty channel']], [2, ['PUBSUB', 'NUMSUB', '']],
    [2, ['PUBLISH', 'x', BIG]], [3, ['UNSUBSCRIBE', 'a', 'A']], [2, ['PUBLISH', 'a', 'last']],
    // A pipeline: the confirmations, the messages and the replies keep their order.
    [1, [['UNSUBSCRIBE', 'x'], ['PING'], ['SUBSCRIBE', 'p1', 'p2'], ['PING', 'between'], ['UNSUBSCRIBE', 'p2', 'p1']]],
    [2, [['PUBLISH', 'a', '1'], ['PUBLISH', 'a', '2'], ['PUBSUB', 'NUMSUB', 'a']]],
  ]],
  ['patterns', [
    [1, ['PSUBSCRIBE', '*']], [1, ['PSUBSCRIBE', 'h?llo', 'h[ae]llo', 'h*llo', 'news.*', '[a-]', 'h?llo']],
    [1, ['PSUBSCRIBE', '*']], [2, ['PUBSUB', 'NUMPAT']], [3, ['PSUBSCRIBE', 'h*llo', 'x']], [2, ['PUBSUB', 'NUMPAT']],
    ...['hello', 'hallo', 'hillo', 'heello', 'news.art', 'news', ']', '', 'x', 'a', 'HELLO'].map((ch): Step => [2, ['PUBLISH', ch, `to ${ch}`]]),
    [1, ['SUBSCRIBE', 'hello']], [2, ['PUBLISH', 'hello', 'both ways']], [2, ['PUBSUB', 'NUMSUB', 'hello']],
    [1, ['PUNSUBSCRIBE', 'h?llo', 'nope']], [2, ['PUBLISH', 'hallo', 'm']], [1, ['PUNSUBSCRIBE']],
    [2, ['PUBSUB', 'NUMPAT']], [1, ['PUNSUBSCRIBE']], [1, ['UNSUBSCRIBE']], [3, ['PUNSUBSCRIBE', 'x']],
    [2, ['PUBSUB', 'NUMPAT']], [2, ['PUBLISH', 'hello', 'only conn 3']],
    // A pattern that would be exponential without Redis's cut.
    [3, ['PSUBSCRIBE', 'a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b']], [2, ['PUBLISH', 'a'.repeat(60), 'no match']],
    [2, ['PUBLISH', `${'a'.repeat(60)}b`, 'match']],
  ]],
  ['RESP2 subscriber mode: what is refused and what is not', [
    [1, ['SUBSCRIBE', 'a']], ...SUBSCRIBER_MODE_PROBES.map((c): Step => [1, c]),
    [1, ['UNSUBSCRIBE']], [1, ['GET', 'x']], [1, ['PING']],
    [1, ['PSUBSCRIBE', 'p*']], [1, ['GET', 'x']], [1, ['PING', 'p']], [1, ['PUNSUBSCRIBE', 'p*']], [1, ['GET', 'x']],
    [1, ['SSUBSCRIBE', 's']], [1, ['GET', 'x']], [1, ['SUNSUBSCRIBE']], [1, ['GET', 'x']],
    // Redis 7.0 counts shard channels apart in the replies, but they still
    // keep the client in subscriber mode.
    [1, ['SSUBSCRIBE', 's']], [1, ['SUBSCRIBE', 'b']], [1, ['UNSUBSCRIBE', 'b']], [1, ['GET', 'x']],
    [1, ['UNSUBSCRIBE']], [1, ['GET', 'x']], [1, ['SUNSUBSCRIBE', 's']], [1, ['GET', 'x']],
    // Errors mid-pipeline, the subscribing command first in the same write.
    [1, [['SUBSCRIBE', 'q'], ['GET', 'x'], ['PING'], ['SET', 'y', '1'], ['UNSUBSCRIBE'], ['GET', 'y']]],
    [1, ['SUBSCRIBE', 'r']], [1, ['RESET']], [1, ['GET', 'x']], [1, ['PING']], [2, ['PUBSUB', 'NUMSUB', 'r']],
    [1, ['SUBSCRIBE', 'r']], [2, ['PUBLISH', 'r', 'm']], [1, ['QUIT']], [2, ['PUBSUB', 'NUMSUB', 'r']],
  ]],
  ['RESP3: pushes among replies, HELLO both ways, RESET', [
    [1, ['HELLO', '3']], [1, ['SUBSCRIBE', 'a', 'b']], [1, ['PING']], [1, ['PING', 'x']], [1, ['GET', 'x']],
    [1, ['SET', 'x', '1']], [2, ['PUBLISH', 'a', 'm']], [1, ['PSUBSCRIBE', 'a*']], [2, ['PUBLISH', 'a', 'm2']],
    [1, ['PUBLISH', 'a', 'self']], [1, ['PUBSUB', 'NUMSUB', 'a', 'b']], [1, ['PUBSUB', 'CHANNELS']],
    [1, [['GET', 'x'], ['PUBLISH', 'b', 'self in a pipeline'], ['INCR', 'x'], ['PUBLISH', 'a', 'again'], ['GET', 'x']]],
    [2, [['PUBLISH', 'b', '1'], ['PUBLISH', 'a', '2'], ['PUBLISH', 'b', '3']]],
    [1, ['UNSUBSCRIBE', 'a', 'zz']], [1, ['PUNSUBSCRIBE']], [1, ['UNSUBSCRIBE']], [1, ['UNSUBSCRIBE']],
    [1, ['PUNSUBSCRIBE']], [1, ['SUNSUBSCRIBE']], [1, ['SSUBSCRIBE', 's']], [2, ['SPUBLISH', 's', 'm']],
    [1, ['CONFIG', 'GET', 'maxmemory']],
    // Back to RESP2 with a subscription: subscriber mode from the next command on.
    [1, ['HELLO', '2']], [1, ['GET', 'x']], [1, ['PING']], [2, ['SPUBLISH', 's', 'm2']], [1, ['HELLO', '3']],
    [1, ['RESET']], [1, ['GET', 'x']], [1, ['PING']], [2, ['PUBSUB', 'SHARDNUMSUB', 's']],
    [1, ['HELLO', '3']], [1, ['SUBSCRIBE', 'c']], [1, ['HELLO', '2']], [1, ['RESET']], [1, ['PING']],
    [3, ['HELLO', '3']], [3, ['SUBSCRIBE', BIN_CHANNEL, '']], [2, ['PUBLISH', BIN_CHANNEL, BIN_MESSAGE]],
    [2, ['PUBLISH', '', BIG]], [3, ['UNSUBSCRIBE']], [3, ['UNSUBSCRIBE']],
  ]],
  ['sharded channels', [
    [1, ['SSUBSCRIBE', 's1', 's2', 's1']], [2, ['SPUBLISH', 's1', 'm']], [2, ['SPUBLISH', 'nobody', 'm']],
    [2, ['PUBLISH', 's1', 'plain does not reach shard']], [3, ['SUBSCRIBE', 's1']], [3, ['PSUBSCRIBE', 's*']],
    [2, ['SPUBLISH', 's1', 'shard does not reach plain or patterns']], [2, ['PUBLISH', 's1', 'plain']],
    [2, ['PUBSUB', 'SHARDCHANNELS']], [2, ['PUBSUB', 'SHARDCHANNELS', 's*']], [2, ['PUBSUB', 'SHARDCHANNELS', 'x*']],
    [2, ['PUBSUB', 'SHARDNUMSUB', 's1', 's2', 's3']], [2, ['PUBSUB', 'SHARDNUMSUB']], [2, ['PUBSUB', 'CHANNELS']],
    [2, ['PUBSUB', 'NUMSUB', 's1']], [1, ['SUBSCRIBE', 'c']], [1, ['PSUBSCRIBE', 'p*']], [1, ['SSUBSCRIBE', 's3']],
    [1, ['SUNSUBSCRIBE', 's2', 'zz']], [1, ['UNSUBSCRIBE']], [1, ['SUNSUBSCRIBE']], [1, ['SUNSUBSCRIBE']],
    [1, ['PUNSUBSCRIBE']], [2, ['PUBSUB', 'SHARDCHANNELS']], [2, ['PUBSUB', 'SHARDNUMSUB', 's1']],
    [1, ['SSUBSCRIBE', BIN_CHANNEL]], [2, ['SPUBLISH', BIN_CHANNEL, BIN_MESSAGE]], [1, ['SSUBSCRIBE', '']],
    [2, ['SPUBLISH', '', BIG]], [2, ['PUBSUB', 'SHARDCHANNELS', '*']], [2, ['PUBSUB', 'SHARDNUMSUB', '']],
    [1, ['SUNSUBSCRIBE']],
  ]],
  ['MULTI/EXEC: subscribing inside a transaction, refusals in subscriber mode', [
    // EXEC runs its queue without the subscriber-mode check, as Redis does;
    // the array header counts commands, not frames (Redis's own framing).
    [1, ['MULTI']], [1, ['SUBSCRIBE', 'a', 'b']], [1, ['GET', 'x']], [1, ['PUBLISH', 'a', 'm']], [1, ['EXEC']],
    [1, ['GET', 'x']], [1, ['MULTI']], [1, ['EXEC']], [1, ['DISCARD']], [1, ['WATCH', 'x']], [1, ['UNSUBSCRIBE', 'a', 'b']],
    // SSUBSCRIBE refuses clients that must get one reply per command.
    [2, ['MULTI']], [2, ['SSUBSCRIBE', 's']], [2, ['PSUBSCRIBE', 'p*']], [2, ['EXEC']], [2, ['PING']],
    [2, ['PUNSUBSCRIBE']], [2, ['MULTI']], [2, ['PUBLISH', 'p1', 'queued']], [2, ['PUBSUB', 'NUMSUB', 'a']],
    [3, ['PSUBSCRIBE', 'p*']], [2, ['EXEC']],
    [3, ['HELLO', '3']], [3, ['SUBSCRIBE', 'c']], [3, ['MULTI']], [3, ['PUBLISH', 'c', 'self']], [3, ['GET', 'x']],
    [3, ['SUBSCRIBE', 'd']], [3, ['UNSUBSCRIBE', 'c']], [3, ['EXEC']], [3, ['PING']], [3, ['UNSUBSCRIBE', 'd']],
    // A refused EXEC also forgets the keys watched before subscribing.
    [4, ['WATCH', 'w']], [4, ['SUBSCRIBE', 'q']], [4, ['EXEC']], [4, ['UNSUBSCRIBE']], [2, ['SET', 'w', '1']],
    [4, [['MULTI'], ['GET', 'w'], ['EXEC']]],
    [4, ['WATCH', 'w']], [4, ['SUBSCRIBE', 'q']], [4, ['UNSUBSCRIBE']], [2, ['SET', 'w', '2']],
    [4, [['MULTI'], ['GET', 'w'], ['EXEC']]], [2, ['DEL', 'w']],
  ]],
  ['keyspace notifications reach subscribers', [
    [2, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']], [1, ['PSUBSCRIBE', '__key*__:*']],
    [3, ['SUBSCRIBE', '__keyevent@0__:set', '__keyspace@0__:k']],
    [2, ['SET', 'k', 'v']], [2, ['INCR', 'n']], [2, ['EXPIRE', 'k', '100']], [2, ['PERSIST', 'k']],
    [2, ['RENAME', 'k', 'k2']], [2, ['DEL', 'k2', 'n']], [2, ['SADD', 's', 'a', 'b']], [2, ['SREM', 's', 'a', 'b']],
    [2, [['MULTI'], ['SET', 'k', '1'], ['APPEND', 'k', '2'], ['EXEC']]], [2, ['SELECT', '1']], [2, ['SET', 'k', 'db1']],
    [2, ['FLUSHALL']], [2, ['SELECT', '0']],
    [2, ['CONFIG', 'SET', 'notify-keyspace-events', 'Eg']], [2, ['SET', 'k', 'v']], [2, ['DEL', 'k']],
    [2, ['CONFIG', 'SET', 'notify-keyspace-events', '']], [2, ['SET', 'k', 'v']], [2, ['DEL', 'k']],
  ]],
  ['PUBSUB introspection, HELP and errors, RESP2 and RESP3', [
    [1, ['SUBSCRIBE', 'news.1', 'news.2', 'other', '']], [1, ['PSUBSCRIBE', 'news.*', 'x']],
    [2, ['PUBSUB', 'CHANNELS']], [2, ['PUBSUB', 'CHANNELS', 'news.*']], [2, ['PUBSUB', 'CHANNELS', '*']],
    [2, ['PUBSUB', 'CHANNELS', 'nomatch']], [2, ['PUBSUB', 'CHANNELS', '']], [2, ['pubsub', 'channels', 'o?her']],
    [2, ['PUBSUB', 'NUMSUB']], [2, ['PUBSUB', 'NUMSUB', 'news.1', 'news.*', 'x']], [2, ['PUBSUB', 'NUMPAT']],
    [2, ['PUBSUB', 'HELP']], [2, ['pubsub', 'help']], [2, ['PUBSUB']], [2, ['PUBSUB', 'FOO']],
    [2, ['PUBSUB', 'CHANNELS', 'a', 'b']], [2, ['pubsub', 'channels', 'a', 'b']], [2, ['PUBSUB', 'NUMPAT', 'x']],
    [2, ['PUBSUB', 'HELP', 'x']], [2, ['PUBSUB', 'SHARDCHANNELS', 'a', 'b']], [2, ['PUBLISH', 'a']],
    [2, ['PUBLISH', 'a', 'b', 'c']], [2, ['SPUBLISH', 'a']], [2, ['SUBSCRIBE']], [2, ['PSUBSCRIBE']],
    [2, ['SSUBSCRIBE']], [2, ['HELLO', '3']], [2, ['PUBSUB', 'NUMSUB', 'news.1', 'nope']],
    [2, ['PUBSUB', 'CHANNELS', 'news.*']], [2, ['PUBSUB', 'SHARDNUMSUB', 'a']], [2, ['PUBSUB', 'NUMPAT']],
    [2, ['PUBSUB', 'HELP']], [2, ['PUBLISH', 'news.1', 'to RESP2 subscriber from RESP3']],
    [2, ['UNSUBSCRIBE']], [2, ['PUNSUBSCRIBE', 'x']], [2, ['SUNSUBSCRIBE']], [2, ['PUBSUB', 'FOO']],
    [1, ['UNSUBSCRIBE']], [1, ['PUNSUBSCRIBE']], [2, ['PUBSUB', 'CHANNELS']], [2, ['PUBSUB', 'NUMPAT']],
  ]],
];

// Channels and patterns for the glob comparison (as in keys.diff.test.ts,
// plus what only pub/sub can show: the empty channel).
const globChannels: Arg[] = [
  'abc', 'abd', 'ab', 'ac', 'a', '', 'xaxxbx', 'bx', 'dx', '-', ']', '[', '[a]', '*', '?', 'a\\', 'x\\', '\\',
  'hello', 'hallo', 'hillo', 'heello', 'A', 'ABC', 'a-b', 'user:1', 'user:10', 'user:2', '^', 'b^',
  Buffer.from([0x80]), Buffer.from([0xff, 0x41]), Buffer.from([0x01]),
];
const globPatterns: Arg[] = [
  '*', '**', '***', '', '?', '??', '???', 'a*', '*c', 'a*c', '*a*b*', '*a*b', 'a**', 'a?c', '[abc]x', '[^abc]x',
  '[a-c]x', '[c-a]x', '[^a-c]', '[a-]', '[-a]', '[\\]]', '[\\-]', '[]', '[]]', '[abc', '[^', '[', ']', '\\*',
  '\\?', '\\[a]', 'a\\', '\\a', '\\', '*\\', '\\\\', 'h[ae]llo', 'h*llo', 'h?llo', 'h[^e]llo', 'A*', '[A-Z]*',
  'user:[0-9]', 'user:?*', '[a-', '[a-\\', '[\\', 'a[', '*[', '*]', '[*]', '[?]', '[\\]', '[^]', '[^^]', 'b[^]',
  Buffer.from([0x5b, 0x01, 0x2d, 0xff, 0x5d]), Buffer.from([0x5b, 0x80, 0x2d, 0x41, 0x5d]),
  Buffer.from([0x5b, 0x80, 0x2d, 0x41, 0x5d, 0x41]), Buffer.from([0x5b, 0x5e, 0x80, 0x5d]),
];

const haveRedis = redisServerPath() !== null;
// Without redis-server the test may be skipped locally, never in CI.
const suite = haveRedis || process.env.CI ? describe : describe.skip;

const label = (args: Arg[]) => args.map((x) => (Buffer.isBuffer(x) ? `<${x.toString('hex')}>` : JSON.stringify(String(x).slice(0, 40)))).join(' ');

/** The word a pub/sub frame starts with ("message", "unsubscribe"...), or null. */
function frameKind(v: RespValue): string | null {
  const items = Array.isArray(v) ? v : (v && typeof v === 'object' && 'push' in v ? v.push : null);
  return items && typeof items[0] === 'string' ? items[0] : null;
}

function frameItems(v: RespValue): RespValue[] {
  return Array.isArray(v) ? v : (v as { push: RespValue[] }).push;
}

/**
 * Frames as comparable strings: raw bytes, with the hash-ordered parts put
 * in a canonical order.
 */
function normalize(frames: Buffer[], step: Arg[][]): string[] {
  const out: string[] = [];
  const parsed = frames.map((f) => parseReply(f)![0]);
  const bare = step.length === 1 && step[0].length === 1;
  const cmd = String(step[step.length - 1][0]).toUpperCase();
  if (step.length === 1 && cmd === 'PUBSUB' && /CHANNELS/i.test(String(step[0][1]))) {
    return frames.map((f, i) => (Array.isArray(parsed[i])
      ? `${f.toString('latin1', 0, 4)}${(parsed[i] as string[]).map(String).sort().join('|')}`
      : f.toString('latin1')));
  }
  for (let i = 0; i < frames.length;) {
    const kind = frameKind(parsed[i]);
    let j = i + 1;
    while (j < frames.length && kind !== null && frameKind(parsed[j]) === kind) j++;
    const run = frames.slice(i, j).map((f) => f.toString('latin1'));
    if (kind === 'pmessage') {
      out.push(...run.sort());
    } else if (bare && (kind === 'unsubscribe' || kind === 'sunsubscribe') && (cmd === 'UNSUBSCRIBE' || cmd === 'SUNSUBSCRIBE')) {
      const items = parsed.slice(i, j).map(frameItems);
      const names = items.map((it) => String(it[1])).sort();
      items.forEach((it, k) => out.push(`${run[k].slice(0, 4)}${kind} ${names[k]} ${String(it[2])}`));
    } else if (cmd === 'HELLO') {
      out.push(...run.map((r) => r.replace(/(\$2\r\nid\r\n:)\d+/, '$1ID')));
    } else {
      out.push(...run);
    }
    i = j;
  }
  return out;
}

/** One server's side of a script: numbered connections, created on first use. */
class Side {
  conns = new Map<number, RawClient>();
  closed = new Set<number>();
  multi = new Set<number>();
  constructor(private port: number) {}

  async conn(n: number): Promise<RawClient> {
    let c = this.conns.get(n);
    if (!c) {
      c = await RawClient.connect(this.port);
      this.conns.set(n, c);
    }
    return c;
  }

  /** Frames `c` receives before the reply to `PING marker`. */
  static async until(c: RawClient, marker: string): Promise<Buffer[]> {
    const frames: Buffer[] = [];
    for (;;) {
      const raw = await c.readRaw();
      const v = parseReply(raw)![0];
      if (v === marker || (Array.isArray(v) && v[0] === 'pong' && v[1] === marker)) return frames;
      frames.push(raw);
    }
  }

  /**
   * Runs a step; returns what each open connection received, by connection.
   * Inside MULTI a marker would only be queued: a step that enters or stays
   * in a transaction reads one reply per command instead, and connections
   * in a transaction are not synced.
   */
  async step(conn: number, cmds: Arg[][], marker: string): Promise<Map<number, Buffer[]>> {
    const c = await this.conn(conn);
    const got = new Map<number, Buffer[]>();
    const word = (a: Arg[]) => String(a[0]).toUpperCase();
    const last = word(cmds[cmds.length - 1]);
    const ends = cmds.some((a) => word(a) === 'EXEC' || word(a) === 'DISCARD');
    if (word(cmds[0]) === 'QUIT') {
      c.send(...cmds[0]);
      got.set(conn, [await c.readRaw()]);
      await c.waitClosed();
      this.closed.add(conn);
    } else if (last === 'MULTI' || (this.multi.has(conn) && !ends)) {
      c.write(Buffer.concat(cmds.map((a) => encode(a))));
      const frames: Buffer[] = [];
      for (let i = 0; i < cmds.length; i++) frames.push(await c.readRaw());
      got.set(conn, frames);
      if (last === 'MULTI' && parseReply(frames[frames.length - 1])![0] === 'OK') this.multi.add(conn);
    } else {
      c.write(Buffer.concat(cmds.map((a) => encode(a))));
      c.send('PING', marker);
      got.set(conn, await Side.until(c, marker));
      if (ends) this.multi.delete(conn);
    }
    for (const [n, other] of this.conns) {
      if (n === conn || this.closed.has(n) || this.multi.has(n)) continue;
      other.send('PING', marker);
      got.set(n, await Side.until(other, marker));
    }
    return got;
  }

  /** Ends every subscription (RESET is synchronous, a close is not) and closes. */
  async finish(): Promise<void> {
    for (const [n, c] of this.conns) {
      if (this.closed.has(n)) continue;
      c.send('RESET');
      while ((await c.read()) !== 'RESET');
      c.close();
    }
    this.conns.clear();
    this.closed.clear();
    this.multi.clear();
  }
}

function encode(args: Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

suite('pub/sub vs redis-server', () => {
  let redis: { stop: () => void; port: number };
  let server: Server;
  let ourPort: number;
  let markers = 0;

  beforeAll(async () => {
    redis = await startRedis();
    const s = await startServer();
    server = s.server;
    ourPort = s.port;
  });

  afterAll(async () => {
    redis?.stop();
    await server?.close();
  });

  async function runScript(steps: Step[]): Promise<void> {
    const ref = new Side(redis.port);
    const ours = new Side(ourPort);
    try {
      for (const [conn, cmd] of steps) {
        const cmds = (Array.isArray(cmd[0]) ? cmd : [cmd]) as Arg[][];
        const marker = `sync-${++markers}`;
        const [a, b] = await Promise.all([ref.step(conn, cmds, marker), ours.step(conn, cmds, marker)]);
        const what = `conn ${conn}: ${cmds.map(label).join(' ; ')}`;
        expect([...b.keys()].sort(), what).toEqual([...a.keys()].sort());
        for (const [n, frames] of a) {
          expect(normalize(b.get(n)!, cmds), `${what} -> frames on conn ${n}`).toEqual(normalize(frames, cmds));
        }
      }
    } finally {
      await Promise.all([ref.finish(), ours.finish()]);
    }
  }

  for (const [name, steps] of scripts) {
    it(name, async () => { await runScript(steps); });
  }

  it('glob patterns: PUBSUB CHANNELS <pattern> and pmessage delivery', async () => {
    const steps: Step[] = [[1, ['SUBSCRIBE', ...globChannels]]];
    for (const p of globPatterns) steps.push([2, ['PUBSUB', 'CHANNELS', p]]);
    steps.push([3, ['PSUBSCRIBE', ...globPatterns]]);
    for (const ch of globChannels) steps.push([2, ['PUBLISH', ch, 'm']]);
    await runScript(steps);
  });

  it('glob patterns: random patterns over a small alphabet', async () => {
    const rnd = new Prng(20240607);
    const gen = (alphabet: string[], max: number) => {
      let s = '';
      for (let n = rnd.int(max + 1); n > 0; n--) s += rnd.pick(alphabet);
      return s;
    };
    const channels = new Set<string>();
    while (channels.size < 60) channels.add(gen(['a', 'b', '-', ']', '[', '^', '\\', '*', '?'], 5));
    const steps: Step[] = [[1, ['SUBSCRIBE', ...channels]]];
    for (let i = 0; i < 300; i++) {
      steps.push([2, ['PUBSUB', 'CHANNELS', gen(['a', 'b', '*', '?', '[', ']', '^', '-', '\\'], 7)]]);
    }
    await runScript(steps);
  });

  it('CLIENT REPLY OFF and SKIP do not silence pub/sub pushes (Redis 7.0.15)', async () => {
    const out: string[][] = [];
    for (const port of [redis.port, ourPort]) {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      const frames: string[] = [];
      const take = async (n: number) => { for (let i = 0; i < n; i++) frames.push((await a.readRaw()).toString('latin1')); };
      // The subscribe confirmation arrives although replies are off: it also
      // proves REPLY OFF ran before the publish below.
      a.write(Buffer.concat([encode(['CLIENT', 'REPLY', 'OFF']), encode(['SUBSCRIBE', 'a'])]));
      await take(1);
      expect(await b.cmd('PUBLISH', 'a', 'x')).toBe(1);
      await take(1);
      a.write(Buffer.concat([encode(['PING']), encode(['PSUBSCRIBE', 'b*']), encode(['UNSUBSCRIBE']), encode(['GET', 'x']),
        encode(['PUNSUBSCRIBE']), encode(['CLIENT', 'REPLY', 'ON']), encode(['HELLO', '3'])]));
      await take(5);
      a.write(Buffer.concat([encode(['SUBSCRIBE', 'c']), encode(['CLIENT', 'REPLY', 'SKIP']), encode(['PUBLISH', 'c', 'self']),
        encode(['CLIENT', 'REPLY', 'SKIP']), encode(['GET', 'x']), encode(['PUBLISH', 'c', 'after'])]));
      await take(4);
      out.push(frames.map((f) => f.replace(/(\$2\r\nid\r\n:)\d+/, '$1ID')));
      a.close();
      b.close();
    }
    expect(out[1]).toEqual(out[0]);
  });

  it('INFO stats counts and CLIENT LIST fields match', async () => {
    const results: string[][] = [];
    for (const port of [redis.port, ourPort]) {
      const [a, b, c] = await Promise.all([RawClient.connect(port), RawClient.connect(port), RawClient.connect(port)]);
      const ids = [];
      for (const x of [a, b, c]) ids.push(String(await x.cmd('CLIENT', 'ID')));
      const frames = async (x: RawClient, n: number) => { for (let i = 0; i < n; i++) await x.read(); };
      a.send('SUBSCRIBE', 'x', 'y');
      await frames(a, 2);
      a.send('PSUBSCRIBE', 'p*', 'q*', 'p*');
      await frames(a, 3);
      a.send('SSUBSCRIBE', 's');
      await frames(a, 1);
      b.send('PSUBSCRIBE', 'p*');
      await frames(b, 1);
      await c.cmd('HELLO', '3');
      c.send('SUBSCRIBE', 'y');
      await frames(c, 1);
      const info = ((await c.cmd('INFO', 'stats')) as { verbatim: string }).verbatim;
      const lines = info.split('\r\n').filter((l) => l.startsWith('pubsub'));
      const list = async (...filter: string[]) => ((await c.cmd('CLIENT', 'LIST', ...filter)) as { verbatim: string }).verbatim
        .replace(/^txt:/, '').trim().split('\n')
        .map((l) => l.split(' ').filter((f) => /^(flags|sub|psub|ssub|multi|resp)=/.test(f)).join(' '));
      const listed = await list('ID', ...ids);
      const typed = (await list('TYPE', 'pubsub')).length;
      results.push([...lines, ...listed, `pubsub clients: ${typed}`]);
      for (const x of [a, b, c]) x.close();
    }
    expect(results[1]).toEqual(results[0]);
  });
});
