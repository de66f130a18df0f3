// The named workloads: every data type and the use cases Redis is reached
// for, each a weighted mix of request templates (see template.ts).
//
// An op is what one latency sample measures: usually one command, but a
// MULTI ... EXEC transaction is one op (all of its commands). A role splits the
// connections (producers and consumers of a queue, publishers and
// subscribers). `setup` preloads the data an op reads, item by item, through
// the same templates. `probe` is run once per target before the workload: an
// error reply there (unknown command, ...) reports the workload as
// unsupported on that target instead of measuring a stream of errors.
import { createHash } from 'node:crypto';
import { Template, VarSpec, widthOf } from './template.js';

export interface OpSpec {
  name: string;
  weight: number;
  cmds: string[][];
  /** Cache-aside: when this op's reply is null, send the named op next with the same variables. */
  onNil?: string;
  /** Follow-up only: never chosen by weight. */
  followOnly?: boolean;
  /**
   * Consumer-group ack: when the reply carries an entry (its ID is the
   * reply's 2nd bulk string, as XREADGROUP's), send the named op next with
   * the variables `ims` and `iseq` set to that ID's two parts.
   */
  onEntry?: string;
  /** Reads (the rest are writes): --read-ratio rescales the two groups' weights. */
  read?: boolean;
}

export interface RoleSpec {
  name: string;
  /** Fraction of the connections (the last role takes the rest). */
  share: number;
  /** Exactly this many connections instead (one publisher). */
  count?: number;
  ops?: OpSpec[];
  /** A passive role: sends this once, then only counts the messages it receives. */
  subscribe?: string[];
}

export interface SetupSpec {
  /** Items to load for a key space of `keyspace`. */
  count: (keyspace: number) => number;
  /** Variable values for item i. */
  bind: (i: number, keyspace: number) => Record<string, number>;
  cmds: string[][];
}

export interface WorkloadSpec {
  name: string;
  /** The data type it exercises. */
  type: string;
  description: string;
  vars: Record<string, VarSpec>;
  roles: RoleSpec[];
  setup?: SetupSpec;
  /** Commands run before every run, after the flush (loading a script, setting a limit). */
  init?: string[][];
  /** Commands run after every run: they undo what `init` configured, for the workloads after it. */
  teardown?: string[][];
  /** Sample the server's used_memory during the run and report its highest value. */
  memory?: boolean;
  probe: string[][];
  /** In the default run (`--workloads all` adds the rest). */
  default: boolean;
  /** A --command workload: its command lines (worker threads rebuild it from them). */
  custom?: string[];
}

export interface WorkloadOptions {
  keyspace: number;
  valueSize: number;
  /** Share of reads among the ops chosen at random (null: each workload's own mix). */
  readRatio?: number | null;
}

const RATE_LIMIT_LUA =
  "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n";

export const RATE_LIMIT_SHA = createHash('sha1').update(RATE_LIMIT_LUA).digest('hex');

/** A role's only op. */
const single = (cmds: string[][]): OpSpec[] => [{ name: cmds[0][0], weight: 1, cmds }];

export const WORKLOADS: WorkloadSpec[] = [
  {
    name: 'ping', type: 'connection', default: false,
    description: 'PING: the cheapest round trip, to calibrate the generator against redis-benchmark',
    vars: {}, roles: [{ name: 'client', share: 1, ops: single([['PING']]) }], probe: [['PING']],
  },
  {
    name: 'set', type: 'string', default: true,
    description: 'SET key value over the key space',
    vars: { k: { kind: 'key' } },
    roles: [{ name: 'client', share: 1, ops: single([['SET', 'key:{k}', '{value}']]) }],
    probe: [['SET', 'key:probe', 'v']],
  },
  {
    name: 'get', type: 'string', default: true,
    description: 'GET over a preloaded key space',
    vars: { k: { kind: 'key' } },
    roles: [{ name: 'client', share: 1, ops: single([['GET', 'key:{k}']]) }],
    setup: { count: (n) => n, bind: (i) => ({ k: i }), cmds: [['SET', 'key:{k}', '{value}']] },
    probe: [['GET', 'key:probe']],
  },
  {
    name: 'mixed', type: 'string', default: false,
    description: 'GET 80% and SET 20% over a preloaded key space (--read-ratio changes the mix)',
    vars: { k: { kind: 'key' } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'GET', weight: 80, read: true, cmds: [['GET', 'key:{k}']] },
        { name: 'SET', weight: 20, cmds: [['SET', 'key:{k}', '{value}']] },
      ],
    }],
    setup: { count: (n) => n, bind: (i) => ({ k: i }), cmds: [['SET', 'key:{k}', '{value}']] },
    probe: [['SET', 'key:probe', 'v'], ['GET', 'key:probe']],
  },
  {
    name: 'incr', type: 'string', default: true,
    description: 'INCR counters over the key space',
    vars: { k: { kind: 'key' } },
    roles: [{ name: 'client', share: 1, ops: single([['INCR', 'counter:{k}']]) }],
    probe: [['INCR', 'counter:probe']],
  },
  {
    name: 'mset', type: 'string', default: false,
    description: 'MSET of 10 keys (as redis-benchmark\'s MSET test)',
    vars: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, { kind: 'key' } as VarSpec])),
    roles: [{
      name: 'client', share: 1,
      ops: single([['MSET', ...Array.from({ length: 10 }, (_, i) => [`key:{k${i}}`, '{value}']).flat()]]),
    }],
    probe: [['MSET', 'key:probe', 'v']],
  },
  {
    name: 'cache', type: 'string', default: true,
    description: 'Cache-aside: GET; on a miss, SETEX the key with a 60 s TTL; 90% of the keys are cached at the start (the hit ratio is reported)',
    vars: { k: { kind: 'key' } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'GET', weight: 1, read: true, cmds: [['GET', 'cache:{k}']], onNil: 'SETEX' },
        { name: 'SETEX', weight: 0, followOnly: true, cmds: [['SETEX', 'cache:{k}', '60', '{value}']] },
      ],
    }],
    // Every tenth key starts missing. Misses fill in as the run goes, so a
    // faster target ends a run with a slightly warmer cache; starting warm
    // keeps that drift to a few percent of the hit ratio.
    setup: {
      count: (n) => n - Math.ceil(n / 10), bind: (i) => ({ k: i + Math.floor(i / 9) + 1 }),
      cmds: [['SETEX', 'cache:{k}', '60', '{value}']],
    },
    probe: [['GET', 'cache:probe'], ['SETEX', 'cache:probe', '60', 'v']],
  },
  {
    name: 'session', type: 'hash', default: true,
    description: 'Web sessions: HGETALL 60%, HSET one field 30%, EXPIRE (refresh) 10%, over preloaded 5-field hashes',
    vars: { k: { kind: 'key' }, v: { kind: 'rand', n: 1000000 } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'HGETALL', weight: 60, read: true, cmds: [['HGETALL', 'session:{k}']] },
        { name: 'HSET', weight: 30, cmds: [['HSET', 'session:{k}', 'last_seen', '{v}']] },
        { name: 'EXPIRE', weight: 10, cmds: [['EXPIRE', 'session:{k}', '1800']] },
      ],
    }],
    setup: {
      count: (n) => n, bind: (i) => ({ k: i, v: i % 1000000 }),
      cmds: [['HSET', 'session:{k}', 'user', 'user:{k}', 'name', 'someone', 'role', 'member', 'last_seen', '{v}', 'data', '{value}'],
        ['EXPIRE', 'session:{k}', '1800']],
    },
    probe: [['HSET', 'session:probe', 'f', 'v'], ['HGETALL', 'session:probe'], ['EXPIRE', 'session:probe', '10']],
  },
  {
    name: 'leaderboard', type: 'zset', default: true,
    description: 'Leaderboards (10 boards): ZINCRBY 80%, ZREVRANGE top 10 WITHSCORES 10%, ZREVRANK 10%',
    vars: { b: { kind: 'rand', n: 10 }, p: { kind: 'key' }, inc: { kind: 'num', min: 1, max: 100 } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'ZINCRBY', weight: 80, cmds: [['ZINCRBY', 'board:{b}', '{inc}', 'player:{p}']] },
        { name: 'ZREVRANGE', weight: 10, read: true, cmds: [['ZREVRANGE', 'board:{b}', '0', '9', 'WITHSCORES']] },
        { name: 'ZREVRANK', weight: 10, read: true, cmds: [['ZREVRANK', 'board:{b}', 'player:{p}']] },
      ],
    }],
    setup: { count: (n) => n, bind: (i) => ({ b: i % 10, p: i, inc: (i * 7919) % 100000 }), cmds: [['ZADD', 'board:{b}', '{inc}', 'player:{p}']] },
    probe: [['ZINCRBY', 'board:probe', '1', 'm'], ['ZREVRANGE', 'board:probe', '0', '9', 'WITHSCORES'], ['ZREVRANK', 'board:probe', 'm']],
  },
  {
    name: 'pfadd', type: 'hyperloglog', default: false,
    description: 'PFADD of distinct elements (10 per command) into 16 HyperLogLogs, crossing sparse to dense',
    vars: { h: { kind: 'rand', n: 16 }, e: { kind: 'rand', n: 1000000000 } },
    roles: [{
      name: 'client', share: 1,
      ops: single([['PFADD', 'hll:{h}', 'a{e}', 'b{e}', 'c{e}', 'd{e}', 'e{e}', 'f{e}', 'g{e}', 'h{e}', 'i{e}', 'j{e}']]),
    }],
    probe: [['PFADD', 'hll:probe', 'x'], ['PFCOUNT', 'hll:probe']],
  },
  {
    name: 'pfcount', type: 'hyperloglog', default: false,
    description: 'PFCOUNT of one of 16 preloaded dense HyperLogLogs, after a PFADD invalidated its cache',
    vars: { h: { kind: 'rand', n: 16 }, e: { kind: 'rand', n: 1000000000 } },
    roles: [{ name: 'client', share: 1, ops: [{ name: 'PFADD+PFCOUNT', weight: 1, read: true, cmds: [['PFADD', 'hll:{h}', 'x{e}'], ['PFCOUNT', 'hll:{h}']] }] }],
    setup: { count: () => 16 * 2000, bind: (i) => ({ h: i % 16, e: i }), cmds: [['PFADD', 'hll:{h}', 'p{e}']] },
    probe: [['PFADD', 'hll:probe', 'x'], ['PFCOUNT', 'hll:probe']],
  },
  {
    name: 'geoadd', type: 'geo', default: false,
    description: 'GEOADD of random points into 16 geo sets, GEOPOS and GEODIST reads',
    vars: { g: { kind: 'rand', n: 16 }, lon: { kind: 'rand', n: 180 }, lat: { kind: 'rand', n: 85 }, p: { kind: 'rand', n: 100000 }, q: { kind: 'rand', n: 100000 } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'GEOADD', weight: 50, cmds: [['GEOADD', 'geo:{g}', '{lon}.{p}', '{lat}.{q}', 'pt:{p}']] },
        { name: 'GEOPOS', weight: 25, read: true, cmds: [['GEOPOS', 'geo:{g}', 'pt:{p}', 'pt:{q}']] },
        { name: 'GEODIST', weight: 25, read: true, cmds: [['GEODIST', 'geo:{g}', 'pt:{p}', 'pt:{q}', 'km']] },
      ],
    }],
    probe: [['GEOADD', 'geo:probe', '1', '2', 'x'], ['GEOPOS', 'geo:probe', 'x']],
  },
  {
    name: 'queue', type: 'list', default: true,
    description: 'Job queues (16 lists): half the connections LPUSH, half BRPOP (1 s timeout)',
    vars: { q: { kind: 'rand', n: 16 } },
    roles: [
      { name: 'producer', share: 0.5, ops: single([['LPUSH', 'queue:{q}', '{value}']]) },
      { name: 'consumer', share: 0.5, ops: single([['BRPOP', 'queue:{q}', '1']]) },
    ],
    probe: [['LPUSH', 'queue:probe', 'v'], ['BRPOP', 'queue:probe', '1']],
  },
  {
    name: 'tags', type: 'set', default: true,
    description: 'Tag sets: SISMEMBER 60%, SADD 30%, SCARD 10%, over preloaded 10-member sets',
    vars: { k: { kind: 'key' }, t: { kind: 'rand', n: 100 } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'SISMEMBER', weight: 60, read: true, cmds: [['SISMEMBER', 'tags:{k}', 'tag:{t}']] },
        { name: 'SADD', weight: 30, cmds: [['SADD', 'tags:{k}', 'tag:{t}']] },
        { name: 'SCARD', weight: 10, read: true, cmds: [['SCARD', 'tags:{k}']] },
      ],
    }],
    setup: {
      count: (n) => n, bind: (i) => ({ k: i, t: i % 100 }),
      cmds: [['SADD', 'tags:{k}', ...Array.from({ length: 10 }, (_, j) => `tag:${String(j * 9).padStart(2, '0')}`)]],
    },
    probe: [['SADD', 'tags:probe', 'a'], ['SISMEMBER', 'tags:probe', 'a'], ['SCARD', 'tags:probe']],
  },
  {
    name: 'ratelimit', type: 'transaction', default: true,
    description: 'Fixed-window rate limiter: MULTI, INCR, EXPIRE 60 NX, EXEC (one op is the whole transaction)',
    vars: { k: { kind: 'key' } },
    roles: [{
      name: 'client', share: 1,
      ops: [{ name: 'MULTI/EXEC', weight: 1, cmds: [['MULTI'], ['INCR', 'rl:{k}'], ['EXPIRE', 'rl:{k}', '60', 'NX'], ['EXEC']] }],
    }],
    probe: [['MULTI'], ['INCR', 'rl:probe'], ['EXPIRE', 'rl:probe', '60', 'NX'], ['EXEC']],
  },
  {
    name: 'multi-incr10', type: 'transaction', default: false,
    description: 'MULTI, 10 INCRs, EXEC sent as one pipeline (one op is the whole transaction)',
    vars: { k: { kind: 'key' } },
    roles: [{
      name: 'client', share: 1,
      ops: [{ name: 'MULTI/10xINCR/EXEC', weight: 1, cmds: [['MULTI'], ...Array.from({ length: 10 }, (_, j) => ['INCR', `ctr:{k}:${j}`]), ['EXEC']] }],
    }],
    probe: [['MULTI'], ['INCR', 'ctr:probe'], ['EXEC']],
  },
  {
    name: 'lru', type: 'eviction', default: false,
    description: 'A full cache: maxmemory 100mb with allkeys-lru, preloaded with 1,500,000 keys (more than fit), then SET over 3,000,000 random keys, so most SETs evict; the highest used_memory seen during the run is reported',
    vars: { k: { kind: 'rand', n: 3000000 } },
    roles: [{ name: 'client', share: 1, ops: single([['SET', 'lru:{k}', '{value}']]) }],
    init: [['CONFIG', 'SET', 'maxmemory', '100mb'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']],
    teardown: [['CONFIG', 'SET', 'maxmemory', '0'], ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']],
    setup: { count: () => 1500000, bind: (i) => ({ k: i * 2 }), cmds: [['SET', 'lru:{k}', '{value}']] },
    memory: true,
    probe: [['SET', 'lru:probe', 'v']],
  },
  {
    name: 'ratelimit-lua', type: 'scripting', default: true,
    description: 'The same rate limiter as a Lua script: EVALSHA (loaded with SCRIPT LOAD)',
    vars: { k: { kind: 'key' } },
    roles: [{ name: 'client', share: 1, ops: single([['EVALSHA', '{sha}', '1', 'rl:{k}', '60']]) }],
    init: [['SCRIPT', 'LOAD', RATE_LIMIT_LUA]],
    probe: [['SCRIPT', 'LOAD', RATE_LIMIT_LUA], ['EVALSHA', RATE_LIMIT_SHA, '1', 'rl:probe', '60']],
  },
  {
    name: 'pubsub', type: 'pubsub', default: true,
    description: 'Fan-out: 80% of the connections SUBSCRIBE to one of 4 channels, 20% PUBLISH (a 16-digit timestamp then the value); delivery latency is measured end to end',
    vars: { c: { kind: 'rand', n: 4 }, sc: { kind: 'conn', n: 4 }, t: { kind: 'time' } },
    roles: [
      { name: 'subscriber', share: 0.8, subscribe: ['SUBSCRIBE', 'news:{sc}'] },
      { name: 'publisher', share: 0.2, ops: single([['PUBLISH', 'news:{c}', '{t}{value}']]) },
    ],
    // SUBSCRIBE last: it turns the probe connection into a subscriber.
    probe: [['PUBLISH', 'news:probe', 'm'], ['SUBSCRIBE', 'news:probe']],
  },
  {
    name: 'fanout', type: 'pubsub', default: false,
    description: 'Wide fan-out: one connection PUBLISHes (keeping --pipeline in flight) to one channel every other connection subscribes to',
    vars: { t: { kind: 'time' } },
    roles: [
      { name: 'subscriber', share: 1, subscribe: ['SUBSCRIBE', 'fanout'] },
      { name: 'publisher', share: 0, count: 1, ops: single([['PUBLISH', 'fanout', '{t}{value}']]) },
    ],
    probe: [['PUBLISH', 'fanout:probe', 'm'], ['SUBSCRIBE', 'fanout:probe']],
  },
  {
    name: 'stream', type: 'stream', default: true,
    description: 'Event streams (16): XADD with MAXLEN ~ 10000 80%, XREVRANGE latest 10 10%, XLEN 10%',
    vars: { s: { kind: 'rand', n: 16 }, k: { kind: 'key' } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'XADD', weight: 80, cmds: [['XADD', 'events:{s}', 'MAXLEN', '~', '10000', '*', 'user', '{k}', 'data', '{value}']] },
        { name: 'XREVRANGE', weight: 10, read: true, cmds: [['XREVRANGE', 'events:{s}', '+', '-', 'COUNT', '10']] },
        { name: 'XLEN', weight: 10, read: true, cmds: [['XLEN', 'events:{s}']] },
      ],
    }],
    probe: [['XADD', 'events:probe', '*', 'f', 'v'], ['XREVRANGE', 'events:probe', '+', '-', 'COUNT', '10'], ['XLEN', 'events:probe']],
  },
  {
    name: 'xgroup', type: 'stream', default: false,
    description: 'Work queue: a 50-consumer group; 20% of the connections XADD jobs, 80% XREADGROUP COUNT 1 and XACK each job they get (the ack follows the read)',
    vars: { cn: { kind: 'conn', n: 50 }, ims: { kind: 'rand', n: 1e16 }, iseq: { kind: 'rand', n: 1e6 } },
    roles: [
      { name: 'producer', share: 0.2, ops: single([['XADD', 'jobs', 'MAXLEN', '~', '100000', '*', 'job', '{value}']]) },
      {
        name: 'consumer', share: 0.8,
        ops: [
          { name: 'XREADGROUP', weight: 1, read: true, onEntry: 'XACK',
            cmds: [['XREADGROUP', 'GROUP', 'workers', 'c{cn}', 'COUNT', '1', 'STREAMS', 'jobs', '>']] },
          // IDs zero-padded to a fixed width: both servers read them as numbers.
          { name: 'XACK', weight: 0, followOnly: true, cmds: [['XACK', 'jobs', 'workers', '{ims}-{iseq}']] },
        ],
      },
    ],
    init: [['XGROUP', 'CREATE', 'jobs', 'workers', '$', 'MKSTREAM']],
    probe: [['DEL', 'probe:jobs'], ['XGROUP', 'CREATE', 'probe:jobs', 'g', '$', 'MKSTREAM'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'probe:jobs', '>'], ['XACK', 'probe:jobs', 'g', '0-1']],
  },
  {
    name: 'bitmap', type: 'bitmap', default: true,
    description: 'Daily active users (7 day bitmaps over the key space): SETBIT 80%, GETBIT 15%, BITCOUNT 5%',
    vars: { d: { kind: 'rand', n: 7 }, u: { kind: 'num', min: 0, max: -1 } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'SETBIT', weight: 80, cmds: [['SETBIT', 'dau:{d}', '{u}', '1']] },
        { name: 'GETBIT', weight: 15, read: true, cmds: [['GETBIT', 'dau:{d}', '{u}']] },
        { name: 'BITCOUNT', weight: 5, read: true, cmds: [['BITCOUNT', 'dau:{d}']] },
      ],
    }],
    probe: [['SETBIT', 'dau:probe', '7', '1'], ['GETBIT', 'dau:probe', '7'], ['BITCOUNT', 'dau:probe']],
  },
  {
    name: 'hll', type: 'hyperloglog', default: true,
    description: 'Unique visitors (7 daily HyperLogLogs): PFADD 90%, PFCOUNT 10%',
    vars: { d: { kind: 'rand', n: 7 }, k: { kind: 'key' } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'PFADD', weight: 90, cmds: [['PFADD', 'visitors:{d}', 'user:{k}']] },
        { name: 'PFCOUNT', weight: 10, read: true, cmds: [['PFCOUNT', 'visitors:{d}']] },
      ],
    }],
    probe: [['PFADD', 'visitors:probe', 'a'], ['PFCOUNT', 'visitors:probe']],
  },
  {
    name: 'geo', type: 'geo', default: true,
    description: 'Places near a point (4 cities, preloaded): GEOSEARCH 1 km COUNT 10 80%, GEOADD 20%',
    vars: { c: { kind: 'rand', n: 4 }, k: { kind: 'key' }, x: { kind: 'rand', n: 1000000 }, y: { kind: 'rand', n: 1000000 } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'GEOSEARCH', weight: 80, read: true, cmds: [['GEOSEARCH', 'places:{c}', 'FROMLONLAT', '13.{x}', '52.{y}', 'BYRADIUS', '1', 'km', 'COUNT', '10', 'ASC']] },
        { name: 'GEOADD', weight: 20, cmds: [['GEOADD', 'places:{c}', '13.{x}', '52.{y}', 'place:{k}']] },
      ],
    }],
    setup: {
      count: (n) => n,
      bind: (i) => ({ c: i % 4, k: i, x: (i * 7919) % 1000000, y: (i * 104729) % 1000000 }),
      cmds: [['GEOADD', 'places:{c}', '13.{x}', '52.{y}', 'place:{k}']],
    },
    probe: [['GEOADD', 'places:probe', '13.4', '52.5', 'p'], ['GEOSEARCH', 'places:probe', 'FROMLONLAT', '13.4', '52.5', 'BYRADIUS', '5', 'km', 'COUNT', '10', 'ASC']],
  },
  {
    name: 'geosearch', type: 'geo', default: false,
    description: 'Searches of one preloaded city of 100,000 places (about 40 per search): GEOSEARCH BYBOX 2x2 km WITHDIST 40%, GEORADIUS 1 km WITHCOORD 30%, GEORADIUSBYMEMBER 1 km COUNT 20 20%, GEOSEARCHSTORE BYRADIUS 1 km STOREDIST 10%',
    vars: { x: { kind: 'rand', n: 1000000 }, y: { kind: 'rand', n: 1000000 }, m: { kind: 'rand', n: 100000 }, s: { kind: 'rand', n: 64 } },
    roles: [{
      name: 'client', share: 1,
      ops: [
        { name: 'GEOSEARCH', weight: 40, read: true, cmds: [['GEOSEARCH', 'city', 'FROMLONLAT', '13.{x}', '52.{y}', 'BYBOX', '2', '2', 'km', 'WITHDIST']] },
        { name: 'GEORADIUS', weight: 30, read: true, cmds: [['GEORADIUS_RO', 'city', '13.{x}', '52.{y}', '1', 'km', 'WITHCOORD']] },
        { name: 'GEORADIUSBYMEMBER', weight: 20, read: true, cmds: [['GEORADIUSBYMEMBER_RO', 'city', 'place:{m}', '1', 'km', 'COUNT', '20']] },
        { name: 'GEOSEARCHSTORE', weight: 10, cmds: [['GEOSEARCHSTORE', 'near:{s}', 'city', 'FROMMEMBER', 'place:{m}', 'BYRADIUS', '1', 'km', 'STOREDIST']] },
      ],
    }],
    setup: {
      count: () => 100000,
      bind: (i) => ({ m: i, x: (i * 7919) % 1000000, y: (i * 104729) % 1000000 }),
      cmds: [['GEOADD', 'city', '13.{x}', '52.{y}', 'place:{m}']],
    },
    probe: [['GEOADD', 'city:probe', '13.4', '52.5', 'p'], ['GEOSEARCH', 'city:probe', 'FROMLONLAT', '13.4', '52.5', 'BYBOX', '2', '2', 'km'], ['GEORADIUS_RO', 'city:probe', '13.4', '52.5', '1', 'km']],
  },
];

/** Splits a command line into words; "double" or 'single' quotes keep spaces. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3]);
  return words;
}

/**
 * A workload from command lines (--command, repeatable; equal weights), with
 * {k} (a key from the distribution), {r} (uniform in the key space) and
 * {value} in them: `--command "LPUSH list:{k} {value}"`.
 */
export function customWorkload(lines: string[]): WorkloadSpec {
  const cmds = lines.map(splitCommand);
  if (!cmds.length || cmds.some((c) => !c.length)) throw new Error('--command needs a command line');
  const probeOf = (c: string[]): string[] => c.map((a) => a.replace(/\{k\}|\{r\}/g, '0').replace(/\{value\}/g, 'v'));
  return {
    name: 'custom', type: 'custom', default: false, custom: lines,
    description: lines.join('; '),
    vars: { k: { kind: 'key' }, r: { kind: 'rand' } },
    roles: [{ name: 'client', share: 1, ops: cmds.map((c) => ({ name: c[0].toUpperCase(), weight: 1, cmds: [c] })) }],
    probe: cmds.map(probeOf),
  };
}

export function workloadByName(name: string): WorkloadSpec {
  const w = WORKLOADS.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workload ${name} (${WORKLOADS.map((x) => x.name).join(', ')})`);
  return w;
}

/** `all`, `default`, or a comma-separated list of names. */
export function selectWorkloads(list: string): WorkloadSpec[] {
  if (list === 'all') return WORKLOADS;
  if (list === 'default') return WORKLOADS.filter((w) => w.default);
  return list.split(',').filter(Boolean).map((n) => workloadByName(n.trim()));
}

export interface CompiledOp {
  name: string;
  weight: number;
  template: Template;
  /** Index of the follow-up op on a null reply, or -1. */
  onNil: number;
  /** Index of the follow-up op fed the entry ID of the reply (onEntry), or -1. */
  onEntry: number;
}

export interface CompiledRole {
  name: string;
  share: number;
  count?: number;
  ops: CompiledOp[];
  /** Cumulative weights of the ops chosen at random (followOnly ops have 0). */
  cumulative: Float64Array;
  subscribe: Template | null;
}

export interface CompiledWorkload {
  spec: WorkloadSpec;
  vars: VarSpec[];
  names: string[];
  widths: number[];
  roles: CompiledRole[];
  setup: { template: Template; count: number; bind: (i: number) => Float64Array } | null;
}

/** A value of `size` printable bytes (the same for every request, as redis-benchmark's). */
export function valueOf(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = 97 + (i % 26);
  return b;
}

export function compileWorkload(spec: WorkloadSpec, opts: WorkloadOptions): CompiledWorkload {
  const names = Object.keys(spec.vars);
  const vars = names.map((n) => {
    const v = { ...spec.vars[n] };
    // num without a max ranges over the key space (bit offsets of users).
    if (v.kind === 'num' && (v.max === undefined || v.max < 0)) v.max = opts.keyspace - 1;
    return v;
  });
  const slotOf = new Map(names.map((n, i) => [n, i]));
  const widths = vars.map((v) => widthOf(v, opts.keyspace));
  const consts = new Map<string, Buffer>([['value', valueOf(opts.valueSize)], ['sha', Buffer.from(RATE_LIMIT_SHA)]]);
  const tpl = (cmds: string[][]): Template => new Template(cmds, slotOf, widths, consts);
  const roles = spec.roles.map((r): CompiledRole => {
    const ops = (r.ops ?? []).map((o) => ({ name: o.name, weight: o.followOnly ? 0 : o.weight, template: tpl(o.cmds), onNil: -1, onEntry: -1 }));
    const ratio = opts.readRatio;
    if (ratio != null && r.ops) {
      const chosen = r.ops.map((o, i) => ({ o, i })).filter(({ o }) => !o.followOnly);
      const reads = chosen.filter(({ o }) => o.read);
      const writes = chosen.filter(({ o }) => !o.read);
      const sum = (xs: typeof chosen): number => xs.reduce((a, { o }) => a + o.weight, 0);
      // Within each group the workload's own proportions stay.
      if (reads.length && writes.length) {
        for (const { o, i } of reads) ops[i].weight = (ratio * o.weight) / sum(reads);
        for (const { o, i } of writes) ops[i].weight = ((1 - ratio) * o.weight) / sum(writes);
      }
    }
    (r.ops ?? []).forEach((o, i) => {
      if (o.onNil) {
        ops[i].onNil = ops.findIndex((x) => x.name === o.onNil);
        if (ops[i].onNil < 0) throw new Error(`${spec.name}: no op ${o.onNil}`);
      }
      if (o.onEntry) {
        ops[i].onEntry = ops.findIndex((x) => x.name === o.onEntry);
        if (ops[i].onEntry < 0 || !slotOf.has('ims') || !slotOf.has('iseq')) throw new Error(`${spec.name}: bad onEntry ${o.onEntry}`);
      }
    });
    const cumulative = new Float64Array(ops.length);
    let acc = 0;
    ops.forEach((o, i) => { acc += o.weight; cumulative[i] = acc; });
    return { name: r.name, share: r.share, count: r.count, ops, cumulative, subscribe: r.subscribe ? tpl([r.subscribe]) : null };
  });
  let setup: CompiledWorkload['setup'] = null;
  if (spec.setup) {
    const s = spec.setup;
    setup = {
      template: tpl(s.cmds),
      count: s.count(opts.keyspace),
      bind: (i) => {
        const vals = new Float64Array(names.length);
        const b = s.bind(i, opts.keyspace);
        for (const [k, v] of Object.entries(b)) vals[slotOf.get(k)!] = v;
        return vals;
      },
    };
  }
  return { spec, vars, names, widths, roles, setup };
}

/** Which role connection `c` of `n` plays: roles take consecutive shares. */
export function roleOf(w: CompiledWorkload, c: number, n: number): number {
  const counted = w.roles.reduce((a, r) => a + (r.count ?? 0), 0);
  const rest = Math.max(0, n - counted);
  let end = 0;
  let acc = 0;
  for (let r = 0; r < w.roles.length - 1; r++) {
    const role = w.roles[r];
    if (role.count !== undefined) end += role.count;
    else {
      acc += role.share;
      end = Math.round(acc * rest) + w.roles.slice(0, r).reduce((a, x) => a + (x.count ?? 0), 0);
    }
    if (c < end) return r;
  }
  return w.roles.length - 1;
}
