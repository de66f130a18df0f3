// SLOWLOG: the commands that took longer than slowlog-log-slower-than
// microseconds, newest first, at most slowlog-max-len of them.
//
// Durations come from src/host/timing.ts: exact for host commands; for the
// engine, the time of one execute() call divided evenly among the commands it
// ran (a pipelined batch is timed as a whole). Arguments are re-read from the
// input buffer only when an entry is actually logged.
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import { replyHelp } from './replyhelp.js';
import { CMD_SLOWLOG_GET, CMD_SLOWLOG_HELP, CMD_SLOWLOG_LEN, CMD_SLOWLOG_RESET } from '../engine/commands.gen.js';

// Redis keeps at most 32 arguments and 128 bytes of each.
const ENTRY_MAX_ARGC = 32;
const ENTRY_MAX_STRING = 128;

interface Entry { id: number; time: number; usec: number; args: Buffer[]; addr: string; name: string }

interface SlowLog { entries: Entry[]; nextId: number }
const logs = new WeakMap<HostServer, SlowLog>();

function slowlogOf(srv: HostServer): SlowLog {
  let l = logs.get(srv);
  if (!l) { l = { entries: [], nextId: 0 }; logs.set(srv, l); }
  return l;
}

/** The threshold in µs; negative disables the log. */
export function slowlogThreshold(srv: HostServer): number {
  return srv.config.getInt('slowlog-log-slower-than');
}

/** Logs one command that ran for `usec` µs if it crossed the threshold. `args` is read lazily. */
export function slowlogPush(srv: HostServer, c: HostClient, usec: number, args: () => Buffer[]): void {
  const threshold = slowlogThreshold(srv);
  if (threshold < 0 || usec < threshold) return;
  const l = slowlogOf(srv);
  const argv = args();
  const argc = Math.min(argv.length, ENTRY_MAX_ARGC);
  const kept: Buffer[] = [];
  for (let j = 0; j < argc; j++) {
    if (argc !== argv.length && j === argc - 1) {
      kept.push(Buffer.from(`... (${argv.length - argc + 1} more arguments)`));
    } else if (argv[j].length > ENTRY_MAX_STRING) {
      kept.push(Buffer.concat([argv[j].subarray(0, ENTRY_MAX_STRING),
        Buffer.from(`... (${argv[j].length - ENTRY_MAX_STRING} more bytes)`)]));
    } else {
      kept.push(Buffer.from(argv[j]));
    }
  }
  l.entries.unshift({
    id: l.nextId++, time: Math.floor(Date.now() / 1000), usec: Math.floor(usec), args: kept, addr: c.addr, name: c.name,
  });
  const max = srv.config.getInt('slowlog-max-len');
  if (l.entries.length > max) l.entries.length = Math.max(0, max);
}

// SLOWLOG GET [count]: count -1 means all; 10 by default.
function cmdSlowlogGet(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  let count = 10;
  if (args.length === 3) {
    const s = args[2].toString();
    const n = Number(s);
    if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n) || n < -1) {
      r.error('ERR count should be greater than or equal to -1');
      return;
    }
    count = n === -1 ? Infinity : n;
  } else if (args.length > 3) {
    r.error("ERR wrong number of arguments for 'slowlog|get' command");
    return;
  }
  const entries = slowlogOf(srv).entries.slice(0, count);
  r.array(entries.length);
  for (const e of entries) {
    r.array(6).int(e.id).int(e.time).int(e.usec);
    r.bulkArray(e.args);
    r.bulk(e.addr).bulk(e.name);
  }
}

// SLOWLOG LEN
function cmdSlowlogLen(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  r.int(slowlogOf(srv).entries.length);
}

// SLOWLOG RESET
function cmdSlowlogReset(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  slowlogOf(srv).entries.length = 0;
  r.ok();
}

// SLOWLOG HELP
function cmdSlowlogHelp(_srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  replyHelp(r, 'SLOWLOG', [
    'GET [<count>]',
    '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
    '    Entries are made of:',
    '    id, timestamp, time in microseconds, arguments array, client IP and port,',
    '    client name',
    'LEN',
    '    Return the length of the slowlog.',
    'RESET',
    '    Reset the slowlog.',
  ]);
}

export function register(): void {
  registerHost(CMD_SLOWLOG_GET, cmdSlowlogGet);
  registerHost(CMD_SLOWLOG_LEN, cmdSlowlogLen);
  registerHost(CMD_SLOWLOG_RESET, cmdSlowlogReset);
  registerHost(CMD_SLOWLOG_HELP, cmdSlowlogHelp);
}
