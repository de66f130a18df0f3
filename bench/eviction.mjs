#!/usr/bin/env node
// A full cache under redis-benchmark, Vermilion beside a real redis-server
// started alike (issue 8's target: with maxmemory 100mb and allkeys-lru,
// `redis-benchmark` SET load over random keys, requests/s >= 1.0x Redis's
// and the memory figure at or under the limit).
//
//   npm run build && node bench/eviction.mjs [--requests N] [--repeats N] [--keyspace N] [--size BYTES] [--pipeline N] [--clients N]
//
// Both servers are first filled past the limit by one unmeasured run, so
// that every measured SET of a new key evicts. The rounds then alternate
// between them; while each runs, INFO's used_memory is read every 50 ms and
// the highest value seen is reported beside maxmemory.
import { cpus } from 'node:os';
import net from 'node:net';
import { opt, requireRedisTools, startServer, redisBenchmark, median, commitId } from './pair.mjs';

const requests = Number(opt('requests', '1000000'));
const repeats = Number(opt('repeats', '3'));
const keyspace = Number(opt('keyspace', '3000000'));
const size = Number(opt('size', '100'));
const pipeline = Number(opt('pipeline', '1'));
const clients = Number(opt('clients', '50'));
const MAXMEMORY = 100 * 1024 * 1024;

/** Reads used_memory from `port` every 50 ms until stopped; resolves to the highest seen. */
function watchMemory(port) {
  const sock = net.connect(port, '127.0.0.1');
  let high = 0;
  let buf = '';
  sock.setEncoding('latin1');
  sock.on('data', (d) => {
    buf += d;
    for (let m; (m = /used_memory:(\d+)\r\n/.exec(buf));) {
      high = Math.max(high, Number(m[1]));
      buf = buf.slice(m.index + m[0].length);
    }
    if (buf.length > 1 << 16) buf = buf.slice(-256);
  });
  sock.on('error', () => {});
  const timer = setInterval(() => sock.write('*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n'), 50);
  return () => {
    clearInterval(timer);
    sock.destroy();
    return high;
  };
}

const load = (port, n) => redisBenchmark(port, ['-t', 'set', '-c', String(clients), '-n', String(n), '-r', String(keyspace),
  '-d', String(size), '-P', String(pipeline)]);

async function main() {
  requireRedisTools();
  const options = ['--maxmemory', '100mb', '--maxmemory-policy', 'allkeys-lru'];
  const servers = { redis: await startServer('redis', options), vermilion: await startServer('vermilion', options) };
  const results = { redis: [], vermilion: [] };
  const highs = { redis: 0, vermilion: 0 };
  // Past the limit first: every measured SET of a new key then evicts.
  for (const s of Object.values(servers)) await load(s.port, Math.min(keyspace, 1500000));
  for (let i = 0; i < repeats; i++) {
    // Alternate who goes first, as the harness does.
    const order = i % 2 === 0 ? ['redis', 'vermilion'] : ['vermilion', 'redis'];
    for (const name of order) {
      const done = watchMemory(servers[name].port);
      results[name].push(await load(servers[name].port, requests));
      highs[name] = Math.max(highs[name], done());
    }
  }
  for (const s of Object.values(servers)) s.stop();
  const r = median(results.redis);
  const v = median(results.vermilion);
  const mib = (n) => (n / 1048576).toFixed(1);
  console.log(`SET over ${keyspace} random keys, ${size}-byte values, maxmemory 100mb allkeys-lru, ` +
    `redis-benchmark -c ${clients} -n ${requests} -P ${pipeline}, median of ${repeats} alternating runs`);
  console.log(`machine: ${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}, commit ${commitId()}`);
  console.log(`redis     ${Math.round(r)} req/s   (${results.redis.map(Math.round).join(', ')}), ` +
    `used_memory at most ${mib(highs.redis)} MiB`);
  console.log(`vermilion ${Math.round(v)} req/s   (${results.vermilion.map(Math.round).join(', ')}), ` +
    `used_memory at most ${mib(highs.vermilion)} MiB`);
  console.log(`ratio     ${(v / r).toFixed(2)}   (maxmemory ${mib(MAXMEMORY)} MiB)`);
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
