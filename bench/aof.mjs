#!/usr/bin/env node
// AOF throughput beside a real redis-server (issue 5's target: >= 0.9x):
// `redis-benchmark -P 16 -t set` against each server with appendonly yes
// and appendfsync everysec (or --fsync always|no), requests/s as a ratio.
//
//   npm run build && node bench/aof.mjs [--requests 300000] [--fsync everysec] [--repeats 3]
import { opt, startServer, redisBenchmark } from './pair.mjs';

const REQUESTS = opt('requests', '300000');
const FSYNC = opt('fsync', 'everysec');
const AOF = opt('appendonly', 'yes');
const REPEATS = Number(opt('repeats', '3'));

const bench = (port) => redisBenchmark(port, ['-P', '16', '-t', 'set', '-n', REQUESTS, '-r', '100000']);

async function run(kind) {
  const { port, stop } = await startServer(kind, ['--appendonly', AOF, '--appendfsync', FSYNC]);
  try {
    const results = [];
    for (let i = 0; i < REPEATS; i++) results.push(await bench(port));
    return Math.max(...results);
  } finally {
    stop();
  }
}

const redis = await run('redis');
const verm = await run('vermilion');
console.log(`SET -P 16, appendonly ${AOF}, appendfsync ${FSYNC}, ${REQUESTS} requests (best of ${REPEATS})`);
console.log(`  redis-server: ${redis.toFixed(0)} req/s`);
console.log(`  vermilion:    ${verm.toFixed(0)} req/s`);
console.log(`  ratio:        ${(verm / redis).toFixed(2)}x (target >= 0.9x)`);
