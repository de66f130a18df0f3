// INFO over TCP: sections, fields, values that come from the engine and the
// host, and (differentially) Redis 7.0's section and field names and order.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, startRedis, redisServerPath, RawClient } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';

let server: Server;
let port: number;
let c: RawClient;

beforeAll(async () => {
  const s = await startServer();
  server = s.server;
  port = s.port;
  c = await RawClient.connect(port);
});
afterAll(async () => {
  c.close();
  await server.close();
});

/** Parses INFO text into { section: [[field, value], ...] }. */
function parseInfo(text: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  let cur: [string, string][] = [];
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) { cur = []; out.set(line.slice(2), cur); continue; }
    if (!line) continue;
    const i = line.indexOf(':');
    cur.push([line.slice(0, i), line.slice(i + 1)]);
  }
  return out;
}

async function info(...sections: string[]): Promise<Map<string, [string, string][]>> {
  const text = (await c.cmd('INFO', ...sections)) as string;
  expect(text.includes('\n') ? text.split('\n').every((l, i, a) => i === a.length - 1 || l.endsWith('\r')) : true).toBe(true);
  return parseInfo(text);
}
const field = (m: Map<string, [string, string][]>, section: string, name: string) =>
  m.get(section)?.find(([k]) => k === name)?.[1];

describe('INFO', () => {
  it('default, all, everything and named sections (any case, several at once)', async () => {
    expect([...(await info()).keys()]).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace']);
    expect([...(await info('default')).keys()]).toEqual([...(await info()).keys()]);
    const all = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats', 'Latencystats', 'Cluster', 'Keyspace'];
    expect([...(await info('all')).keys()]).toEqual(all);
    expect([...(await info('EVERYTHING')).keys()]).toEqual(all);
    expect([...(await info('keyspace', 'SERVER')).keys()]).toEqual(['Server', 'Keyspace']);
    expect(await c.cmd('INFO', 'nope')).toBe('');
  });

  it('server fields', async () => {
    const m = await info('server');
    expect(field(m, 'Server', 'redis_version')).toBe('7.0.15');
    expect(field(m, 'Server', 'vermilion_version')).toMatch(/^\d+\.\d+\.\d+/);
    expect(field(m, 'Server', 'tcp_port')).toBe(String(port));
    expect(field(m, 'Server', 'run_id')).toBe(server.runId);
    expect(field(m, 'Server', 'process_id')).toBe(String(process.pid));
  });

  it('keyspace, memory and clients come from the engine and the host', async () => {
    await c.cmd('SET', 'k1', 'v');
    await c.cmd('SET', 'k2', 'v');
    const m = await info('keyspace', 'memory', 'clients');
    const db0 = field(m, 'Keyspace', 'db0')!;
    const x = server.engine.x;
    expect(db0).toBe(`keys=2,expires=${x.expiresCount(0)},avg_ttl=${Math.round(x.avgTtl(0))}`);
    // The engine's bytes, and the script caches Redis counts in used_memory
    // (the functions cache is never empty: the Lua engine's own entry).
    const caches = server.scripting!.caches();
    expect(Number(field(m, 'Memory', 'used_memory'))).toBe(server.engine.x.usedMemory() + caches.lua + caches.functions);
    expect(field(m, 'Clients', 'connected_clients')).toBe(String(server.clients.size));
  });

  it('commandstats, errorstats (engine and host errors) and latencystats', async () => {
    await c.cmd('GET', 'k1');
    await c.cmd('GET');                       // engine: rejected (arity)
    await c.cmd('SLOWLOG', 'GET', 'x');       // host: failed
    await c.cmd('AUTH', 'nope', 'nope');      // host: WRONGPASS
    const m = await info('commandstats', 'errorstats', 'latencystats');
    expect(field(m, 'Commandstats', 'cmdstat_get')).toMatch(/^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$/);
    expect(field(m, 'Commandstats', 'cmdstat_slowlog|get')).toMatch(/^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$/);
    expect(field(m, 'Errorstats', 'errorstat_ERR')).toBe('count=2');
    expect(field(m, 'Errorstats', 'errorstat_WRONGPASS')).toBe('count=1');
    expect(field(m, 'Latencystats', 'latency_percentiles_usec_get')).toMatch(/^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/);
    const stats = await info('stats');
    expect(Number(field(stats, 'Stats', 'total_error_replies'))).toBe(3);
  });

  it('is a verbatim string in RESP3', async () => {
    const c3 = await RawClient.connect(port);
    await c3.cmd('HELLO', '3');
    const r = (await c3.cmd('INFO', 'cluster')) as { verbatim: string };
    expect(r).toEqual({ verbatim: 'txt:# Cluster\r\ncluster_enabled:0\r\n' });
    c3.close();
  });
});

describe.skipIf(!redisServerPath())('INFO vs redis-server 7.0', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let ref: RawClient;
  beforeAll(async () => {
    redis = await startRedis();
    ref = await RawClient.connect(redis.port);
  });
  afterAll(() => {
    ref?.close();
    redis?.stop();
  });

  it('has the same sections and fields in the same order (values differ)', async () => {
    for (const args of [[], ['everything'], ['default'], ['server', 'keyspace']]) {
      const ours = parseInfo((await c.cmd('INFO', ...args)) as string);
      const theirs = parseInfo((await ref.cmd('INFO', ...args)) as string);
      expect([...ours.keys()]).toEqual([...theirs.keys()]);
      for (const [section, fields] of theirs) {
        if (['Commandstats', 'Errorstats', 'Latencystats', 'Keyspace'].includes(section)) continue;
        const names = ours.get(section)!.map(([k]) => k).filter((k) => k !== 'vermilion_version');
        expect(names, section).toEqual(fields.map(([k]) => k));
      }
    }
  });

  it('the same stat lines for the same commands', async () => {
    await ref.cmd('CONFIG', 'RESETSTAT');
    await ref.cmd('SET', 'a', '1');
    await ref.cmd('GET');
    await c.cmd('GET');
    await c.cmd('SET', 'a', '1');
    const ours = parseInfo((await c.cmd('INFO', 'commandstats', 'keyspace')) as string);
    const theirs = parseInfo((await ref.cmd('INFO', 'commandstats', 'keyspace')) as string);
    const shape = (v: string) => v.replace(/\d+(\.\d+)?/g, 'N');
    expect(shape(field(ours, 'Commandstats', 'cmdstat_set')!)).toBe(shape(field(theirs, 'Commandstats', 'cmdstat_set')!));
    expect(shape(field(ours, 'Keyspace', 'db0')!)).toBe(shape(field(theirs, 'Keyspace', 'db0')!));
  });
});
