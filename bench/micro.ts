// In-process micro-benchmarks (tinybench) on the release engine:
//
// - the store, in process: the engine (commands as RESP bytes through
//   Engine.feed, as the server drives it) beside a plain JS Map and
//   ioredis-mock, the usual in-process stand-ins for Redis;
// - the engine's data structures on their own: the listpack through its
//   dstest.ts wrappers, and the keyspace dict, skiplist, quicklist and
//   hashtable through the commands that use them (a structure whose commands
//   the engine does not run yet is reported as unsupported).
import { Bench } from 'tinybench';
import { Engine } from '../src/engine/engine.js';
import { encodeCommand } from './resp.js';

export interface MicroResult {
  group: string;
  name: string;
  status: 'ok' | 'unsupported';
  reason?: string;
  /** Calls per second at the median time per call (robust to the pauses a busy machine adds). */
  opsPerSec: number | null;
  /** Nanoseconds per call: median, mean and 99th percentile of the samples. */
  medianNs: number | null;
  meanNs: number | null;
  p99Ns: number | null;
  /** Relative margin of error of the mean, percent. */
  rme: number | null;
  samples: number | null;
}

interface Case {
  group: string;
  name: string;
  /** Prepares the case; returns the reason it cannot run, or null. */
  setup?: () => string | null | Promise<string | null>;
  fn: () => unknown;
}

class InProcess {
  readonly engine = new Engine({ debug: false });
  readonly client = this.engine.x.newClient();

  /** Runs raw RESP; returns the reply bytes as latin1. */
  run(bytes: Buffer): string {
    this.engine.feed(this.client, bytes, Date.now());
    const out = this.engine.takeOutput();
    return out ? out.toString('latin1') : '';
  }

  cmd(...args: (string | number)[]): string { return this.run(encodeCommand(args)); }

  /** Fills with `count` commands from `make(i)`, 1000 per call; the first error reply, or null. */
  fill(count: number, make: (i: number) => (string | number)[]): string | null {
    for (let i = 0; i < count; i += 1000) {
      const parts: Buffer[] = [];
      for (let j = i; j < Math.min(count, i + 1000); j++) parts.push(encodeCommand(make(j)));
      const r = this.run(Buffer.concat(parts));
      const e = /(^|\r\n)-([^\r]*)/.exec(r);
      if (e) return e[2];
    }
    return null;
  }
}

/** Error text if the reply is an error (the structure's commands are not there yet). */
function refused(reply: string): string | null {
  return reply.startsWith('-') ? reply.slice(1).trim() : null;
}

function cases(scale: number): Case[] {
  const n = (x: number): number => Math.max(10, Math.round(x * scale));
  const e = new InProcess();
  // Separate engines for the collections: a command family that is not in
  // the engine yet aborts its instance, which must not take the others along.
  const ez = new InProcess();
  const el = new InProcess();
  const eh = new InProcess();
  const set = encodeCommand(['SET', 'key:1', '0123456789abcdef']);
  const get = encodeCommand(['GET', 'key:1']);
  const incr = encodeCommand(['INCR', 'counter']);
  const pipe16 = Buffer.concat(Array.from({ length: 16 }, (_, i) => encodeCommand(['SET', `key:${i}`, 'v'])));
  const map = new Map<string, string>();
  let mock: { set(k: string, v: string): Promise<unknown>; get(k: string): Promise<unknown>; incr(k: string): Promise<unknown> } | null = null;
  const mockSetup = async (): Promise<string | null> => {
    if (mock) return null;
    try {
      const mod = await import('ioredis-mock');
      const RedisMock = (mod as unknown as { default: new () => typeof mock }).default;
      mock = new RedisMock();
      return null;
    } catch (err) {
      return `ioredis-mock not installed (${(err as Error).message})`;
    }
  };

  // Key spaces and collections for the structure cases.
  const keys = n(1_000_000);
  const keyHit = Array.from({ length: 1024 }, (_, i) => encodeCommand(['GET', `k:${(i * 7919) % keys}`]));
  let ki = 0;
  const zsize = n(100_000);
  const zrank = Array.from({ length: 1024 }, (_, i) => encodeCommand(['ZRANK', 'z', `m:${(i * 7919) % zsize}`]));
  const zaddMove = Array.from({ length: 1024 }, (_, i) => encodeCommand(['ZADD', 'z', String((i * 104729) % zsize), `m:${(i * 7919) % zsize}`]));
  const lsize = n(100_000);
  const lindex = encodeCommand(['LINDEX', 'l', String(lsize >> 1)]);
  const pushPop = Buffer.concat([encodeCommand(['LPUSH', 'l', 'x']), encodeCommand(['RPOP', 'l'])]);
  const hsize = n(10_000);
  const hget = Array.from({ length: 1024 }, (_, i) => encodeCommand(['HGET', 'h', `f:${(i * 7919) % hsize}`]));

  // The listpack wrappers of assembly/dstest.ts.
  const x = e.engine.x;
  const lpArg = (s: string): number => {
    const b = Buffer.from(s);
    const p = x.hostArg(b.length);
    e.engine.bytes().set(b, p);
    return b.length;
  };
  let lp = 0;
  const lpSetup = (): string | null => {
    if (typeof x.dsLpNew !== 'function') return 'the engine exports no listpack wrappers (assembly/dstest.ts)';
    lp = x.dsLpNew();
    for (let i = 0; i < 128; i++) lp = x.dsLpInsert(lp, i, lpArg(`element:${i}`));
    return null;
  };

  return [
    { group: 'store, in process', name: 'engine SET (RESP in, reply out)', fn: () => e.run(set) },
    { group: 'store, in process', name: 'engine GET', fn: () => e.run(get) },
    { group: 'store, in process', name: 'engine INCR', fn: () => e.run(incr) },
    { group: 'store, in process', name: 'engine 16 pipelined SETs (one call)', fn: () => e.run(pipe16) },
    { group: 'store, in process', name: 'JS Map set', fn: () => map.set('key:1', '0123456789abcdef') },
    { group: 'store, in process', name: 'JS Map get', fn: () => map.get('key:1') },
    { group: 'store, in process', name: 'ioredis-mock SET', setup: mockSetup, fn: () => mock!.set('key:1', '0123456789abcdef') },
    { group: 'store, in process', name: 'ioredis-mock GET', setup: mockSetup, fn: () => mock!.get('key:1') },
    { group: 'store, in process', name: 'ioredis-mock INCR', setup: mockSetup, fn: () => mock!.incr('counter') },
    {
      group: 'data structures', name: `dict: GET hit in a ${keys.toLocaleString('en-US')}-key keyspace`,
      setup: () => e.fill(keys, (i) => ['SET', `k:${i}`, 'v']),
      fn: () => e.run(keyHit[ki++ & 1023]),
    },
    {
      group: 'data structures', name: 'listpack: read element 64 of 128',
      setup: lpSetup, fn: () => x.dsLpGet(lp, 64),
    },
    {
      group: 'data structures', name: 'listpack: insert at 64 then delete it (128 elements)',
      setup: () => (lp ? null : lpSetup()),
      fn: () => { lp = x.dsLpInsert(lp, 64, lpArg('inserted')); lp = x.dsLpDelete(lp, 64); },
    },
    {
      group: 'data structures', name: 'listpack: find the last element of 128',
      setup: () => (lp ? null : lpSetup()),
      fn: () => x.dsLpFind(lp, lpArg('element:127'), 0),
    },
    {
      group: 'data structures', name: `skiplist: ZRANK in a ${zsize.toLocaleString('en-US')}-member zset`,
      setup: () => ez.fill(zsize, (i) => ['ZADD', 'z', i, `m:${i}`]) ?? refused(ez.cmd('ZRANK', 'z', 'm:0')),
      fn: () => ez.run(zrank[ki++ & 1023]),
    },
    {
      group: 'data structures', name: `skiplist: ZADD moving a member (${zsize.toLocaleString('en-US')} members)`,
      setup: () => refused(ez.cmd('ZADD', 'z', 1, 'm:1')),
      fn: () => ez.run(zaddMove[ki++ & 1023]),
    },
    {
      group: 'data structures', name: `quicklist: LINDEX the middle of ${lsize.toLocaleString('en-US')}`,
      setup: () => el.fill(lsize, (i) => ['RPUSH', 'l', `item:${i}`]),
      fn: () => el.run(lindex),
    },
    {
      group: 'data structures', name: 'quicklist: LPUSH + RPOP (one call)',
      setup: () => refused(el.cmd('LPUSH', 'l', 'x')) ?? refused(el.cmd('RPOP', 'l')),
      fn: () => el.run(pushPop),
    },
    {
      group: 'data structures', name: `hashtable: HGET in a ${hsize.toLocaleString('en-US')}-field hash`,
      setup: () => eh.fill(hsize, (i) => ['HSET', 'h', `f:${i}`, 'v']),
      fn: () => eh.run(hget[ki++ & 1023]),
    },
  ];
}

export interface MicroUi {
  step(index: number, total: number, name: string): void;
}

/** Runs every case for `timeMs` each; `scale` shrinks the structures' sizes. */
export async function runMicro(timeMs: number, scale: number, ui: MicroUi, filter?: RegExp): Promise<MicroResult[]> {
  const all = cases(scale).filter((c) => !filter || filter.test(`${c.group} ${c.name}`));
  const out: MicroResult[] = [];
  let i = 0;
  for (const c of all) {
    ui.step(i++, all.length, c.name);
    const base = { group: c.group, name: c.name, opsPerSec: null, medianNs: null, meanNs: null, p99Ns: null, rme: null, samples: null };
    let reason: string | null = null;
    try {
      reason = c.setup ? await c.setup() : null;
    } catch (err) {
      reason = (err as Error).message;
    }
    if (reason) {
      out.push({ ...base, status: 'unsupported', reason });
      continue;
    }
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs) });
    bench.add(c.name, c.fn);
    await bench.run();
    const r = bench.tasks[0].result;
    if (r.state !== 'completed') {
      out.push({ ...base, status: 'unsupported', reason: r.state === 'errored' ? String(r.error) : r.state });
      continue;
    }
    // tinybench reports milliseconds.
    const medianNs = r.latency.p50 * 1e6;
    out.push({
      ...base, status: 'ok', opsPerSec: medianNs > 0 ? 1e9 / medianNs : r.throughput.p50, medianNs, meanNs: r.latency.mean * 1e6,
      p99Ns: r.latency.p99 * 1e6, rme: r.latency.rme, samples: r.latency.samplesCount,
    });
  }
  return out;
}
