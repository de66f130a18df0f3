// Consumer groups through the AOF: a workload's incr file holds what
// redis-server 7.0 writes for it (XREADGROUP and XAUTOCLAIM as XCLAIM ...
// FORCE JUSTID LASTID plus XGROUP SETID ... ENTRIESREAD, XACK and XGROUP as
// themselves), and a restart replays it to the same groups, PELs and
// consumers.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverProcesses, exited, incrFile } from '../helpers/process.js';
import { RawClient, startRedis, redisServerPath } from '../helpers/server.js';

const { start, stops } = serverProcesses();

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
