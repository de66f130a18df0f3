// Differential test of what the log says at shutdown: a real redis-server
// and this server (bin/vermilion-server.js) run as processes logging to
// stdout at loglevel notice, are stopped the same way (SHUTDOWN and its
// options, SIGTERM, SIGINT, with and without save points, AOF, a pid file,
// a unix socket), and the lines each writes after its ready line must be
// the same, level marks included. Only the pids, times and the startup
// lines differ by design.
import { describe, it, expect, afterEach } from 'vitest';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisServerPath, freePort, RawClient } from '../helpers/server.js';
import { exited } from '../helpers/process.js';
import { encodeCommand } from '../helpers/resp.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vermilion-server.js');
const haveRedis = redisServerPath() !== null;
const suite = haveRedis || process.env.CI ? describe : describe.skip;

/** SHUTDOWN (after `before`'s commands, sent in the same write) or a signal. */
type Stop = { shutdown: string[]; before?: string[][] } | { signal: 'SIGTERM' | 'SIGINT' };

const cases: [name: string, args: string[], stop: Stop][] = [
  ['SHUTDOWN, no save points', ['--save', ''], { shutdown: [] }],
  ['SHUTDOWN NOSAVE with save points', ['--save', '3600 1'], { shutdown: ['NOSAVE'] }],
  ['SHUTDOWN SAVE', ['--save', ''], { shutdown: ['SAVE'] }],
  ['SHUTDOWN with save points', ['--save', '3600 1'], { shutdown: [] }],
  ['SHUTDOWN NOW FORCE', ['--save', '3600 1'], { shutdown: ['NOW', 'FORCE'] }],
  ['SIGTERM, no save points', ['--save', ''], { signal: 'SIGTERM' }],
  ['SIGINT, no save points', ['--save', ''], { signal: 'SIGINT' }],
  ['SIGTERM with save points', ['--save', '3600 1'], { signal: 'SIGTERM' }],
  ['SIGINT with shutdown-on-sigint nosave', ['--save', '3600 1', '--shutdown-on-sigint', 'nosave'], { signal: 'SIGINT' }],
  ['SIGTERM with shutdown-on-sigterm save', ['--save', '', '--shutdown-on-sigterm', 'save'], { signal: 'SIGTERM' }],
  ['SHUTDOWN with the AOF on and save points', ['--save', '3600 1', '--appendonly', 'yes'], { shutdown: [] }],
  ['SHUTDOWN NOSAVE with the AOF on', ['--save', '', '--appendonly', 'yes'], { shutdown: ['NOSAVE'] }],
  ['SHUTDOWN NOSAVE while a BGSAVE runs', ['--save', ''], { shutdown: ['NOSAVE'], before: [['SET', 'k', 'v'], ['BGSAVE']] }],
  ['SHUTDOWN while an AOF rewrite runs', ['--save', '', '--appendonly', 'yes'], { shutdown: [], before: [['SET', 'k', 'v'], ['BGREWRITEAOF']] }],
];

const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

/**
 * Starts one server, stops it as `stop` says and returns the lines it
 * logged after its ready line: "pid:M date " and the signal handler's
 * "pid:signal-handler (time) " prefixes cut, the level mark kept.
 */
async function logOfStop(ours: boolean, args: string[], stop: Stop, withPidfile: boolean, unix: boolean): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), ours ? 'vermilion-stop-' : 'redis-stop-'));
  const port = await freePort();
  const all = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--loglevel', 'notice', ...args];
  if (withPidfile) all.push('--pidfile', join(dir, 'server.pid'));
  if (unix) all.push('--unixsocket', join(dir, 's.sock'));
  const proc = ours ? spawn(process.execPath, [BIN, ...all], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(redisServerPath()!, all, { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let log = '';
  proc.stdout!.on('data', (d) => { log += d; });
  proc.stderr!.on('data', (d) => { log += d; });
  const ready = ours ? /ready to accept connections on port/ : /Ready to accept connections/;
  for (let i = 0; i < 200 && !ready.test(log); i++) await new Promise((r) => setTimeout(r, 25));
  expect(log).toMatch(ready);
  const from = log.length;
  if ('signal' in stop) {
    proc.kill(stop.signal);
  } else {
    const c = await RawClient.connect(port);
    c.write(Buffer.concat([...(stop.before ?? []), ['SHUTDOWN', ...stop.shutdown]].map((cmd) => encodeCommand(cmd))));
    await c.waitClosed();
    c.close();
  }
  expect(await exited(proc)).toBe(0);
  // Not the shutdown's: the BGSAVE / BGREWRITEAOF start lines, and what
  // comes of Redis's fork (this server saves and rewrites in slices, with no
  // child): the child's own lines and the killed child's pid.
  const notOurs = new RegExp(['Background saving started', 'Background append only file rewriting started',
    'Creating AOF incr file .* on background rewrite', 'Killing running AOF rewrite child', 'in child, exiting now'].join('|'));
  // Redis's killed child logs from its signal handler in several write()s,
  // so a line of the parent's can land inside one of the child's: keep
  // what starts at the parent's own pid.
  const parent = `${proc.pid}:`;
  const lines = log.slice(from).split('\n').map((l) => {
    const at = l.indexOf(parent, 1);
    return at > 0 && /^\d+:signal-handler /.test(l) ? l.slice(at) : l;
  });
  return lines.filter((l) => l !== '' && !/^\d+:C /.test(l) && !/^\) /.test(l) && !notOurs.test(l)).map((l) => l
    .replace(/^\d+:signal-handler \(\d+\) /, 'signal-handler ')
    .replace(/^\d+:[MCSX] \d+ \w+ \d+ [\d:.]+ /, ''));
}

/**
 * SHUTDOWN SAVE where the save cannot be renamed into place (a directory
 * took dump.rdb's name after startup): the refusal and its lines, then
 * SHUTDOWN SAVE FORCE, which exits anyway.
 */
async function logOfFailedSave(ours: boolean): Promise<[string[], unknown]> {
  const dir = mkdtempSync(join(tmpdir(), ours ? 'vermilion-stop-' : 'redis-stop-'));
  const port = await freePort();
  const all = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--loglevel', 'notice', '--save', ''];
  const proc = ours ? spawn(process.execPath, [BIN, ...all], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(redisServerPath()!, all, { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let log = '';
  proc.stdout!.on('data', (d) => { log += d; });
  const ready = ours ? /ready to accept connections on port/ : /Ready to accept connections/;
  for (let i = 0; i < 200 && !ready.test(log); i++) await new Promise((r) => setTimeout(r, 25));
  const from = log.length;
  mkdirSync(join(dir, 'dump.rdb'));
  const c = await RawClient.connect(port);
  const refused = await c.cmd('SHUTDOWN', 'SAVE');
  c.send('SHUTDOWN', 'SAVE', 'FORCE');
  await c.waitClosed();
  c.close();
  expect(await exited(proc)).toBe(0);
  return [log.slice(from).split('\n').filter((l) => l !== '').map((l) => l
    .replace(/^\d+:[MCSX] \d+ \w+ \d+ [\d:.]+ /, '').replace(/temp-\d+\.rdb/, 'temp-<pid>.rdb').replace(dir, '<dir>')), refused];
}

suite('shutdown log lines vs redis-server', () => {
  it('a final save that fails: refused, then FORCE exits anyway', async () => {
    const [theirs, ours] = [await logOfFailedSave(false), await logOfFailedSave(true)];
    expect(theirs[0]).toContain('# Errors trying to shut down the server. Check the logs for more information.');
    expect(ours).toEqual(theirs);
  }, 20_000);

  for (const [name, args, stop] of cases) {
    it(name, async () => {
      const [theirs, ours] = [await logOfStop(false, args, stop, true, false), await logOfStop(true, args, stop, true, false)];
      expect(theirs.at(-1)).toBe('# Redis is now ready to exit, bye bye...');
      expect(ours).toEqual(theirs);
    }, 20_000);
  }

  it('no pid file; a unix socket', async () => {
    for (const stop of [{ shutdown: [] }, { signal: 'SIGTERM' }] as Stop[]) {
      const [theirs, ours] = [await logOfStop(false, ['--save', ''], stop, false, true), await logOfStop(true, ['--save', ''], stop, false, true)];
      expect(ours).toEqual(theirs);
    }
  }, 20_000);
});
