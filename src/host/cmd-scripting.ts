// Scripting commands the host runs: EVAL EVALSHA EVAL_RO EVALSHA_RO,
// SCRIPT (EXISTS FLUSH LOAD KILL HELP), FUNCTION (LOAD LIST DELETE FLUSH
// DUMP RESTORE STATS KILL HELP), FCALL FCALL_RO. The machinery is in
// src/host/scripting/.
import { registerHost, HostServer, HostClient, PendingReply } from './context.js';
import { Reply } from './reply.js';
import {
  CMD_EVAL, CMD_EVALSHA, CMD_EVAL_RO, CMD_EVALSHA_RO, CMD_FCALL, CMD_FCALL_RO,
  CMD_SCRIPT_EXISTS, CMD_SCRIPT_FLUSH, CMD_SCRIPT_HELP, CMD_SCRIPT_KILL, CMD_SCRIPT_LOAD,
  CMD_FUNCTION_DELETE, CMD_FUNCTION_DUMP, CMD_FUNCTION_FLUSH, CMD_FUNCTION_HELP, CMD_FUNCTION_KILL,
  CMD_FUNCTION_LIST, CMD_FUNCTION_LOAD, CMD_FUNCTION_RESTORE, CMD_FUNCTION_STATS,
} from '../engine/commands.gen.js';
import { replyHelp, subcommandSyntaxError } from './cmd-client.js';
import { stringMatch } from './stringmatch.js';
import type { Scripting } from './scripting/index.js';
import { SCRIPT_FLAGS } from './scripting/flags.js';
import { E_BUSY_EVAL } from './scripting/flags.js';
import { optText } from './optword.js';

type ScriptingHandler = (s: Scripting, srv: HostServer, c: HostClient, args: Buffer[], r: Reply) => void | PendingReply;

/**
 * Runs `fn` with the scripting room; while the Lua VM is still loading
 * (the first moments of the process), the command waits for it.
 */
function withScripting(fn: ScriptingHandler) {
  return (srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void | PendingReply => {
    if (srv.scripting) return fn(srv.scripting, srv, c, args, r);
    if (!srv.scriptingReady) {
      r.error('ERR Lua scripting is not available here');
      return;
    }
    if (!srv.canSuspend(c)) {
      // An embedded store's synchronous call in the moments after open.
      r.error('ERR Lua scripting is still loading: call it asynchronously, or open the store with { lua: true }');
      return;
    }
    let done = false;
    let waiter: (() => void) | null = null;
    const finish = () => { done = true; waiter?.(); };
    srv.scriptingReady.then((s) => {
      const inner = fn(s, srv, c, args, r);
      if (inner) inner.onDone(finish);
      else finish();
    }, (err) => {
      r.error(`ERR scripting is not available: ${err?.message ?? err}`);
      finish();
    });
    return { onDone: (cb) => { if (done) cb(); else waiter = cb; } };
  };
}

/** EVAL-family commands show themselves to MONITOR before their script's commands. */
function feedMonitors(srv: HostServer, c: HostClient, id: number, args: Buffer[]): void {
  if (srv.monitors.active) srv.monitors.feed(c, id, srv.engine.x.clientDb(c.slot), args, [], true);
}

// ---- EVAL ------------------------------------------------------------------------

// EVAL script numkeys [key [key ...]] [arg [arg ...]] — the script's reply
// converted from Lua. Compiles the script on first sight and caches it by
// its SHA1.
function evalCommand(id: number, bySha: boolean, ro: boolean): ScriptingHandler {
  return (s, srv, c, args, r) => {
    return s.evals.eval(c, args, r, bySha, ro, () => feedMonitors(srv, c, id, args));
  };
}

// ---- SCRIPT ------------------------------------------------------------------------

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

// SCRIPT EXISTS sha1 [sha1 ...] — array of 1/0. O(N).
const scriptExists: ScriptingHandler = (s, _srv, _c, args, r) => {
  r.array(args.length - 2);
  for (let i = 2; i < args.length; i++) r.int(s.evals.has(args[i].toString('latin1')) ? 1 : 0);
};

// SCRIPT FLUSH [ASYNC|SYNC] — +OK. Freeing is immediate either way.
const scriptFlush: ScriptingHandler = (s, _srv, _c, args, r) => {
  const mode = args.length === 3 ? optText(args[2]) : '';
  if (args.length !== 2 && !(args.length === 3 && (mode === 'sync' || mode === 'async'))) {
    r.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    return;
  }
  s.evals.flush();
  r.ok();
};

// SCRIPT LOAD script — the SHA1 (bulk). O(N) in the script.
const scriptLoad: ScriptingHandler = (s, _srv, _c, args, r) => {
  const made = s.evals.create(args[2], r);
  if (made) r.bulk(made.sha);
};

// SCRIPT KILL — +OK, NOTBUSY, UNKILLABLE or BUSY (a function runs).
const scriptKill: ScriptingHandler = (s, _srv, _c, _args, r) => {
  const err = s.runner.kill(true);
  if (err) r.error(err);
  else r.ok();
};

// ---- FUNCTION ----------------------------------------------------------------------

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

// FUNCTION LOAD [REPLACE] code — the library's name (bulk).
const functionLoad: ScriptingHandler = (s, _srv, _c, args, r) => {
  s.functions.load(args, r);
};

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE] — array of library maps.
// O(N) in the functions.
const functionList: ScriptingHandler = (s, _srv, _c, args, r) => {
  let withCode = false;
  let pattern: Buffer | null = null;
  for (let i = 2; i < args.length; i++) {
    const opt = optText(args[i]);
    if (!withCode && opt === 'withcode') { withCode = true; continue; }
    if (!pattern && opt === 'libraryname') {
      if (i >= args.length - 1) { r.error('ERR library name argument was not given'); return; }
      pattern = args[++i];
      continue;
    }
    r.error(`ERR Unknown argument ${args[i].toString('latin1')}`);
    return;
  }
  const libs = [...s.functions.libraries].filter((l) => !pattern || stringMatch(pattern, Buffer.from(l.name), true));
  r.array(libs.length);
  for (const lib of libs) {
    r.map(withCode ? 4 : 3);
    r.bulk('library_name').bulk(lib.name);
    r.bulk('engine').bulk('LUA');
    r.bulk('functions').array(lib.functions.size);
    for (const f of lib.functions.values()) {
      r.map(3);
      r.bulk('name').bulk(f.name);
      r.bulk('description');
      if (f.desc) r.bulk(f.desc); else r.nullBulk();
      r.bulk('flags');
      const names = SCRIPT_FLAGS.filter(([, bit]) => f.flags & bit).map(([n]) => n);
      r.set(names.length);
      for (const n of names) r.simple(n);
    }
    if (withCode) r.bulk('library_code').bulk(lib.code);
  }
};

// FUNCTION DELETE library-name — +OK. O(1) per function.
const functionDelete: ScriptingHandler = (s, _srv, _c, args, r) => {
  s.functions.delete(args[2], r);
};

// FUNCTION FLUSH [ASYNC|SYNC] — +OK.
const functionFlush: ScriptingHandler = (s, _srv, _c, args, r) => {
  if (args.length > 3) { subcommandSyntaxError(r, 'FUNCTION', args[1]); return; }
  const mode = args.length === 3 ? optText(args[2]) : '';
  if (args.length === 3 && mode !== 'sync' && mode !== 'async') {
    r.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    return;
  }
  s.functions.flush();
  r.ok();
};

// FUNCTION DUMP — the payload (bulk). O(N) in the code.
const functionDump: ScriptingHandler = (s, srv, _c, _args, r) => {
  r.bulk(s.functions.dump(srv.config.getBool('rdbcompression')));
};

// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] — +OK.
const functionRestore: ScriptingHandler = (s, _srv, _c, args, r) => {
  if (args.length > 4) { subcommandSyntaxError(r, 'FUNCTION', args[1]); return; }
  let policy: 'flush' | 'append' | 'replace' = 'append';
  if (args.length === 4) {
    const p = optText(args[3]);
    if (p !== 'flush' && p !== 'append' && p !== 'replace') {
      r.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      return;
    }
    policy = p;
  }
  s.functions.restore(args[2], policy, r);
};

// FUNCTION STATS — map: the running function (or null) and the engine's counts.
const functionStats: ScriptingHandler = (s, _srv, _c, _args, r) => {
  const run = s.running;
  if (run && run.call.kind === 'eval') { r.error(E_BUSY_EVAL); return; }
  r.map(2);
  r.bulk('running_script');
  if (!run) {
    r.nullBulk();
  } else {
    r.map(3);
    r.bulk('name').bulk(run.call.name);
    r.bulk('command').bulkArray(run.call.callerArgs);
    r.bulk('duration_ms').int(Math.floor(performance.now() - run.start));
  }
  r.bulk('engines').map(1);
  r.bulk('LUA').map(2);
  r.bulk('libraries_count').int(s.functions.libraryCount);
  r.bulk('functions_count').int(s.functions.functionCount);
};

// FUNCTION KILL — +OK, NOTBUSY, UNKILLABLE or BUSY (an EVAL runs).
const functionKill: ScriptingHandler = (s, _srv, _c, _args, r) => {
  const err = s.runner.kill(false);
  if (err) r.error(err);
  else r.ok();
};

// FCALL function numkeys [key ...] [arg ...] — the function's reply.
function fcallCommand(id: number, ro: boolean): ScriptingHandler {
  return (s, srv, c, args, r) => {
    return s.functions.fcall(c, args, r, ro, () => feedMonitors(srv, c, id, args));
  };
}

export function register(): void {
  const reg = (id: number, fn: ScriptingHandler) => registerHost(id, withScripting(fn));
  reg(CMD_EVAL, evalCommand(CMD_EVAL, false, false));
  reg(CMD_EVALSHA, evalCommand(CMD_EVALSHA, true, false));
  reg(CMD_EVAL_RO, evalCommand(CMD_EVAL_RO, false, true));
  reg(CMD_EVALSHA_RO, evalCommand(CMD_EVALSHA_RO, true, true));
  reg(CMD_SCRIPT_EXISTS, scriptExists);
  reg(CMD_SCRIPT_FLUSH, scriptFlush);
  reg(CMD_SCRIPT_LOAD, scriptLoad);
  reg(CMD_SCRIPT_KILL, scriptKill);
  registerHost(CMD_SCRIPT_HELP, (_srv, _c, _args, r) => replyHelp(r, 'SCRIPT', SCRIPT_HELP));
  reg(CMD_FUNCTION_LOAD, functionLoad);
  reg(CMD_FUNCTION_LIST, functionList);
  reg(CMD_FUNCTION_DELETE, functionDelete);
  reg(CMD_FUNCTION_FLUSH, functionFlush);
  reg(CMD_FUNCTION_DUMP, functionDump);
  reg(CMD_FUNCTION_RESTORE, functionRestore);
  reg(CMD_FUNCTION_STATS, functionStats);
  reg(CMD_FUNCTION_KILL, functionKill);
  registerHost(CMD_FUNCTION_HELP, (_srv, _c, _args, r) => replyHelp(r, 'FUNCTION', FUNCTION_HELP));
  reg(CMD_FCALL, fcallCommand(CMD_FCALL, false));
  reg(CMD_FCALL_RO, fcallCommand(CMD_FCALL_RO, true));
}
