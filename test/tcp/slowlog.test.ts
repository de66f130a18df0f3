// SLOWLOG and LATENCY over TCP: what gets logged, truncation, redaction,
// limits, and the latency monitor's events, graph and doctor report.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startServer, RawClient } from '../helpers/server.js';
import type { Server } from '../../src/server/server.js';
import { latencyAddSampleIfNeeded } from '../../src/host/cmd-latency.js';

let server: Server;
let c: RawClient;

beforeEach(async () => {
  const s = await startServer();
  server = s.server;
  c = await RawClient.connect(s.port);
});
afterEach(async () => {
  c.close();
  await server.close();
});

type Entry = [number, number, number, string[], string, string];

describe('SLOWLOG', () => {
  it('logs every command at threshold 0, newest first, with client address and name', async () => {
    server.config.set('slowlog-log-slower-than', '0');
    expect(await c.cmd('SLOWLOG', 'RESET')).toBe('OK');
    await c.cmd('HELLO', '2', 'SETNAME', 'me');
    await c.cmd('SET', 'k', 'v');
    await c.cmd('GET', 'k');
    const entries = (await c.cmd('SLOWLOG', 'GET')) as Entry[];
    // SLOWLOG RESET itself is logged after it ran, as in Redis.
    expect(entries.map((e) => e[3])).toEqual([['GET', 'k'], ['SET', 'k', 'v'], ['HELLO', '2', 'SETNAME', 'me'], ['SLOWLOG', 'RESET']]);
    const ids = entries.map((e) => e[0]);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const now = Math.floor(Date.now() / 1000);
    for (const e of entries) {
      expect(Math.abs(e[1] - now)).toBeLessThanOrEqual(2);
      expect(e[2]).toBeGreaterThanOrEqual(0);
      expect(e[4]).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    expect(entries[0][5]).toBe('me');
    expect(await c.cmd('SLOWLOG', 'LEN')).toBe(5);
  });

  it('logs each command of a pipeline (batch time shared) and inline commands', async () => {
    server.config.set('slowlog-log-slower-than', '0');
    await c.cmd('SLOWLOG', 'RESET');
    c.write('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\nECHO hello\r\n');
    await c.read(); await c.read(); await c.read();
    const entries = (await c.cmd('SLOWLOG', 'GET', '3')) as Entry[];
    expect(entries.map((e) => e[3])).toEqual([['ECHO', 'hello'], ['GET', 'a'], ['SET', 'a', '1']]);
  });

  it('does not log commands refused before they ran (unknown, wrong arity)', async () => {
    server.config.set('slowlog-log-slower-than', '0');
    await c.cmd('SLOWLOG', 'RESET');
    c.write('*1\r\n$3\r\nGET\r\n*1\r\n$4\r\nNOPE\r\n*2\r\n$4\r\nECHO\r\n$2\r\nok\r\n');
    await c.read(); await c.read(); await c.read();
    const entries = (await c.cmd('SLOWLOG', 'GET', '10')) as Entry[];
    expect(entries.map((e) => e[3])).toEqual([['ECHO', 'ok'], ['SLOWLOG', 'RESET']]);
  });

  it('truncates long arguments and long argument lists like Redis', async () => {
    server.config.set('slowlog-log-slower-than', '0');
    await c.cmd('SET', 'big', 'x'.repeat(200));
    const [e] = (await c.cmd('SLOWLOG', 'GET', '1')) as Entry[];
    expect(e[3]).toEqual(['SET', 'big', 'x'.repeat(128) + '... (72 more bytes)']);
    // A host command with 42 arguments (the engine's MSET is another family's).
    const args = ['COMMAND', 'GETKEYS', 'MSET'];
    for (let i = 0; i < 20; i++) args.push(`k${i}`, `v${i}`);
    await c.cmd(...args);
    const [m] = (await c.cmd('SLOWLOG', 'GET', '1')) as Entry[];
    expect(m[3].length).toBe(32);
    expect(m[3].slice(0, 31)).toEqual(args.slice(0, 31));
    expect(m[3][31]).toBe('... (12 more arguments)');
  });

  it('hides passwords', async () => {
    server.config.set('slowlog-log-slower-than', '0');
    await c.cmd('AUTH', 'user', 'secret');
    await c.cmd('HELLO', '2', 'AUTH', 'default', 'secret');
    const entries = (await c.cmd('SLOWLOG', 'GET', '2')) as Entry[];
    expect(entries[0][3]).toEqual(['HELLO', '2', 'AUTH', '(redacted)', '(redacted)']);
    expect(entries[1][3]).toEqual(['AUTH', '(redacted)', '(redacted)']);
  });

  it('honours the threshold, slowlog-max-len, and GET counts', async () => {
    server.config.set('slowlog-log-slower-than', '-1');
    await c.cmd('SET', 'a', '1');
    expect(await c.cmd('SLOWLOG', 'LEN')).toBe(0);
    server.config.set('slowlog-log-slower-than', '100000000');
    await c.cmd('SET', 'a', '1');
    expect(await c.cmd('SLOWLOG', 'LEN')).toBe(0);
    server.config.set('slowlog-log-slower-than', '0');
    server.config.set('slowlog-max-len', '3');
    for (let i = 0; i < 10; i++) await c.cmd('SET', 'a', String(i));
    expect(await c.cmd('SLOWLOG', 'LEN')).toBe(3);
    expect(((await c.cmd('SLOWLOG', 'GET', '-1')) as Entry[]).length).toBe(3);
    expect(((await c.cmd('SLOWLOG', 'GET', '0')) as Entry[]).length).toBe(0);
    expect(((await c.cmd('SLOWLOG', 'GET', '2')) as Entry[]).length).toBe(2);
    expect(await c.cmd('SLOWLOG', 'GET', '-2')).toEqual({ error: 'ERR count should be greater than or equal to -1' });
    expect(await c.cmd('SLOWLOG', 'GET', 'x')).toEqual({ error: 'ERR count should be greater than or equal to -1' });
    server.config.set('slowlog-max-len', '0');
    await c.cmd('SET', 'a', '1');
    expect(await c.cmd('SLOWLOG', 'LEN')).toBe(0);
  });

  it('SLOWLOG HELP', async () => {
    const help = (await c.cmd('SLOWLOG', 'HELP')) as string[];
    expect(help[0]).toBe('SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('GET [<count>]');
  });
});

describe('LATENCY', () => {
  it('records command events over the threshold only', async () => {
    server.config.set('latency-monitor-threshold', '0');
    latencyAddSampleIfNeeded(server, 'command', 500);
    expect(await c.cmd('LATENCY', 'LATEST')).toEqual([]);
    server.config.set('latency-monitor-threshold', '10');
    latencyAddSampleIfNeeded(server, 'command', 5);
    expect(await c.cmd('LATENCY', 'LATEST')).toEqual([]);
    latencyAddSampleIfNeeded(server, 'command', 50);
    latencyAddSampleIfNeeded(server, 'command', 20); // same second: the worst is kept
    const now = Math.floor(Date.now() / 1000);
    const latest = (await c.cmd('LATENCY', 'LATEST')) as [string, number, number, number][];
    expect(latest.length).toBe(1);
    expect(latest[0][0]).toBe('command');
    expect(Math.abs(latest[0][1] - now)).toBeLessThanOrEqual(1);
    expect(latest[0].slice(2)).toEqual([50, 50]);
    const hist = (await c.cmd('LATENCY', 'HISTORY', 'command')) as number[][];
    expect(hist.length).toBe(1);
    expect(hist[0][1]).toBe(50);
    expect(await c.cmd('LATENCY', 'HISTORY', 'nope')).toEqual([]);
  });

  it('GRAPH draws Redis\'s sparkline; DOCTOR reports; RESET clears', async () => {
    server.config.set('latency-monitor-threshold', '1');
    latencyAddSampleIfNeeded(server, 'command', 50);
    const graph = await c.cmd('LATENCY', 'GRAPH', 'command');
    expect(graph).toBe(`command - high 50 ms, low 50 ms (all time high 50 ms)\n${'-'.repeat(80)}\n \n \n \n_\n \n0\ns\n`);
    expect(await c.cmd('LATENCY', 'GRAPH', 'nope')).toEqual({ error: "ERR No samples available for event 'nope'" });
    const doctor = (await c.cmd('LATENCY', 'DOCTOR')) as string;
    expect(doctor).toContain('1. command: 1 latency spikes (average 50ms, mean deviation 0ms, period 1.00 sec). Worst all time event 50ms.');
    expect(await c.cmd('LATENCY', 'RESET', 'nope')).toBe(0);
    expect(await c.cmd('LATENCY', 'RESET')).toBe(1);
    expect(await c.cmd('LATENCY', 'LATEST')).toEqual([]);
    expect(await c.cmd('LATENCY', 'DOCTOR')).toMatch(/^Dave, no latency spike was observed/);
  });

  it('real commands produce command / fast-command events; HISTOGRAM reports calls', async () => {
    // A 0 ms threshold disables the monitor, so use the histogram path instead.
    await c.cmd('SET', 'a', '1');
    await c.cmd('GET', 'a');
    await c.cmd('GET', 'a');
    const h = (await c.cmd('LATENCY', 'HISTOGRAM', 'get', 'set', 'nope')) as any[];
    expect(h[0]).toBe('get');
    expect(h[1].slice(0, 2)).toEqual(['calls', 2]);
    expect(h[1][2]).toBe('histogram_usec');
    const buckets = h[1][3] as number[];
    expect(buckets[buckets.length - 1]).toBe(2); // cumulative
    expect(h[2]).toBe('set');
    expect(h.length).toBe(4);
    const help = (await c.cmd('LATENCY', 'HELP')) as string[];
    expect(help[0]).toBe('LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  });
});
