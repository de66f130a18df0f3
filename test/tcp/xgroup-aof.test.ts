// Consumer groups through the AOF: a workload's incr file holds what
// redis-server 7.0 writes for it (XREADGROUP and XAUTOCLAIM as XCLAIM ...
// FORCE JUSTID LASTID plus XGROUP SETID ... ENTRIESREAD, XACK and XGROUP as
// themselves), and a restart replays it to the same groups, PELs and
// consumers.
import { describe, it, expect, afterEach } from 'vitest';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, RawClient, startRedis, redisServerPath } from '../helpers/server.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vermilion-server.js');
const procs: ChildProcess[] = [];
const stops: (() => void)[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
  for (const s of stops.splice(0)) s();
});

async function start(dir: string, extra: string[] = []): Promise<{ proc: ChildProcess; port: number; c: RawClient; log: () => string }> {
  const port = await freePort();
  let log = '';
  const proc = spawn(process.execPath, [BIN, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => { log += d; });
  proc.stderr!.on('data', (d) => { log += d; });
  procs.push(proc);
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw Object.assign(new Error('exited'), { log });
    try {
      const c = await RawClient.connect(port);
      return { proc, port, c, log: () => log };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('server did not start');
}

const exited = (p: ChildProcess) => new Promise<number | null>((res) => {
  if (p.exitCode !== null) res(p.exitCode);
  else p.once('exit', (code) => res(code));
});

async function startFails(dir: string, extra: string[]): Promise<string> {
  let log = '';
  const proc = spawn(process.execPath, [BIN, '--port', String(await freePort()), '--bind', '127.0.0.1', '--dir', dir,
    '--save', '', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  proc.stdout!.on('data', (d) => { log += d; });
  proc.stderr!.on('data', (d) => { log += d; });
  expect(await exited(proc)).toBe(1);
  return log;
}

function incrFile(dir: string): string {
  const d = join(dir, 'appendonlydir');
  return join(d, readdirSync(d).find((f) => f.endsWith('.incr.aof'))!);
}

const SCRIPT: string[][] = [
  ['XADD', 's', '1-1', 'a', '1'], ['XADD', 's', '2-1', 'b', '2'], ['XADD', 's', '3-1', 'c', '3'], ['XADD', 's', '4-1', 'd', '4'],
  ['XGROUP', 'CREATE', 's', 'g', '0'], ['XGROUP', 'CREATE', 's', 'h', '$'], ['XGROUP', 'CREATE', 'm', 'g', '$', 'MKSTREAM'],
  ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'COUNT', '1', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'], ['XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 's', '>'],
  ['XACK', 's', 'g', '1-1', '9-9'], ['XACK', 's', 'g', '9-9'],
  ['XCLAIM', 's', 'g', 'dave', '0', '2-1', 'TIME', '1700000000000'], ['XCLAIM', 's', 'g', 'dave', '0', '4-1', 'JUSTID', 'LASTID', '5-0'],
  ['XCLAIM', 's', 'g', 'dave', '0', '9-9', 'LASTID', '6-0'],
  ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0', 'COUNT', '1'], ['XDEL', 's', '4-1'], ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0'],
  ['XGROUP', 'CREATECONSUMER', 's', 'g', 'frank'], ['XGROUP', 'CREATECONSUMER', 's', 'g', 'frank'],
  ['XGROUP', 'DELCONSUMER', 's', 'g', 'frank'], ['XGROUP', 'SETID', 's', 'h', '1-1', 'ENTRIESREAD', '1'],
  ['XGROUP', 'SETID', 's', 'h', '$'], ['XGROUP', 'DESTROY', 's', 'h'], ['XGROUP', 'DESTROY', 's', 'h'],
  ['XPENDING', 's', 'g'], ['XINFO', 'GROUPS', 's'],
];

/** The incr file with absolute times (13 digits) masked: the two servers' clocks differ. */
const normalize = (s: string) => s.replace(/\$13\r\n\d{13}\r\n/g, '$$13\r\n<ms>\r\n');

/** XINFO STREAM FULL with the seen-times masked (a replayed consumer is seen at replay). */
async function state(c: RawClient): Promise<string> {
  const out: string[] = [];
  for (const k of ['s', 'm']) {
    out.push(JSON.stringify(await c.cmd('XINFO', 'STREAM', k, 'FULL', 'COUNT', '0')));
    out.push(JSON.stringify(await c.cmd('XPENDING', k, 'g')));
  }
  return out.join('\n').replace(/"seen-time",\d+/g, '"seen-time",T');
}

describe.skipIf(redisServerPath() === null)('consumer groups through the AOF', () => {
  it('the incr file holds what redis-server 7.0 writes, and replays to the same state', async () => {
    const vdir = mkdtempSync(join(tmpdir(), 'aof-xg-v-'));
    const rdir = mkdtempSync(join(tmpdir(), 'aof-xg-r-'));
    const v = await start(vdir, ['--appendonly', 'yes', '--appendfsync', 'always']);
    const r = await startRedis(['--dir', rdir, '--appendonly', 'yes', '--appendfsync', 'always']);
    stops.push(r.stop);
    const rc = await RawClient.connect(r.port);
    for (const cmd of SCRIPT) {
      const a = await v.c.cmd(...cmd);
      const b = await rc.cmd(...cmd);
      if (cmd[0] !== 'XPENDING' && cmd[0] !== 'XINFO') expect([cmd, a]).toEqual([cmd, b]);
    }
    const mine = readFileSync(incrFile(vdir), 'latin1');
    const theirs = readFileSync(incrFile(rdir), 'latin1');
    expect(normalize(mine)).toBe(normalize(theirs));
    const before = await state(v.c);
    rc.close();
    v.c.close();
    v.proc.kill('SIGKILL');
    await exited(v.proc);
    const again = await start(vdir, ['--appendonly', 'yes']);
    expect(await state(again.c)).toBe(before);
    again.c.close();
  }, 30_000);
});
