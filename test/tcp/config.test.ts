import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, startRedis, redisServerPath, freePort, RawClient } from '../helpers/server.js';
import { Server } from '../../src/server/server.js';
import { Config } from '../../src/host/config.js';
import type { RespValue } from '../helpers/resp.js';

const BIN = resolve('bin/vermilion-server.js');

function asPairs(v: RespValue): [string, string][] {
  const flat = v as string[];
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

describe('CONFIG over TCP', () => {
  let server: Server;
  let c: RawClient;
  beforeAll(async () => {
    ({ server } = await startServer());
    c = await RawClient.connect(server.port);
  });
  afterAll(async () => { c.close(); await server.close(); });

  it('CONFIG GET: flat array in RESP2, map in RESP3, no duplicates', async () => {
    c.send('CONFIG', 'GET', 'maxmemory', 'maxmemory', 'hz');
    expect((await c.readRaw()).toString()).toBe('*4\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$2\r\nhz\r\n$2\r\n10\r\n');
    expect(await c.cmd('CONFIG', 'GET', 'nomatch')).toEqual([]);
    await c.cmd('HELLO', '3');
    c.send('CONFIG', 'GET', 'maxmemory', 'hz');
    expect((await c.readRaw()).toString()).toBe('%2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$2\r\nhz\r\n$2\r\n10\r\n');
    expect(await c.cmd('CONFIG', 'GET', 'nomatch')).toEqual({ map: [] });
    await c.cmd('HELLO', '2');
    const all = asPairs(await c.cmd('CONFIG', 'GET', '*'));
    expect(new Set(all.map(([k]) => k)).size).toBe(all.length);
    expect(all.length).toBeGreaterThan(180);
  });

  it('CONFIG SET: several pairs atomically, Redis error texts, arity', async () => {
    expect(await c.cmd('CONFIG', 'SET', 'maxmemory', '10mb', 'maxmemory-policy', 'allkeys-lru')).toBe('OK');
    expect(asPairs(await c.cmd('CONFIG', 'GET', 'maxmemory', 'maxmemory-policy'))).toEqual([['maxmemory', '10485760'], ['maxmemory-policy', 'allkeys-lru']]);
    expect(await c.cmd('CONFIG', 'SET', 'maxmemory', '1mb', 'hz', 'x')).toEqual({ error: "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer" });
    expect(asPairs(await c.cmd('CONFIG', 'GET', 'maxmemory'))).toEqual([['maxmemory', '10485760']]);
    expect(await c.cmd('CONFIG', 'SET', 'foo', 'bar')).toEqual({ error: "ERR Unknown option or number of arguments for CONFIG SET - 'foo'" });
    expect(await c.cmd('CONFIG', 'SET', 'maxmemory', '1', 'port')).toEqual({ error: 'ERR syntax error' });
    expect(await c.cmd('CONFIG', 'SET', 'maxmemory')).toEqual({ error: "ERR wrong number of arguments for 'config|set' command" });
    expect(await c.cmd('CONFIG', 'SET', 'maxmemory', '1', 'maxmemory', '2')).toEqual({ error: "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter" });
    expect(await c.cmd('CONFIG', 'GET')).toEqual({ error: "ERR wrong number of arguments for 'config|get' command" });
    expect(await c.cmd('CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction')).toBe('OK');
  });

  it('CONFIG SET requirepass reaches the engine; hz restarts the cron', async () => {
    expect(await c.cmd('CONFIG', 'SET', 'requirepass', 'sekret')).toBe('OK');
    const other = await RawClient.connect(server.port);
    expect(await other.cmd('GET', 'x')).toEqual({ error: 'NOAUTH Authentication required.' });
    expect(await other.cmd('AUTH', 'sekret')).toBe('OK');
    expect(await other.cmd('CONFIG', 'SET', 'requirepass', '')).toBe('OK');
    other.close();
    expect(await c.cmd('CONFIG', 'SET', 'hz', '100')).toBe('OK');
    expect(asPairs(await c.cmd('CONFIG', 'GET', 'hz'))).toEqual([['hz', '100']]);
    expect(await c.cmd('CONFIG', 'SET', 'hz', '10')).toBe('OK');
  });

  it('CONFIG SET port moves the listener', async () => {
    const port = await freePort();
    expect(await c.cmd('CONFIG', 'SET', 'port', String(port))).toBe('OK');
    let moved: RawClient | null = null;
    for (let i = 0; i < 50 && !moved; i++) {
      try { moved = await RawClient.connect(port); } catch { await new Promise((r) => setTimeout(r, 20)); }
    }
    expect(await moved!.cmd('PING')).toBe('PONG');
    expect(await c.cmd('PING')).toBe('PONG'); // existing connections stay
    moved!.close();
  });

  it('CONFIG RESETSTAT zeroes host and engine counters', async () => {
    await c.cmd('SET', 'k', 'v');
    expect(server.stats.netInputBytes).toBeGreaterThan(0);
    expect(await c.cmd('CONFIG', 'RESETSTAT')).toBe('OK');
    expect(server.stats.netInputBytes).toBe(0);
    expect(server.stats.totalConnections).toBe(0);
    expect(await c.cmd('CONFIG', 'RESETSTAT', 'x')).toEqual({ error: "ERR wrong number of arguments for 'config|resetstat' command" });
  });

  it('CONFIG HELP and unknown subcommands', async () => {
    const help = await c.cmd('CONFIG', 'HELP') as string[];
    expect(help[0]).toBe('CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toHaveLength(11);
    expect(help[10]).toBe('    Prints this help.');
    expect(await c.cmd('CONFIG', 'foo')).toEqual({ error: "ERR unknown subcommand 'foo'. Try CONFIG HELP." });
  });

  it('CONFIG REWRITE without a config file', async () => {
    expect(await c.cmd('CONFIG', 'REWRITE')).toEqual({ error: 'ERR The server is running without a config file' });
  });
});

describe('CONFIG REWRITE over TCP', () => {
  it('rewrites the file the server started with, and it loads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrewrite-'));
    const file = join(dir, 'redis.conf');
    writeFileSync(file, `# keep me\nport 0\nmaxmemory 1mb\nsave 100 1\nsave 200 2\ndir ${dir}\n`);
    const config = new Config();
    config.loadString(readFileSync(file, 'utf8'));
    const server = new Server({ config, configFile: file, log: () => {} });
    await server.listen(0, ['127.0.0.1']);
    const c = await RawClient.connect(server.port);
    expect(await c.cmd('CONFIG', 'SET', 'maxmemory', '2mb', 'appendonly', 'yes', 'save', '')).toBe('OK');
    expect(await c.cmd('CONFIG', 'REWRITE')).toBe('OK');
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# keep me\nport 0\nmaxmemory 2mb\nsave ""\n\ndir ')).toBe(true);
    expect(text).toContain('# Generated by CONFIG REWRITE\n');
    expect(text).toContain('\nappendonly yes\n');
    const back = new Config();
    back.loadString(text);
    expect(back.match(['*'])).toEqual(config.match(['*']));
    c.close();
    await server.close();
  });
});

describe('vermilion-server binary', () => {
  it('starts with --port and --dir and answers CONFIG GET', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'vbin-'));
    const proc = spawn(process.execPath, [BIN, '--port', String(port), '--dir', dir, '--bind', '127.0.0.1', '--save', '', '--maxmemory', '1gb'], { stdio: 'ignore' });
    try {
      let c: RawClient | null = null;
      for (let i = 0; i < 100 && !c; i++) {
        try { c = await RawClient.connect(port); } catch { await new Promise((r) => setTimeout(r, 50)); }
      }
      expect(asPairs(await c!.cmd('CONFIG', 'GET', 'port', 'dir', 'save', 'maxmemory'))).toEqual(
        [['port', String(port)], ['dir', dir], ['save', ''], ['maxmemory', '1073741824']]);
      c!.close();
    } finally {
      proc.kill('SIGKILL');
    }
  });

  it('exits with 1 and Redis\'s FATAL block on a bad option', () => {
    const r = spawnSync(process.execPath, [BIN, '--port', '7000', '--maxmemory', '12 parsecs'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'maxmemory "12 parsecs"'\nargument must be a memory value\n`);
    const unknown = spawnSync(process.execPath, [BIN, '--no-such-option', 'x'], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(">>> 'no-such-option \"x\"'\nBad directive or wrong number of arguments\n");
  });

  it('a port it cannot bind: Redis\'s two log lines and exit 1, not a stack trace', async () => {
    // A port held by a listener of this process.
    const { server, port } = await startServer();
    try {
      const r = spawnSync(process.execPath, [BIN, '--port', String(port), '--save', ''], { encoding: 'utf8', timeout: 20000 });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`# Warning: Could not create server TCP listening socket \\*:${port}: bind: Address already in use\\n`));
      expect(r.stdout).toMatch(new RegExp(`# Failed listening on port ${port} \\(TCP\\), aborting\\.\\n`));
      expect(r.stdout + r.stderr).not.toMatch(/at .*node:net/);
    } finally {
      await server.close();
    }
  });

  it('--version and --help', () => {
    expect(spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' }).stdout).toMatch(/redis_version=7\.0\.15/);
    expect(spawnSync(process.execPath, [BIN, '-h'], { encoding: 'utf8' }).stdout).toMatch(/^Usage: vermilion-server/);
  });
});

// Same options to both servers; CONFIG GET * must agree except where the
// value is about this process: its directory and port.
const DIFFERS = new Set(['dir', 'port']);

describe.skipIf(!redisServerPath())('differential: CONFIG against redis-server', () => {
  const extra = ['--maxmemory', '100mb', '--hz', '0', '--save', '100 1', '--notify-keyspace-events', 'KEx',
    '--client-output-buffer-limit', 'pubsub', '1mb', '2mb', '3', '--slave-read-only', 'no', '--hash-max-ziplist-entries', '7',
    '--latency-tracking-info-percentiles', '50', '99.99', '--oom-score-adj', 'relative', '--shutdown-on-sigterm', 'now', 'nosave'];
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let proc: ChildProcess;
  let ours: RawClient;
  let ref: RawClient;
  beforeAll(async () => {
    redis = await startRedis(extra);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'vdiff-'));
    proc = spawn(process.execPath, [BIN, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', dir, '--enable-debug-command', 'yes', ...extra], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !ours; i++) {
      try { ours = await RawClient.connect(port); } catch { await new Promise((r) => setTimeout(r, 50)); }
    }
    ref = await RawClient.connect(redis.port);
  });
  afterAll(() => { ours?.close(); ref?.close(); proc?.kill('SIGKILL'); redis?.stop(); });

  it('CONFIG GET * matches', async () => {
    const a = new Map(asPairs(await ours.cmd('CONFIG', 'GET', '*')));
    const b = new Map(asPairs(await ref.cmd('CONFIG', 'GET', '*')));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [k, v] of b) if (!DIFFERS.has(k)) expect([k, a.get(k)]).toEqual([k, v]);
  });

  const sets: string[][] = [
    ['maxmemory', '1GB', 'maxmemory-clients', '10%'], ['maxmemory', ''], ['maxmemory', '-1'], ['maxmemory', '18446744073709551616'],
    ['maxmemory-clients', '101%'], ['hz', '+1'], ['hz', '600'], ['port', '65536'], ['maxclients', '0'],
    ['appendfsync', 'sometimes'], ['appendonly', 'Yes'], ['daemonize', 'no'], ['dir', '/tmp'], ['dbfilename', 'x.rdb'],
    ['save', '1 2 3'], ['save', '10 0'], ['save', ''], ['client-output-buffer-limit', 'master 0 0 0'],
    ['client-output-buffer-limit', 'replica 1kb 2KB 5'], ['oom-score-adj-values', '1 2'], ['oom-score-adj-values', '0 200 3000'],
    ['notify-keyspace-events', 'Eg$lshzxetdn'], ['notify-keyspace-events', 'x!'], ['unixsocketperm', '700'],
    ['latency-tracking-info-percentiles', '0 100 33.3333'], ['latency-tracking-info-percentiles', '-1'],
    ['shutdown-on-sigint', 'force save'], ['shutdown-on-sigint', 'bogus'], ['list-max-ziplist-size', '-5'],
    ['slowlog-log-slower-than', '-2'], ['lua-time-limit', '100'], ['proc-title-template', '{title} {port}'],
    ['proc-title-template', '{nope}'], ['appendfilename', 'x'], ['dbfilename', 'a/b'], ['foo', '1', 'bar', '2'],
    ['maxmemory', '1', 'daemonize', 'yes', 'foo', 'x'], ['repl-backlog-size', '0'], ['stream-node-max-bytes', '4kb'],
    ['sanitize-dump-payload', 'CLIENTS'], ['replica-announce-ip', '10.0.0.1'], ['requirepass', ''],
  ];
  it.each(sets)('CONFIG SET %s ... replies and GET alike', async (...args) => {
    ours.send('CONFIG', 'SET', ...args);
    ref.send('CONFIG', 'SET', ...args);
    expect((await ours.readRaw()).toString()).toBe((await ref.readRaw()).toString());
    const names = args.filter((_, i) => i % 2 === 0);
    ours.send('CONFIG', 'GET', ...names);
    ref.send('CONFIG', 'GET', ...names);
    const x = new Map(asPairs(await ours.read()).filter(([k]) => !DIFFERS.has(k)));
    const y = new Map(asPairs(await ref.read()).filter(([k]) => !DIFFERS.has(k)));
    expect(x).toEqual(y);
  });

  it('CONFIG HELP is byte for byte Redis\'s', async () => {
    ours.send('CONFIG', 'HELP');
    ref.send('CONFIG', 'HELP');
    expect((await ours.readRaw()).toString()).toBe((await ref.readRaw()).toString());
  });
});
