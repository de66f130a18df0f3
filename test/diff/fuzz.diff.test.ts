// Differential fuzzer: seeded random command sequences over every engine
// command of the table (string, bitmap, list, set, sorted set and generic key
// commands, MULTI EXEC DISCARD WATCH UNWATCH, PING ECHO SELECT DBSIZE FLUSHDB
// FLUSHALL SWAPDB), valid and invalid (wrong
// arity, bad integers and floats, syntax errors, option mixes), over a small
// key set so encodings and existence collide, sent to a real redis-server and
// to Vermilion; raw replies are compared byte for byte.
//
// Knobs (environment):
//   VERMILION_FUZZ_SEED=n      run this one seed (prints it on failure anyway)
//   VERMILION_FUZZ_SEEDS=n     how many seeds (default 3: two RESP2, one RESP3)
//   VERMILION_FUZZ_COMMANDS=n  commands per seed (default 1500); raise for a long run
//   VERMILION_FUZZ_ONLY=GET,SET  only these commands (to chase one family)
//   VERMILION_FUZZ_AGAINST=redis  a second redis-server in Vermilion's place:
//                              checks that the normalizations below suffice
//   VERMILION_TEST_IMPLEMENTED_ONLY=1  only commands this build has (helpers/implemented.ts)
//
// Only what must differ between two servers is normalized; each rule says why:
//   TTL, PTTL         both servers set a relative TTL a few ms apart, so the
//                     remaining time may differ: equal within 1 s / 1500 ms.
//   EXPIRETIME,       absolute deadlines computed from each server's own clock
//   PEXPIRETIME       for relative TTLs: equal within 2 s / 2000 ms.
//   OBJECT IDLETIME   wall-clock idle seconds: any integer matches any integer.
//   KEYS, SCAN        hash-table order is the implementation's: elements are
//                     sorted. SCAN always asks COUNT >= 1000 over < 20 keys, so
//                     one call from cursor 0 returns everything and the next
//                     cursor is 0 on both. From any other accepted cursor (-1)
//                     what comes back depends on the hash: only the shape counts.
//   RANDOMKEY         a random pick: any key matches any key (nil only matches nil).
//   ZRANDMEMBER       random picks: compared by count, nesting and distinctness
//                     (the whole set, when asked for more, exactly).
//   ZSCAN             a skiplist's hash order: (member, score) pairs sorted; from a
//                     cursor other than 0 only the shape counts.
//   HELLO             (RESP3 runs only) carries server name, version and id: ignored.
//   XPENDING, XINFO   idle times, delivery times and seen-times read each
//                     server's clock: zeroed (IDLE filters are 0 or huge).
//   DUMP              a hashtable's elements come in hash order: the payload's
//                     type byte and length are compared (same elements, same bytes);
//                     an LZF-compressed string by its uncompressed length
//                     (Redis's compressor starts from stale table entries).
// Everything else is compared byte for byte. TTLs are chosen so no key expires
// by the clock during a run (relative TTLs of >= 100 s, absolute times far in
// the future); keys vanish only through TTLs in the past, which both servers
// apply at once.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, redisServerPath, RawClient } from '../helpers/server.js';
import { Server } from '../../src/server/server.js';
import { Config } from '../../src/host/config.js';
import { Engine } from '../../src/engine/engine.js';
import { encodeCommand, parseReply, RespValue } from '../helpers/resp.js';
import { engineHas } from '../helpers/implemented.js';
import { seeded as prng } from '../helpers/prng.js';
import { withPayloadFooter } from '../../src/host/rdbpayload.js';

const haveRedis = redisServerPath() !== null;
if (process.env.CI && !haveRedis) throw new Error('redis-server is required in CI for the differential fuzzer');

type Arg = string;
type Cmd = Arg[];

// ---- generator -----------------------------------------------------------------

// Stream IDs are always explicit (an auto ID is each server's clock): small
// ms parts so that ranges, trims and deletions meet existing entries.
function streamId(g: Gen): string {
  if (g.chance(0.05)) return g.pick(['abc', '1-x', '-1', '18446744073709551616-0']);
  return g.chance(0.3) ? String(g.int(0, 30)) : `${g.int(0, 30)}-${g.int(0, 3)}`;
}
function streamNewId(g: Gen): string {
  if (g.chance(0.3)) return `${g.int(0, 40)}-*`;
  if (g.chance(0.05)) return g.pick(['0-0', 'x', '5-']);
  return `${g.int(0, 40)}-${g.int(0, 5)}`;
}
function streamTrim(g: Gen): string[] {
  const out = [g.pick(['MAXLEN', 'MINID'])];
  if (g.chance(0.5)) out.push(g.pick(['=', '~']));
  out.push(out[0] === 'MAXLEN' ? String(g.int(0, 8)) : streamId(g));
  if (g.chance(0.15)) out.push('LIMIT', String(g.int(0, 5)));
  return out;
}
function streamRange(g: Gen, rev: boolean): string[] {
  const lo = g.chance(0.3) ? '-' : (g.chance(0.2) ? '(' : '') + streamId(g);
  const hi = g.chance(0.3) ? '+' : (g.chance(0.2) ? '(' : '') + streamId(g);
  const out = [g.key(), ...(rev ? [hi, lo] : [lo, hi])];
  if (g.chance(0.3)) out.push('COUNT', String(g.int(-1, 5)));
  return out;
}

/** A longitude/latitude pair: mostly valid, sometimes out of range or not a number. */
function geoPoint(g: Gen): [string, string] {
  if (g.chance(0.05)) return [g.pick(['181', '-180.5', 'abc', 'inf']), String(g.int(-85, 85))];
  if (g.chance(0.05)) return [String(g.int(-180, 180)), g.pick(['86', '-85.06', 'x'])];
  return [(g.int(-1800000, 1800000) / 10000).toString(), (g.int(-850000, 850000) / 10000).toString()];
}

/** A geo search unit, sometimes not one. */
function geoUnit(g: Gen): string { return g.chance(0.97) ? g.pick(['m', 'KM', 'ft', 'mi', 'km']) : 'yards'; }
/** A radius, width or height: from nothing to the whole earth, sometimes invalid. */
function geoSize(g: Gen): string {
  if (g.chance(0.05)) return g.pick(['-1', 'x', 'inf', '0']);
  return String(g.pick([1, 50, 500, 2000, 8000, 20000]) * g.int(1, 1000) / 100);
}
/** GEORADIUS/GEOSEARCH options in any order: WITH*, ASC|DESC, COUNT [ANY], and the given extras. */
function geoOptions(g: Gen, extra: (() => string[])[]): string[] {
  const opts: string[][] = [];
  for (const w of ['WITHDIST', 'WITHHASH', 'WITHCOORD']) if (g.chance(0.25)) opts.push([w]);
  if (g.chance(0.3)) opts.push([g.pick(['ASC', 'DESC'])]);
  if (g.chance(0.35)) opts.push(['COUNT', g.chance(0.9) ? String(g.int(1, 6)) : g.pick(['0', '-2', 'x'])]);
  if (g.chance(0.15)) opts.push(['ANY']);
  for (const f of extra) if (g.chance(0.25)) opts.push(f());
  for (let i = opts.length - 1; i > 0; i--) {
    const j = g.int(0, i);
    [opts[i], opts[j]] = [opts[j], opts[i]];
  }
  return opts.flat();
}
function geoFrom(g: Gen): string[] {
  return g.chance(0.5) ? ['FROMMEMBER', g.member()] : ['FROMLONLAT', ...geoPoint(g)];
}
function geoBy(g: Gen): string[] {
  return g.chance(0.5) ? ['BYRADIUS', geoSize(g), geoUnit(g)] : ['BYBOX', geoSize(g), geoSize(g), geoUnit(g)];
}
/** GEOSEARCH's FROM and BY parts (sometimes one missing, doubled or crossed) and options. */
function geoSearchArgs(g: Gen, extra: (() => string[])[]): string[] {
  const parts: string[][] = [];
  if (g.chance(0.95)) parts.push(geoFrom(g));
  if (g.chance(0.95)) parts.push(geoBy(g));
  if (g.chance(0.04)) parts.push(geoFrom(g));
  if (g.chance(0.04)) parts.push(geoBy(g));
  if (g.chance(0.5)) parts.reverse();
  return [...parts.flat(), ...geoOptions(g, extra)];
}

/**
 * RESTORE payloads whose every byte (CRC-64 included) is ASCII, so they pass
 * through the generator's text arguments unchanged: a string, a set and a
 * sorted set (values picked until the checksum comes out ASCII), one with a
 * wrong checksum, and garbage.
 */
function asciiPayload(body: (n: number) => Buffer): string {
  for (let n = 0; ; n++) {
    const p = withPayloadFooter(body(n));
    if (p.every((b) => b < 0x80)) return p.toString('latin1');
  }
}
const str = (s: string) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)]);
const RESTORE_PAYLOADS = [
  asciiPayload((n) => Buffer.concat([Buffer.from([0]), str(`restored-${n}`)])),
  asciiPayload((n) => Buffer.concat([Buffer.from([2, 2]), str('m1'), str(`m${n + 2}`)])),
  asciiPayload((n) => Buffer.concat([Buffer.from([5, 1]), str(`z${n}`), Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x40])])),
  'x'.repeat(12),
  'garbage',
];


// Fixed at load so both servers see the same absolute times.
const NOW_S = Math.floor(Date.now() / 1000);
const FUTURE_S = NOW_S + 1_000_000;
const PAST_S = 1000;

class Gen {
  constructor(private rnd: () => number) {}
  chance(p: number): boolean { return this.rnd() < p; }
  int(lo: number, hi: number): number { return lo + Math.floor(this.rnd() * (hi - lo + 1)); }
  pick<T>(a: readonly T[]): T { return a[Math.floor(this.rnd() * a.length)]; }

  key(): string { return this.pick(KEYS); }
  /** A collection member: integers (intset, listpack ints) and strings, colliding often. */
  member(): string { return this.pick(MEMBERS); }
  keys(min = 1, max = 4): string[] { return Array.from({ length: this.int(min, max) }, () => this.key()); }
  value(): string {
    if (this.chance(0.05)) return 'x'.repeat(this.int(40, 70)); // across the embstr/raw line (44)
    return this.pick(VALUES);
  }
  /** An integer argument: mostly small and valid, sometimes not. */
  intArg(lo = -20, hi = 20): string {
    return this.chance(0.85) ? String(this.int(lo, hi)) : this.pick(BAD_INTS);
  }
  floatArg(): string { return this.chance(0.7) ? this.pick(['1.5', '-2', '10', '0.1', '3e2', '-0.5', '5.0e3', '7']) : this.pick(BAD_FLOATS); }
  /** A relative TTL in seconds that cannot run out during a run, or a bad one. */
  ttlS(): string { return this.chance(0.85) ? String(this.int(100, 100000)) : this.pick(['0', '-1', '-100', 'abc', '1.5', '9223372036854775807', '9223372036854775', '']); }
  ttlMs(): string { return this.chance(0.85) ? String(this.int(100000, 100000000)) : this.pick(['0', '-1', 'abc', '9223372036854775807', '9223372036854775806', '1e3']); }
  atS(): string { return this.chance(0.8) ? String(FUTURE_S + this.int(0, 1000)) : this.pick([String(PAST_S), '0', '-1', 'abc', '9223372036854775807']); }
  atMs(): string { return this.chance(0.8) ? String(FUTURE_S * 1000 + this.int(0, 1000000)) : this.pick([String(PAST_S * 1000), '0', '-1', 'x', '9223372036854775807']); }
}

const KEYS = ['a', 'b', 'c', 'n', 'f', '{k}1'] as const;
const MEMBERS = ['1', '2', '3', '-5', '100', '007', 'x', 'y', 'zz', '', '1.5', '9223372036854775807', 'abcdefghijklmnopqrstuvwxyz0123456789'] as const;
const members = (g: Gen, min: number, max: number): string[] => Array.from({ length: g.int(min, max) }, () => g.member());
const VALUES = ['', '0', '1', '-1', '10', '42', '-7', '3.5', '1e3', 'abc', 'foobar', 'hello world', ' 1', '1 ', '0x10',
  '9223372036854775807', '-9223372036854775808', '9223372036854775808', '12345678901234567890', 'inf', 'nan', '\u00ff\u0000\u0080',
  '007', '-0', '+5', 'ohmytext', 'mynewtext'] as const;
const BAD_INTS = ['abc', '1.5', '', ' 1', '9223372036854775808', '-9223372036854775809', '0x1', '1e2', '+1', '9223372036854775807', '-9223372036854775808'] as const;
const BAD_FLOATS = ['abc', '', 'nan', 'inf', '-inf', '1e400', '1.5.5', '0x10', ' 1', '1 '] as const;
const BF_TYPES = ['u8', 'i8', 'u1', 'i16', 'u16', 'i32', 'u63', 'i64', 'u64', 'x8', 'i0', 'u0', 'i65'] as const;
const BF_OFFS = ['0', '1', '7', '8', '#0', '#1', '#3', '-1', 'abc', '100'] as const;

type G = (g: Gen) => Arg[];

const ttlOption = (g: Gen): Arg[] => g.pick<() => Arg[]>([
  () => ['EX', g.ttlS()], () => ['PX', g.ttlMs()], () => ['EXAT', g.atS()], () => ['PXAT', g.atMs()],
])();

const expireFlags = (g: Gen): Arg[] => (g.chance(0.5) ? [] : g.chance(0.85) ? [g.pick(['NX', 'XX', 'GT', 'LT', 'nx', 'gt'])] : [g.pick(['NX', 'GT', 'LT', 'XX']), g.pick(['XX', 'LT', 'GT', 'NX', 'FOO'])]);

const bitfieldOps = (g: Gen, readOnly: boolean): Arg[] => {
  const out: Arg[] = [];
  const n = g.int(0, 4);
  for (let i = 0; i < n; i++) {
    const kind = readOnly && g.chance(0.85) ? 'GET' : g.pick(['GET', 'SET', 'INCRBY', 'OVERFLOW', 'get', 'incrby', 'BAD']);
    const type = g.chance(0.85) ? g.pick(BF_TYPES.slice(0, 8)) : g.pick(BF_TYPES);
    if (/^get$/i.test(kind)) out.push(kind, type, g.pick(BF_OFFS));
    else if (/^(set|incrby)$/i.test(kind)) out.push(kind, type, g.pick(BF_OFFS), g.intArg(-300, 300));
    else if (kind === 'OVERFLOW') out.push(kind, g.pick(['WRAP', 'SAT', 'FAIL', 'sat', 'NOPE']));
    else out.push(kind);
  }
  return out;
};

const rangeArgs = (g: Gen): Arg[] => [g.intArg(-8, 8), g.intArg(-8, 8)];

const listValues = (g: Gen): Arg[] => Array.from({ length: g.int(1, 3) }, () => g.value());
const listSide = (g: Gen): Arg => (g.chance(0.95) ? g.pick(['LEFT', 'RIGHT', 'left', 'right']) : g.pick(['UP', '']));
/** Short waits only: 10 ms, 1 ms, or a timeout Redis refuses. */
const blockTimeout = (g: Gen): Arg => (g.chance(0.85) ? g.pick(['0.01', '0.001']) : g.pick(['-1', 'abc', 'inf', '']));
const mpopArgs = (g: Gen): Arg[] => {
  const keys = g.keys(1, 3);
  const numkeys = g.chance(0.9) ? String(keys.length) : g.pick(['0', '-1', 'x', String(keys.length + 1)]);
  const out = [numkeys, ...keys, listSide(g)];
  if (g.chance(0.5)) out.push('COUNT', g.intArg(-1, 5));
  if (g.chance(0.03)) out.push(g.pick(['COUNT', 'FOO']));
  return out;
};

// Sorted set arguments: members that collide with every value, scores that
// stress parsing and printing, score and lex range ends valid or not.
const zMember = (g: Gen): Arg => (g.chance(0.7) ? g.pick(['m1', 'm2', 'm3', 'a', 'b', '1', '-2', '']) : g.value());
const zScore = (g: Gen): Arg => (g.chance(0.8)
  ? g.pick(['1', '2', '-1', '0', '1.5', '0.1', '-0', '3e2', 'inf', '-inf', '1e17', '7'])
  : g.pick(['abc', 'nan', '1e400', ' 1', '', '0x10', '1.1.1']));
const zRange = (g: Gen): Arg => g.pick(['-inf', '+inf', '0', '1', '(1', '2', '(2', '1.5', 'x', '(', '', ' 1', 'inf']);
const zLex = (g: Gen): Arg => g.pick(['-', '+', '[a', '(a', '[m2', '(m3', '[1', '[', 'a', '+x']);
const zRangeOpts = (g: Gen, scores: boolean): Arg[] => {
  const out: Arg[] = [];
  if (scores && g.chance(0.4)) out.push('WITHSCORES');
  if (g.chance(0.3)) out.push('LIMIT', g.intArg(-2, 5), g.intArg(-2, 5));
  if (g.chance(0.03)) out.push('REV');
  return out;
};
const zmpopArgs = (g: Gen): Arg[] => {
  const keys = g.keys(1, 3);
  const out = [g.chance(0.9) ? String(keys.length) : g.pick(['0', 'x', '9']), ...keys, g.chance(0.95) ? g.pick(['MIN', 'MAX', 'min']) : 'BOTH'];
  if (g.chance(0.4)) out.push('COUNT', g.intArg(-1, 4));
  return out;
};
const zsetOpArgs = (g: Gen, store: boolean, weighted: boolean): Arg[] => {
  const keys = g.keys(1, 3);
  const out = [...(store ? [g.key()] : []), g.chance(0.9) ? String(keys.length) : g.pick(['0', 'x', '9']), ...keys];
  if (weighted && g.chance(0.3)) out.push('WEIGHTS', ...keys.map(() => g.pick(['1', '2', '0', '-1', '0.5', 'inf', 'x'])));
  if (weighted && g.chance(0.3)) out.push('AGGREGATE', g.pick(['SUM', 'MIN', 'MAX', 'avg']));
  if (!store && g.chance(0.4)) out.push('WITHSCORES');
  return out;
};

const streamGroup = (g: Gen): Arg => g.pick(['g1', 'g2', 'g1', 'G']);
const streamConsumer = (g: Gen): Arg => g.pick(['c1', 'c2', 'c3', '']);

const GENERATORS: Record<string, G> = {
  // strings
  APPEND: (g) => [g.key(), g.value()],
  DECR: (g) => [g.key()],
  DECRBY: (g) => [g.key(), g.intArg(-100, 100)],
  GET: (g) => [g.key()],
  GETDEL: (g) => [g.key()],
  GETEX: (g) => {
    const opts: Arg[] = [];
    if (g.chance(0.7)) opts.push(...(g.chance(0.2) ? ['PERSIST'] : ttlOption(g)));
    if (g.chance(0.1)) opts.push(...(g.chance(0.5) ? ['PERSIST'] : ttlOption(g)));
    if (g.chance(0.05)) opts.push('EX');
    return [g.key(), ...opts];
  },
  GETRANGE: (g) => [g.key(), ...rangeArgs(g)],
  GETSET: (g) => [g.key(), g.value()],
  INCR: (g) => [g.key()],
  INCRBY: (g) => [g.key(), g.intArg(-100, 100)],
  INCRBYFLOAT: (g) => [g.key(), g.floatArg()],
  LCS: (g) => {
    const opts: Arg[] = [];
    for (const o of ['LEN', 'IDX', 'WITHMATCHLEN']) if (g.chance(0.3)) opts.push(o);
    if (g.chance(0.3)) opts.push('MINMATCHLEN', g.intArg(-1, 4));
    if (g.chance(0.05)) opts.push('BOGUS');
    return [g.key(), g.key(), ...(g.chance(0.5) ? opts : opts.reverse())];
  },
  MGET: (g) => g.keys(1, 5),
  MSET: (g) => {
    const out: Arg[] = [];
    for (let i = g.int(1, 3); i > 0; i--) out.push(g.key(), g.value());
    if (g.chance(0.1)) out.push(g.key());
    return out;
  },
  MSETNX: (g) => {
    const out: Arg[] = [];
    for (let i = g.int(1, 3); i > 0; i--) out.push(g.key(), g.value());
    if (g.chance(0.1)) out.push(g.key());
    return out;
  },
  PSETEX: (g) => [g.key(), g.ttlMs(), g.value()],
  SET: (g) => {
    const opts: Arg[] = [];
    if (g.chance(0.25)) opts.push(g.pick(['NX', 'XX', 'nx']));
    if (g.chance(0.2)) opts.push('GET');
    if (g.chance(0.35)) opts.push(...(g.chance(0.15) ? ['KEEPTTL'] : ttlOption(g)));
    if (g.chance(0.05)) opts.push(g.pick(['NX', 'XX', 'KEEPTTL', 'EX', 'PX', 'FOO']), ...(g.chance(0.5) ? [g.ttlS()] : []));
    for (let i = opts.length - 1; i > 0; i--) {
      // Options come in any order, but a TTL keeps its value after it.
      if (!/^(EX|PX|EXAT|PXAT)$/.test(opts[i - 1]) && !/^(EX|PX|EXAT|PXAT)$/.test(opts[i]) && g.chance(0.3)) [opts[i - 1], opts[i]] = [opts[i], opts[i - 1]];
    }
    return [g.key(), g.value(), ...opts];
  },
  SETEX: (g) => [g.key(), g.ttlS(), g.value()],
  SETNX: (g) => [g.key(), g.value()],
  SETRANGE: (g) => [g.key(), g.chance(0.9) ? String(g.int(0, 60)) : g.pick(['-1', 'abc', '536870912', '536870911']), g.chance(0.1) ? '' : g.value()],
  STRLEN: (g) => [g.key()],
  SUBSTR: (g) => [g.key(), ...rangeArgs(g)],
  // bitmaps
  BITCOUNT: (g) => {
    if (g.chance(0.3)) return [g.key()];
    const out = [g.key(), ...rangeArgs(g)];
    if (g.chance(0.4)) out.push(g.pick(['BYTE', 'BIT', 'bit', 'WORD']));
    if (g.chance(0.05)) out.pop();
    return out;
  },
  BITFIELD: (g) => [g.key(), ...bitfieldOps(g, false)],
  BITFIELD_RO: (g) => [g.key(), ...bitfieldOps(g, true)],
  BITOP: (g) => {
    const op = g.pick(['AND', 'OR', 'XOR', 'NOT', 'and', 'not', 'NAND']);
    const srcs = op.toUpperCase() === 'NOT' && g.chance(0.8) ? [g.key()] : g.keys(1, 3);
    return [op, g.key(), ...srcs];
  },
  BITPOS: (g) => {
    const out = [g.key(), g.chance(0.9) ? g.pick(['0', '1']) : g.pick(['2', '-1', 'abc'])];
    if (g.chance(0.6)) out.push(g.intArg(-8, 8));
    if (out.length === 3 && g.chance(0.6)) out.push(g.intArg(-8, 8));
    if (out.length === 4 && g.chance(0.5)) out.push(g.pick(['BYTE', 'BIT', 'bits']));
    return out;
  },
  GETBIT: (g) => [g.key(), g.chance(0.9) ? String(g.int(0, 100)) : g.pick(['-1', 'abc', '4294967296', '4294967295'])],
  SETBIT: (g) => [g.key(), g.chance(0.9) ? String(g.int(0, 100)) : g.pick(['-1', 'abc', '4294967296']), g.chance(0.9) ? g.pick(['0', '1']) : g.pick(['2', '-1', 'x'])],
  // lists (a blocking command's timeout is short or bad: it never waits long)
  LPUSH: (g) => [g.key(), ...listValues(g)],
  RPUSH: (g) => [g.key(), ...listValues(g)],
  LPUSHX: (g) => [g.key(), ...listValues(g)],
  RPUSHX: (g) => [g.key(), ...listValues(g)],
  LINSERT: (g) => [g.key(), g.pick(['BEFORE', 'AFTER', 'before', 'after', 'MIDDLE']), g.value(), g.value()],
  LLEN: (g) => [g.key()],
  LINDEX: (g) => [g.key(), g.intArg(-6, 6)],
  LRANGE: (g) => [g.key(), ...rangeArgs(g)],
  LSET: (g) => [g.key(), g.intArg(-6, 6), g.value()],
  LTRIM: (g) => [g.key(), ...rangeArgs(g)],
  LREM: (g) => [g.key(), g.intArg(-3, 3), g.value()],
  LPOS: (g) => {
    const opts: Arg[][] = [];
    if (g.chance(0.4)) opts.push(['RANK', g.intArg(-3, 3)]);
    if (g.chance(0.4)) opts.push(['COUNT', g.intArg(-1, 4)]);
    if (g.chance(0.3)) opts.push(['MAXLEN', g.intArg(-1, 10)]);
    if (g.chance(0.05)) opts.push([g.pick(['FOO', 'RANK', 'rank'])]);
    return [g.key(), g.value(), ...(g.chance(0.5) ? opts : opts.reverse()).flat()];
  },
  LPOP: (g) => (g.chance(0.5) ? [g.key()] : [g.key(), g.intArg(-1, 4)]),
  RPOP: (g) => (g.chance(0.5) ? [g.key()] : [g.key(), g.intArg(-1, 4)]),
  LMOVE: (g) => [g.key(), g.key(), listSide(g), listSide(g)],
  RPOPLPUSH: (g) => [g.key(), g.key()],
  LMPOP: (g) => mpopArgs(g),
  BLPOP: (g) => [...g.keys(1, 3), blockTimeout(g)],
  BRPOP: (g) => [...g.keys(1, 3), blockTimeout(g)],
  BLMOVE: (g) => [g.key(), g.key(), listSide(g), listSide(g), blockTimeout(g)],
  BRPOPLPUSH: (g) => [g.key(), g.key(), blockTimeout(g)],
  BLMPOP: (g) => [blockTimeout(g), ...mpopArgs(g)],
  // generic keys
  COPY: (g) => {
    const out = [g.key(), g.key()];
    if (g.chance(0.3)) out.push('DB', g.chance(0.8) ? String(g.int(0, 2)) : g.pick(['16', '-1', 'x']));
    if (g.chance(0.4)) out.push('REPLACE');
    if (g.chance(0.05)) out.push('FOO');
    return out;
  },
  DEL: (g) => g.keys(),
  EXISTS: (g) => g.keys(),
  EXPIRE: (g) => [g.key(), g.chance(0.1) ? String(-g.int(0, 5)) : g.ttlS(), ...expireFlags(g)],
  EXPIREAT: (g) => [g.key(), g.atS(), ...expireFlags(g)],
  EXPIRETIME: (g) => [g.key()],
  KEYS: (g) => [g.pick(['*', 'a*', '?', '{*', '[ab]', 'n', '*1', '[^a]*', '\\*', 'x*'])],
  MOVE: (g) => [g.key(), g.chance(0.85) ? String(g.int(0, 2)) : g.pick(['16', '-1', 'abc'])],
  OBJECT: (g) => {
    const sub = g.pick(['ENCODING', 'ENCODING', 'REFCOUNT', 'IDLETIME', 'FREQ', 'HELP', 'encoding', 'NOPE']);
    if (sub === 'HELP') return g.chance(0.8) ? [sub] : [sub, 'x'];
    return g.chance(0.95) ? [sub, g.key()] : [sub];
  },
  PERSIST: (g) => [g.key()],
  DUMP: (g) => [g.key()],
  XADD: (g) => {
    const out = [g.key()];
    if (g.chance(0.1)) out.push('NOMKSTREAM');
    if (g.chance(0.2)) out.push(...streamTrim(g));
    out.push(streamNewId(g));
    const n = g.chance(0.95) ? g.int(1, 3) : 0;
    for (let i = 0; i < n; i++) out.push(g.pick(['f', 'g', 'name']), g.value());
    return out;
  },
  XDEL: (g) => [g.key(), ...Array.from({ length: g.int(1, 3) }, () => streamId(g))],
  XLEN: (g) => [g.key()],
  XRANGE: (g) => streamRange(g, false),
  XREVRANGE: (g) => streamRange(g, true),
  XTRIM: (g) => [g.key(), ...streamTrim(g)],
  XSETID: (g) => {
    const out = [g.key(), streamId(g)];
    if (g.chance(0.3)) out.push('ENTRIESADDED', String(g.int(-1, 50)));
    if (g.chance(0.3)) out.push('MAXDELETEDID', streamId(g));
    return out;
  },
  XREAD: (g) => {
    const out: string[] = [];
    if (g.chance(0.3)) out.push('COUNT', String(g.int(-1, 5)));
    const keys = g.keys(1, 2);
    out.push('STREAMS', ...keys, ...keys.map(() => g.chance(0.2) ? '$' : streamId(g)));
    if (g.chance(0.05)) out.pop();
    return out;
  },
  XGROUP: (g) => {
    const sub = g.pick(['CREATE', 'CREATE', 'SETID', 'DESTROY', 'CREATECONSUMER', 'DELCONSUMER', 'HELP', 'create', 'NOPE']);
    if (sub === 'HELP') return g.chance(0.8) ? [sub] : [sub, 'x'];
    const out = [sub, g.key(), streamGroup(g)];
    if (sub.toUpperCase() === 'CREATE' || sub === 'SETID') {
      out.push(g.chance(0.3) ? '$' : streamId(g));
      if (sub.toUpperCase() === 'CREATE' && g.chance(0.4)) out.push('MKSTREAM');
      if (g.chance(0.2)) out.push('ENTRIESREAD', String(g.int(-2, 10)));
    } else if (sub === 'CREATECONSUMER' || sub === 'DELCONSUMER') {
      out.push(streamConsumer(g));
    }
    return out;
  },
  XREADGROUP: (g) => {
    const out = ['GROUP', streamGroup(g), streamConsumer(g)];
    if (g.chance(0.3)) out.push('COUNT', String(g.int(-1, 4)));
    if (g.chance(0.2)) out.push('NOACK');
    const keys = g.keys(1, 2);
    out.push('STREAMS', ...keys, ...keys.map(() => (g.chance(0.7) ? '>' : g.chance(0.9) ? streamId(g) : '$')));
    if (g.chance(0.05)) out.pop();
    return out;
  },
  XACK: (g) => [g.key(), streamGroup(g), ...Array.from({ length: g.int(1, 3) }, () => streamId(g))],
  XPENDING: (g) => {
    const out = [g.key(), streamGroup(g)];
    if (g.chance(0.6)) {
      if (g.chance(0.3)) out.push('IDLE', g.pick(['0', '100000000', 'x']));
      out.push(g.chance(0.5) ? '-' : streamId(g), g.chance(0.5) ? '+' : streamId(g), String(g.int(-1, 5)));
      if (g.chance(0.4)) out.push(streamConsumer(g));
    }
    return out;
  },
  XCLAIM: (g) => {
    const out = [g.key(), streamGroup(g), streamConsumer(g), g.pick(['0', '0', '100000000', 'x']),
      ...Array.from({ length: g.int(1, 3) }, () => streamId(g))];
    if (g.chance(0.2)) out.push('IDLE', g.pick(['0', '5000', 'x']));
    if (g.chance(0.1)) out.push('TIME', g.pick(['1', '1700000000000', '-1']));
    if (g.chance(0.2)) out.push('RETRYCOUNT', String(g.int(-1, 5)));
    if (g.chance(0.2)) out.push('FORCE');
    if (g.chance(0.3)) out.push('JUSTID');
    if (g.chance(0.1)) out.push('LASTID', streamId(g));
    return out;
  },
  XAUTOCLAIM: (g) => {
    const out = [g.key(), streamGroup(g), streamConsumer(g), g.pick(['0', '0', '100000000', 'x']),
      g.chance(0.5) ? '0' : g.chance(0.5) ? streamId(g) : `(${streamId(g)}`];
    if (g.chance(0.5)) out.push('COUNT', String(g.int(-1, 4)));
    if (g.chance(0.3)) out.push('JUSTID');
    return out;
  },
  XINFO: (g) => {
    const sub = g.pick(['STREAM', 'STREAM', 'GROUPS', 'CONSUMERS', 'HELP', 'stream', 'NOPE']);
    if (sub === 'HELP') return [sub];
    if (sub === 'CONSUMERS') return [sub, g.key(), streamGroup(g)];
    const out = [sub, g.key()];
    if (sub.toUpperCase() === 'STREAM' && g.chance(0.4)) {
      out.push('FULL');
      if (g.chance(0.5)) out.push('COUNT', String(g.int(-1, 3)));
    }
    return out;
  },
  PFADD: (g) => [g.key(), ...Array.from({ length: g.int(0, 6) }, () => g.chance(0.5) ? g.member() : `e${g.int(0, 3000)}`)],
  PFCOUNT: (g) => g.keys(1, 3),
  PFMERGE: (g) => g.keys(1, 4),
  PFDEBUG: (g) => [g.pick(['GETREG', 'ENCODING', 'TODENSE', 'DECODE', 'NOPE']), g.key()],
  PFSELFTEST: () => [],
  GEOADD: (g) => {
    const out = [g.key()];
    for (const o of ['NX', 'XX', 'CH']) if (g.chance(0.1)) out.push(o);
    const n = g.chance(0.9) ? g.int(1, 3) : 0;
    for (let i = 0; i < n; i++) out.push(...geoPoint(g), g.member());
    if (g.chance(0.03)) out.push('1');
    return out;
  },
  GEODIST: (g) => {
    const out = [g.key(), g.member(), g.member()];
    if (g.chance(0.5)) out.push(g.pick(['m', 'KM', 'ft', 'mi', 'yards']));
    return out;
  },
  GEOHASH: (g) => [g.key(), ...Array.from({ length: g.int(0, 3) }, () => g.member())],
  GEOPOS: (g) => [g.key(), ...Array.from({ length: g.int(0, 3) }, () => g.member())],
  GEORADIUS: (g) => [g.key(), ...geoPoint(g), geoSize(g), geoUnit(g),
    ...geoOptions(g, [() => ['STORE', g.key()], () => ['STOREDIST', g.key()]])],
  GEORADIUS_RO: (g) => [g.key(), ...geoPoint(g), geoSize(g), geoUnit(g), ...geoOptions(g, [() => ['STORE', g.key()]])],
  GEORADIUSBYMEMBER: (g) => [g.key(), g.member(), geoSize(g), geoUnit(g),
    ...geoOptions(g, [() => ['STORE', g.key()], () => ['STOREDIST', g.key()]])],
  GEORADIUSBYMEMBER_RO: (g) => [g.key(), g.member(), geoSize(g), geoUnit(g), ...geoOptions(g, [() => ['STOREDIST', g.key()]])],
  GEOSEARCH: (g) => [g.key(), ...geoSearchArgs(g, [() => ['STOREDIST']])],
  GEOSEARCHSTORE: (g) => [g.key(), g.key(), ...geoSearchArgs(g, [() => ['STOREDIST'], () => ['STORE', g.key()]])],
  RESTORE: (g) => {
    const args = [g.key(), g.chance(0.7) ? '0' : g.pick([g.ttlMs(), '-1', 'abc', '1']), g.pick(RESTORE_PAYLOADS)];
    for (const opt of ['REPLACE', 'ABSTTL', 'IDLETIME', 'FREQ', 'BOGUS']) {
      if (!g.chance(0.25)) continue;
      if (opt === 'IDLETIME') args.push(opt, g.pick(['0', '100', '-1', 'x']));
      else if (opt === 'FREQ') args.push(opt, g.pick(['0', '5', '255', '256']));
      else args.push(opt);
    }
    return args;
  },
  PEXPIRE: (g) => [g.key(), g.ttlMs(), ...expireFlags(g)],
  PEXPIREAT: (g) => [g.key(), g.atMs(), ...expireFlags(g)],
  PEXPIRETIME: (g) => [g.key()],
  PTTL: (g) => [g.key()],
  RANDOMKEY: () => [],
  RENAME: (g) => [g.key(), g.key()],
  RENAMENX: (g) => [g.key(), g.key()],
  SCAN: (g) => {
    const out = [g.chance(0.9) ? '0' : g.pick(['abc', '-1', '1.5', ''])];
    if (g.chance(0.4)) out.push('MATCH', g.pick(['*', 'a*', '?', '{*', 'z*']));
    if (g.chance(0.3)) out.push('TYPE', g.pick(['string', 'list', 'STRING', 'nope']));
    out.push('COUNT', g.chance(0.9) ? '1000' : g.pick(['0', '-1', 'abc']));
    if (g.chance(0.05)) out.push('EXTRA');
    return out;
  },
  TOUCH: (g) => g.keys(),
  TTL: (g) => [g.key()],
  TYPE: (g) => [g.key()],
  UNLINK: (g) => g.keys(),
  // sorted sets (keys shared with every other type, so WRONGTYPE comes up)
  ZADD: (g) => {
    const out = [g.key()];
    for (const o of ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']) if (g.chance(0.1)) out.push(o);
    const n = g.chance(0.9) ? g.int(1, 4) : 0;
    for (let i = 0; i < n; i++) out.push(zScore(g), zMember(g));
    if (g.chance(0.03)) out.push(zScore(g));
    return out;
  },
  ZINCRBY: (g) => [g.key(), zScore(g), zMember(g)],
  ZREM: (g) => [g.key(), zMember(g), ...(g.chance(0.5) ? [zMember(g)] : [])],
  ZCARD: (g) => [g.key()],
  ZSCORE: (g) => [g.key(), zMember(g)],
  ZMSCORE: (g) => [g.key(), zMember(g), zMember(g)],
  ZRANK: (g) => [g.key(), zMember(g)],
  ZREVRANK: (g) => [g.key(), zMember(g)],
  ZCOUNT: (g) => [g.key(), zRange(g), zRange(g)],
  ZLEXCOUNT: (g) => [g.key(), zLex(g), zLex(g)],
  ZRANGE: (g) => {
    const kind = g.pick(['', 'BYSCORE', 'BYLEX']);
    const out = kind === 'BYSCORE' ? [g.key(), zRange(g), zRange(g)] : kind === 'BYLEX' ? [g.key(), zLex(g), zLex(g)] : [g.key(), ...rangeArgs(g)];
    if (kind) out.push(kind);
    if (g.chance(0.3)) out.push('REV');
    if (g.chance(0.3)) out.push('LIMIT', g.intArg(-2, 5), g.intArg(-2, 5));
    if (g.chance(0.4)) out.push('WITHSCORES');
    return out;
  },
  ZRANGEBYSCORE: (g) => [g.key(), zRange(g), zRange(g), ...zRangeOpts(g, true)],
  ZREVRANGEBYSCORE: (g) => [g.key(), zRange(g), zRange(g), ...zRangeOpts(g, true)],
  ZRANGEBYLEX: (g) => [g.key(), zLex(g), zLex(g), ...zRangeOpts(g, false)],
  ZREVRANGEBYLEX: (g) => [g.key(), zLex(g), zLex(g), ...zRangeOpts(g, false)],
  ZREVRANGE: (g) => [g.key(), ...rangeArgs(g), ...(g.chance(0.4) ? ['WITHSCORES'] : [])],
  ZRANGESTORE: (g) => [g.key(), g.key(), ...(g.chance(0.5) ? rangeArgs(g) : [zRange(g), zRange(g), 'BYSCORE'])],
  ZREMRANGEBYRANK: (g) => [g.key(), ...rangeArgs(g)],
  ZREMRANGEBYSCORE: (g) => [g.key(), zRange(g), zRange(g)],
  ZREMRANGEBYLEX: (g) => [g.key(), zLex(g), zLex(g)],
  ZPOPMIN: (g) => [g.key(), ...(g.chance(0.5) ? [g.intArg(-1, 4)] : [])],
  ZPOPMAX: (g) => [g.key(), ...(g.chance(0.5) ? [g.intArg(-1, 4)] : [])],
  ZMPOP: (g) => zmpopArgs(g),
  // Short timeouts only: a wait that nothing ends would stall both servers.
  BZPOPMIN: (g) => [...g.keys(1, 2), g.pick(['0.01', '0.02', 'x', '-1'])],
  BZPOPMAX: (g) => [...g.keys(1, 2), g.pick(['0.01', '0.02', 'x', '-1'])],
  BZMPOP: (g) => [g.pick(['0.01', '0.02', 'x', '-1']), ...zmpopArgs(g)],
  ZRANDMEMBER: (g) => {
    if (g.chance(0.3)) return [g.key()];
    const out = [g.key(), g.chance(0.9) ? String(g.int(-5, 12)) : g.pick(BAD_INTS)];
    if (g.chance(0.4)) out.push(g.chance(0.9) ? 'WITHSCORES' : 'FOO');
    return out;
  },
  ZSCAN: (g) => {
    const out = [g.key(), g.chance(0.9) ? '0' : g.pick(['abc', '-1', ''])];
    if (g.chance(0.3)) out.push('MATCH', g.pick(['*', 'a*', '?', 'm*']));
    out.push('COUNT', g.chance(0.9) ? '1000' : g.pick(['0', 'abc']));
    return out;
  },
  ZUNION: (g) => zsetOpArgs(g, false, true),
  ZINTER: (g) => zsetOpArgs(g, false, true),
  ZDIFF: (g) => zsetOpArgs(g, false, false),
  ZUNIONSTORE: (g) => zsetOpArgs(g, true, true),
  ZINTERSTORE: (g) => zsetOpArgs(g, true, true),
  ZDIFFSTORE: (g) => zsetOpArgs(g, true, false),
  ZINTERCARD: (g) => {
    const keys = g.keys(1, 3);
    const out = [g.chance(0.9) ? String(keys.length) : g.pick(['0', 'x', '9']), ...keys];
    if (g.chance(0.4)) out.push('LIMIT', g.intArg(-1, 3));
    return out;
  },
  // sets (random picks only with counts that take everything, so both
  // servers stay in the same state; unordered replies are sorted)
  SADD: (g) => [g.key(), ...members(g, 1, 4)],
  SREM: (g) => [g.key(), ...members(g, 1, 3)],
  SCARD: (g) => [g.key()],
  SISMEMBER: (g) => [g.key(), g.member()],
  SMISMEMBER: (g) => [g.key(), ...members(g, 1, 3)],
  SMEMBERS: (g) => [g.key()],
  SMOVE: (g) => [g.key(), g.key(), g.member()],
  SPOP: (g) => [g.key(), g.chance(0.9) ? '1000' : g.pick(['0', '-1', 'abc'])],
  SRANDMEMBER: (g) => [g.key(), g.chance(0.9) ? '1000' : g.pick(['0', 'abc', '9223372036854775808'])],
  SINTER: (g) => g.keys(1, 3),
  SINTERCARD: (g) => {
    const ks = g.keys(1, 3);
    const out = [g.chance(0.9) ? String(ks.length) : g.pick(['0', '-1', '5', 'x']), ...ks];
    if (g.chance(0.4)) out.push('LIMIT', g.chance(0.8) ? String(g.int(0, 5)) : g.pick(['-1', 'x']));
    return out;
  },
  SINTERSTORE: (g) => [g.key(), ...g.keys(1, 3)],
  SUNION: (g) => g.keys(1, 3),
  SUNIONSTORE: (g) => [g.key(), ...g.keys(1, 3)],
  SDIFF: (g) => g.keys(1, 3),
  SDIFFSTORE: (g) => [g.key(), ...g.keys(1, 3)],
  SSCAN: (g) => {
    const out = [g.key(), g.chance(0.9) ? '0' : g.pick(['abc', '-1'])];
    if (g.chance(0.3)) out.push('MATCH', g.pick(['*', '1*', 'a*', '?']));
    out.push('COUNT', g.chance(0.9) ? '1000' : g.pick(['0', '-1', 'abc']));
    return out;
  },
  // hashes (HRANDFIELD only with counts that take everything)
  HSET: (g) => { const out = [g.key()]; for (let i = g.int(1, 3); i > 0; i--) out.push(g.member(), g.value()); return out; },
  HMSET: (g) => [g.key(), g.member(), g.value()],
  HSETNX: (g) => [g.key(), g.member(), g.value()],
  HGET: (g) => [g.key(), g.member()],
  HMGET: (g) => [g.key(), ...members(g, 1, 3)],
  HDEL: (g) => [g.key(), ...members(g, 1, 3)],
  HEXISTS: (g) => [g.key(), g.member()],
  HLEN: (g) => [g.key()],
  HSTRLEN: (g) => [g.key(), g.member()],
  HGETALL: (g) => [g.key()],
  HKEYS: (g) => [g.key()],
  HVALS: (g) => [g.key()],
  HINCRBY: (g) => [g.key(), g.member(), g.intArg(-100, 100)],
  HINCRBYFLOAT: (g) => [g.key(), g.member(), g.floatArg()],
  HRANDFIELD: (g) => (g.chance(0.5) ? [g.key(), g.chance(0.9) ? '1000' : g.pick(['0', 'abc'])] : [g.key(), '1000', 'WITHVALUES']),
  HSCAN: (g) => [g.key(), '0', 'COUNT', '1000'],
  // SORT (numeric on mixed values gives the conversion error; ALPHA sorts anything)
  SORT: (g) => { const out = [g.key()]; if (g.chance(0.6)) out.push('ALPHA'); if (g.chance(0.3)) out.push('DESC'); if (g.chance(0.3)) out.push('LIMIT', g.intArg(-1, 3), g.intArg(-1, 5)); if (g.chance(0.2)) out.push('STORE', g.key()); return out; },
  SORT_RO: (g) => { const out = [g.key()]; if (g.chance(0.6)) out.push('ALPHA'); if (g.chance(0.3)) out.push('DESC'); return out; },
  // transactions (one connection: its own writes invalidate its WATCH)
  MULTI: () => [],
  EXEC: () => [],
  DISCARD: () => [],
  WATCH: (g) => g.keys(1, 2),
  UNWATCH: () => [],
  // connection and server
  PING: (g) => (g.chance(0.5) ? [] : g.chance(0.9) ? [g.value()] : [g.value(), g.value()]),
  ECHO: (g) => [g.value()],
  SELECT: (g) => [g.chance(0.85) ? String(g.int(0, 2)) : g.pick(['16', '-1', 'abc', '2147483648', '1.0'])],
  DBSIZE: () => [],
  FLUSHDB: (g) => (g.chance(0.7) ? [] : [g.pick(['ASYNC', 'SYNC', 'sync', 'LAZY'])]),
  FLUSHALL: (g) => (g.chance(0.7) ? [] : [g.pick(['ASYNC', 'SYNC', 'NOW'])]),
  SWAPDB: (g) => [g.chance(0.9) ? String(g.int(0, 2)) : g.pick(['16', '-1', 'x']), g.chance(0.9) ? String(g.int(0, 2)) : g.pick(['16', 'y'])],
};

// How often each command is drawn: writes that build state more, the
// database-wide wipes rarely so sequences grow some history.
const WEIGHT: Record<string, number> = { SET: 8, SETBIT: 4, APPEND: 3, INCR: 2, SADD: 4, FLUSHALL: 0.1, FLUSHDB: 0.2, SWAPDB: 0.5, SELECT: 1.5, MULTI: 0.5, EXEC: 0.7, DISCARD: 0.2,
  RPUSH: 3, LPUSH: 2 };

const BLOCKING = new Set(['BZPOPMIN', 'BZPOPMAX', 'BZMPOP', 'BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP']);

const OBJECT_SUBCOMMANDS = ['OBJECT|ENCODING', 'OBJECT|REFCOUNT', 'OBJECT|IDLETIME', 'OBJECT|FREQ', 'OBJECT|HELP'];

/** The fuzzed command names: the generator's keys, filtered to what the build has. */
function fuzzedCommands(): string[] {
  const only = process.env.VERMILION_FUZZ_ONLY?.toUpperCase().split(',');
  return Object.keys(GENERATORS).filter((name) => {
    if (only && !only.includes(name)) return false;
    if (name === 'OBJECT') return OBJECT_SUBCOMMANDS.some((s) => engineHas(s));
    return engineHas(name);
  });
}

function generate(seed: number, count: number, names: string[]): Cmd[] {
  const g = new Gen(prng(seed));
  const total = names.reduce((s, n) => s + (WEIGHT[n] ?? 1), 0);
  const out: Cmd[] = [];
  for (let i = 0; i < count; i++) {
    let x = g.int(0, 1_000_000) / 1_000_000 * total;
    let name = names[names.length - 1];
    for (const n of names) { x -= WEIGHT[n] ?? 1; if (x < 0) { name = n; break; } }
    let args = GENERATORS[name](g);
    if (name === 'OBJECT' && !engineHas(`OBJECT|${args[0].toUpperCase()}`) && args[0] !== 'NOPE') args = ['ENCODING', g.key()];
    // Wrong arity now and then: one argument dropped or added (not to the
    // blocking pops, where it would become the timeout).
    if (g.chance(0.03) && !BLOCKING.has(name)) args = g.chance(0.5) ? args.slice(0, -1) : [...args, g.value()];
    out.push([g.chance(0.1) ? name.toLowerCase() : name, ...args]);
  }
  return out;
}

// ---- running and comparing ---------------------------------------------------------

interface Target { port: number }

async function openPair(targets: Target[], proto: 2 | 3): Promise<RawClient[]> {
  const conns = await Promise.all(targets.map((t) => RawClient.connect(t.port)));
  for (const c of conns) {
    if (proto === 3) await c.cmd('HELLO', '3');
    const r = await c.cmd('FLUSHALL');
    if (r !== 'OK') throw new Error(`FLUSHALL failed: ${JSON.stringify(r)}`);
  }
  return conns;
}

/** Runs `cmds` on each connection (pipelined in batches); raw replies per connection. */
async function runAll(conns: RawClient[], cmds: Cmd[], batchSize = 64): Promise<(Buffer | Error)[][]> {
  const out: (Buffer | Error)[][] = conns.map(() => []);
  const dead: (Error | null)[] = conns.map(() => null);
  for (let i = 0; i < cmds.length; i += batchSize) {
    const batch = cmds.slice(i, i + batchSize);
    const bytes = Buffer.concat(batch.map((c) => encodeCommand(c.map((a) => Buffer.from(a, 'latin1')))));
    await Promise.all(conns.map(async (c, k) => {
      if (dead[k]) { for (const _ of batch) out[k].push(dead[k]!); return; }
      c.write(bytes);
      for (let j = 0; j < batch.length; j++) {
        if (dead[k]) { out[k].push(dead[k]!); continue; }
        try {
          // Generous: PFSELFTEST alone takes seconds on a busy machine.
          out[k].push(await c.readRaw(10000));
        } catch (err: any) {
          // A server that stopped answering (closed, crashed, hung) answers
          // nothing more: fail the rest at once instead of waiting for each.
          dead[k] = err;
          out[k].push(err);
        }
      }
    }));
  }
  return out;
}

// TTLs near 2^63 ms (PEXPIREAT 9223372036854775807) arrive as bigints.
const asInt = (v: RespValue): bigint | null => (typeof v === 'number' ? BigInt(v) : typeof v === 'bigint' ? v : null);
const sortArr = (v: RespValue): RespValue => (Array.isArray(v) ? [...v].sort() : typeof v === 'object' && v && 'set' in v ? { set: [...v.set].sort() } : v);

/** A consumer-group reply with its clock readings zeroed (XPENDING idle, XINFO idle/times). */
function maskTimes(v: RespValue): RespValue {
  if (typeof v === 'number' && v >= 1e12) return 0;
  if (Array.isArray(v)) {
    const out = v.map(maskTimes);
    // XPENDING's [id, consumer, idle, count].
    if (out.length === 4 && typeof out[0] === 'string' && /^\d+-\d+$/.test(out[0]) && typeof out[2] === 'number') out[2] = 0;
    for (let i = 0; i + 1 < out.length; i++) if (out[i] === 'idle') out[i + 1] = 0;
    return out;
  }
  if (v && typeof v === 'object' && 'map' in v) return { ...v, map: (v as any).map.map(maskTimes) } as RespValue;
  return v;
}

/**
 * What two DUMP payloads must share: the type byte and the length, except
 * for an LZF-compressed string (type 0, encoding byte 0xC3), where only the
 * uncompressed length must match. Redis's compressor reads a hash table it
 * leaves uninitialised on its stack (lzfP.h INIT_HTAB 0): a stale entry that
 * happens to point into the string adds a match, so Redis's compressed bytes
 * can differ by a byte or two, either way, from the same algorithm's from a
 * clean table (ours). Both decompress to the same string.
 */
function dumpShape(v: string): string {
  if (v.charCodeAt(0) === 0 && v.charCodeAt(1) === 0xc3) {
    const [, afterCompressed] = rdbLength(v, 2);
    const [rawLen] = rdbLength(v, afterCompressed);
    return `dump lzf string of ${rawLen} bytes`;
  }
  return `dump type ${v.charCodeAt(0)}, ${v.length} bytes`;
}

/** An RDB length at `p` (6, 14, 32 or 64 bits): [value, offset after it]. */
function rdbLength(v: string, p: number): [number, number] {
  const b = v.charCodeAt(p);
  switch (b >> 6) {
    case 0: return [b & 0x3f, p + 1];
    case 1: return [((b & 0x3f) << 8) | v.charCodeAt(p + 1), p + 2];
    default: {
      const n = b === 0x80 ? 4 : 8;
      let x = 0;
      for (let i = 1; i <= n; i++) x = x * 256 + v.charCodeAt(p + i);
      return [x, p + 1 + n];
    }
  }
}

/** The normalizations listed at the top of this file; returns a comparable form. */
function normalize(cmd: Cmd, raw: Buffer, peer: Buffer, queued: Cmd[] | null = null): string {
  const parsed = parseReply(raw, 0);
  if (!parsed) return `unparsable:${raw.toString('latin1')}`;
  const other = parseReply(peer, 0)?.[0];
  // EXEC: each queued command's reply is normalized as if sent alone.
  if (cmd[0].toUpperCase() === 'EXEC' && queued && Array.isArray(parsed[0]) && parsed[0].length === queued.length) {
    const mine = parsed[0];
    const theirs = Array.isArray(other) ? other : [];
    return JSON.stringify(mine.map((v, i) => normalizeValue(queued[i], v, theirs[i]) ?? JSON.stringify(v, big)));
  }
  return normalizeValue(cmd, parsed[0], other) ?? raw.toString('latin1');
}

/** The comparable form of one reply, or null when it is compared as it is. */
function normalizeValue(cmd: Cmd, v: RespValue, other: RespValue | undefined): string | null {
  const name = cmd[0].toUpperCase();
  const within = (tol: number) => {
    const a = asInt(v);
    const b = other === undefined ? null : asInt(other);
    const d = a !== null && b !== null ? (a > b ? a - b : b - a) : null;
    return a !== null && b !== null && a >= 0n && b >= 0n && d! <= BigInt(tol) ? 'int~' : JSON.stringify(v, big);
  };
  switch (name) {
    case 'TTL': return within(1);
    case 'PTTL': return within(1500);
    case 'EXPIRETIME': return within(2);
    case 'PEXPIRETIME': return within(2000);
    case 'OBJECT':
      if (cmd[1]?.toUpperCase() === 'IDLETIME' && typeof v === 'number') return 'idle:int';
      return JSON.stringify(v, big);
    case 'KEYS': return JSON.stringify(sortArr(v), big);
    case 'SCAN':
      // A cursor other than 0 (e.g. -1, which Redis reads as 2^64-1) lands in
      // a bucket of the implementation's own hash: only the reply's shape counts.
      if (Array.isArray(v) && v.length === 2 && cmd[1] !== '0') return 'scan page';
      if (Array.isArray(v) && v.length === 2) return JSON.stringify([v[0], sortArr(v[1])], big);
      return JSON.stringify(v, big);
    // Idle times, delivery times and seen-times come from each server's clock.
    case 'XPENDING': case 'XINFO': return JSON.stringify(maskTimes(v), big);
    case 'RANDOMKEY': return typeof v === 'string' ? 'some key' : JSON.stringify(v, big);
    case 'DUMP': return typeof v === 'string' ? dumpShape(v) : JSON.stringify(v, big);
    case 'ZRANDMEMBER': return zrandmemberShape(cmd, v);
    case 'ZSCAN':
      // A skiplist's pairs come in hash order: compared sorted, as pairs.
      if (Array.isArray(v) && v.length === 2 && Array.isArray(v[1])) {
        if (cmd[2] !== '0') return 'zscan page';
        const flat = v[1] as RespValue[];
        const pairs: string[] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push(JSON.stringify([flat[i], flat[i + 1]], big));
        return JSON.stringify([v[0], pairs.sort()]);
      }
      return JSON.stringify(v, big);
    // Set members come in each hash table's order.
    case 'SMEMBERS': case 'SINTER': case 'SUNION': case 'SDIFF': case 'SPOP': case 'SRANDMEMBER':
    case 'HKEYS': case 'HVALS':
      return JSON.stringify(sortArr(v), big);
    // Field/value pairs in each table's order: compared as sorted pairs.
    case 'HGETALL': case 'HRANDFIELD': case 'HSCAN': {
      const arr = Array.isArray(v) ? (name === 'HSCAN' ? v[1] : v) : typeof v === 'object' && v && 'map' in v ? v.map.flat() : v;
      if (!Array.isArray(arr)) return JSON.stringify(v, big);
      if (name === 'HRANDFIELD' && cmd.length === 3) return JSON.stringify(sortArr(arr), big);
      const pairs: string[] = [];
      for (let i = 0; i + 1 < arr.length; i += 2) pairs.push(JSON.stringify([arr[i], arr[i + 1]], big));
      if (arr.length && Array.isArray(arr[0])) return JSON.stringify(arr.map((p) => JSON.stringify(p, big)).sort());
      return JSON.stringify(pairs.sort());
    }
    case 'SSCAN':
      if (Array.isArray(v) && v.length === 2 && cmd[2] !== '0') return 'scan page';
      if (Array.isArray(v) && v.length === 2) return JSON.stringify([v[0], sortArr(v[1])], big);
      return JSON.stringify(v, big);
    default: return null;
  }
}

/**
 * ZRANDMEMBER picks at random: a single pick matches any member, several
 * match by count, nesting and (positive counts) distinctness. Fewer
 * members than a positive count asked for is the whole set, in Redis's
 * order: compared exactly.
 */
function zrandmemberShape(cmd: Cmd, v: RespValue): string {
  if (typeof v === 'string') return 'some member';
  if (!Array.isArray(v) || cmd.length < 3) return JSON.stringify(v, big);
  const count = Number(cmd[2]);
  const withScores = cmd.length >= 4;
  const items = withScores && v.length > 0 && !Array.isArray(v[0]) ? v.filter((_, i) => i % 2 === 0) : v.map((r) => (Array.isArray(r) ? r[0] : r));
  if (count > 0 && items.length < count) return JSON.stringify(v, big);
  const nested = v.length > 0 && Array.isArray(v[0]);
  if (count > 0) return `distinct ${v.length} ${new Set(items.map((x) => JSON.stringify(x))).size} ${nested}`;
  return `picks ${v.length} ${nested}`;
}

function big(_k: string, x: unknown): unknown { return typeof x === 'bigint' ? `${x}n` : x; }

// The commands queued since MULTI on the reference connection, to normalize
// the replies EXEC returns for them; null outside MULTI.
let queue: Cmd[] | null = null;

function trackMulti(cmd: Cmd, reply: Buffer): void {
  const name = cmd[0].toUpperCase();
  const text = reply.toString('latin1');
  if (queue === null) {
    if (name === 'MULTI' && text === '+OK\r\n') queue = [];
  } else if (text === '+QUEUED\r\n') {
    queue.push(cmd);
  } else if (name === 'EXEC' || name === 'DISCARD' || name === 'RESET') {
    queue = null;
  }
}

/** Index of the first command whose replies differ, or -1. */
function firstMismatch(cmds: Cmd[], ref: (Buffer | Error)[], got: (Buffer | Error)[]): number {
  queue = null;
  for (let i = 0; i < cmds.length; i++) {
    const a = ref[i];
    const b = got[i];
    if (a instanceof Error || b instanceof Error) {
      if (!(a instanceof Error && b instanceof Error)) return i;
      continue;
    }
    const q = queue;
    trackMulti(cmds[i], a);
    if (a.equals(b)) continue;
    if (normalize(cmds[i], a, b, q) !== normalize(cmds[i], b, a, q)) return i;
  }
  return -1;
}

/**
 * Runs `cmds` from a clean state on the shared redis-server (FLUSHALL) and on
 * a Vermilion server started for this run alone, so a crash or hang in one
 * replay cannot leak into the next.
 */
async function replay(redisPort: number, proto: 2 | 3, cmds: Cmd[]): Promise<{ at: number; ref: (Buffer | Error)[]; got: (Buffer | Error)[] }> {
  const first = await replayBatched(redisPort, proto, cmds, 64);
  // A server that stops answering mid-batch (an engine abort loses the whole
  // read's replies) is pinned down by running the commands one at a time.
  if (first.at >= 0 && first.got[first.at] instanceof Error) return replayBatched(redisPort, proto, cmds, 1);
  return first;
}

async function replayBatched(redisPort: number, proto: 2 | 3, cmds: Cmd[], batchSize: number): Promise<{ at: number; ref: (Buffer | Error)[]; got: (Buffer | Error)[] }> {
  const v = secondRedis ? { port: secondRedis.port, server: null } : await startDebugServer();
  const conns = await openPair([{ port: redisPort }, { port: v.port }], proto);
  try {
    const [ref, got] = await runAll(conns, cmds, batchSize);
    return { at: firstMismatch(cmds, ref, got), ref, got };
  } finally {
    for (const c of conns) c.close();
    await v.server?.close();
  }
}

/**
 * A Vermilion server on the debug engine (asserts and bounds checks on, as
 * tests run), so an engine assert shows up as an error instead of a silently
 * missing reply.
 */
async function startDebugServer(): Promise<{ server: Server; port: number }> {
  const config = new Config();
  config.set('dir', mkdtempSync(join(tmpdir(), 'vermilion-fuzz-')));
  const server = new Server({ config, engine: new Engine({ debug: true, databases: 16 }), log: () => {} });
  const port = await server.listen(0, ['127.0.0.1']);
  return { server, port };
}

// VERMILION_FUZZ_AGAINST=redis compares redis-server with a second
// redis-server: any mismatch then is a normalization this file lacks.
let secondRedis: Awaited<ReturnType<typeof startRedis>> | null = null;

/** Shrinks a failing sequence: drops chunks, then single commands, while some reply still differs. */
async function shrink(redisPort: number, proto: 2 | 3, cmds: Cmd[], budgetMs: number): Promise<Cmd[]> {
  const deadline = Date.now() + budgetMs;
  let cur = cmds;
  // The last command alone is the common case (a wrong reply or a crash that
  // needs no history): try it first.
  if (cur.length > 1 && (await replay(redisPort, proto, cur.slice(-1))).at === 0) return cur.slice(-1);
  for (let size = Math.max(1, cur.length >> 1); size >= 1 && Date.now() < deadline; size = size >> 1) {
    // The failing command (last) stays; try dropping earlier chunks.
    for (let start = cur.length - 1 - size; start >= 0 && Date.now() < deadline; start -= size) {
      const trial = [...cur.slice(0, start), ...cur.slice(start + size)];
      const r = await replay(redisPort, proto, trial);
      if (r.at >= 0) cur = trial.slice(0, r.at + 1);
    }
    if (size === 1) break;
  }
  return cur;
}

const show = (r: Buffer | Error | undefined) => (r === undefined ? '(none)' : r instanceof Error ? `<${r.message}>` : JSON.stringify(r.toString('latin1')));
const fmtCmd = (c: Cmd) => c.map((a) => (/^[\x21-\x7e]+$/.test(a) && !/["'\\]/.test(a) ? a : JSON.stringify(a))).join(' ');

// ---- the test ------------------------------------------------------------------------

const COUNT = Number(process.env.VERMILION_FUZZ_COMMANDS ?? 1500);
const SEEDS: [number, 2 | 3][] = process.env.VERMILION_FUZZ_SEED
  ? [[Number(process.env.VERMILION_FUZZ_SEED), 2], [Number(process.env.VERMILION_FUZZ_SEED), 3]]
  : Array.from({ length: Number(process.env.VERMILION_FUZZ_SEEDS ?? 3) }, (_, i) => [7001 + i, i % 3 === 2 ? 3 : 2] as [number, 2 | 3]);

describe.skipIf(!haveRedis)('differential fuzz against redis-server', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;

  beforeAll(async () => {
    redis = await startRedis();
    if (process.env.VERMILION_FUZZ_AGAINST === 'redis') secondRedis = await startRedis();
  });
  afterAll(() => {
    redis?.stop();
    secondRedis?.stop();
  });

  it('the generator covers every engine command of the table', async () => {
    const { commandTable } = await import('../helpers/implemented.js');
    const engineCmds = Object.values(commandTable()).filter((c) => c.handler === 'engine').map((c) => c.name);
    expect(engineCmds.filter((n) => !(n in GENERATORS))).toEqual([]);
  });

  for (const [seed, proto] of SEEDS) {
    it(`seed ${seed}, RESP${proto}, ${COUNT} commands`, async () => {
      const cmds = generate(seed, COUNT, fuzzedCommands());
      const r = await replay(redis.port, proto, cmds);
      if (r.at < 0) return;
      const failing = cmds.slice(0, r.at + 1);
      const shrunk = await shrink(redis.port, proto, failing, Number(process.env.VERMILION_FUZZ_SHRINK_MS ?? 20000));
      const last = await replay(redis.port, proto, shrunk);
      const i = last.at >= 0 ? last.at : shrunk.length - 1;
      const report = [
        `differential mismatch: seed ${seed}, RESP${proto} (rerun with VERMILION_FUZZ_SEED=${seed})`,
        `first mismatch at command #${r.at}: ${fmtCmd(cmds[r.at])}`,
        `shrunk sequence (${shrunk.length} commands, from a fresh FLUSHALL):`,
        ...shrunk.map((c, k) => `  ${k === i ? '>' : ' '} ${fmtCmd(c)}${k === i ? '' : `   -> ${show(last.ref[k])}`}`),
        `redis-server: ${show(last.ref[i])}`,
        `vermilion:    ${show(last.got[i])}`,
      ].join('\n');
      console.error(report);
      expect.fail(report);
    }, 120_000);
  }
});
