#!/usr/bin/env node
// EVALSHA throughput of a 5-command script, Vermilion beside a real
// redis-server started by this script, as a ratio (issue 4's target:
// >= 0.5x Redis). Each round runs redis-benchmark against both, alternating;
// the medians are compared.
//
//   npm run build && node bench/scripting.mjs [--requests N] [--repeats N] [--pipeline N] [--clients N]
//
// The script reads and writes two keys per call (INCR, EXPIRE, GET, SET,
// STRLEN): the cost measured is the bridge between the Lua VM and the
// engine (five redis.call round trips) plus running the script itself.
import { cpus } from 'node:os';
import { createHash } from 'node:crypto';
import { opt, requireRedisTools, startServer, redisCli, redisBenchmark, median, commitId } from './pair.mjs';

const requests = Number(opt('requests', '100000'));
const repeats = Number(opt('repeats', '3'));
const pipeline = Number(opt('pipeline', '1'));
const clients = Number(opt('clients', '50'));

const SCRIPT = [
  "local n = redis.call('INCR', KEYS[1])",
  "redis.call('EXPIRE', KEYS[1], 60)",
  "local v = redis.call('GET', KEYS[1])",
  "redis.call('SET', KEYS[2], ARGV[1])",
  "return n + redis.call('STRLEN', KEYS[2])",
].join('\n');
const SHA = createHash('sha1').update(SCRIPT).digest('hex');

const bench = (port) => redisBenchmark(port, ['-c', String(clients), '-n', String(requests), '-r', '100000',
  '-P', String(pipeline), 'EVALSHA', SHA, '2', 'k:__rand_int__', 'v:__rand_int__', 'value']);

async function main() {
  requireRedisTools();
  const redis = await startServer('redis');
  const verm = await startServer('vermilion');
  const rport = redis.port;
  const vport = verm.port;
  for (const port of [rport, vport]) {
    const sha = redisCli(port, 'SCRIPT', 'LOAD', SCRIPT);
    if (sha !== SHA) throw new Error(`SCRIPT LOAD on ${port} gave ${sha}`);
  }
  const results = { redis: [], vermilion: [] };
  for (let i = 0; i < repeats; i++) {
    results.redis.push(await bench(rport));
    results.vermilion.push(await bench(vport));
  }
  redis.stop();
  verm.stop();
  const r = median(results.redis);
  const v = median(results.vermilion);
  console.log(`EVALSHA of a 5-command script, redis-benchmark -c ${clients} -n ${requests} -P ${pipeline}, ` +
    `median of ${repeats} alternating runs`);
  console.log(`machine: ${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}, commit ${commitId()}`);
  console.log(`redis     ${Math.round(r)} calls/s   (${results.redis.map(Math.round).join(', ')})`);
  console.log(`vermilion ${Math.round(v)} calls/s   (${results.vermilion.map(Math.round).join(', ')})`);
  console.log(`ratio     ${(v / r).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
