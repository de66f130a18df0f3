// SAVE, BGSAVE and LASTSAVE: the RDB snapshot commands (src/persistence/rdb.ts
// does the work), and DEBUG RELOAD's save-flush-load.
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import { CMD_SAVE, CMD_BGSAVE, CMD_LASTSAVE, CMD_BGREWRITEAOF } from '../engine/commands.gen.js';
import { CF_IN_EXEC } from '../engine/engine.js';
import { optText } from './optword.js';

const E_BGSAVE_RUNNING = 'ERR Background save already in progress';
const E_SYNTAX = 'ERR syntax error';

// SAVE — OK once dump.rdb is written (clients wait meanwhile).
function cmdSave(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  if (srv.rdb.bgsaveInProgress) { r.error(E_BGSAVE_RUNNING); return; }
  try {
    srv.rdb.saveSync();
    r.ok();
  } catch {
    r.error('ERR');
  }
}

// BGSAVE [SCHEDULE] — "Background saving started": the point-in-time copy
// is taken now, the file is written in the background.
function cmdBgsave(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  let schedule = false;
  if (args.length > 1) {
    if (args.length === 2 && optText(args[1]) === 'schedule') schedule = true;
    else { r.error(E_SYNTAX); return; }
  }
  const rdb = srv.rdb;
  // A running BGSAVE is refused either way, as Redis does; SCHEDULE (and
  // a transaction, server.in_exec) waits out an AOF rewrite.
  if (rdb.bgsaveInProgress) {
    r.error(E_BGSAVE_RUNNING);
    return;
  }
  if (srv.aof.rewriteInProgress || (srv.engine.x.clientFlags(c.slot) & CF_IN_EXEC) !== 0) {
    if (schedule || (srv.engine.x.clientFlags(c.slot) & CF_IN_EXEC) !== 0) {
      rdb.schedule();
      r.simple('Background saving scheduled');
    } else {
      r.error('ERR Another child process is active (AOF?): can\'t BGSAVE right now. ' +
        'Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.');
    }
    return;
  }
  rdb.bgsave();
  r.simple('Background saving started');
}

// BGREWRITEAOF — "Background append only file rewriting started": a new
// incr file at once, a new base of the dataset written in the background
// (src/persistence/aof.ts rewriteBackground), then the old files deleted.
function cmdBgrewriteaof(srv: HostServer, c: HostClient, _args: Buffer[], r: Reply): void {
  const aof = srv.aof;
  if (aof.rewriteInProgress) {
    r.error('ERR Background append only file rewriting already in progress');
    return;
  }
  // Inside a transaction, or while a BGSAVE runs, Redis schedules it for later.
  if ((srv.engine.x.clientFlags(c.slot) & CF_IN_EXEC) !== 0 || srv.rdb.bgsaveInProgress) {
    aof.scheduleRewrite();
    r.simple('Background append only file rewriting scheduled');
    return;
  }
  if (!aof.rewriteNow()) {
    r.error('ERR Can\'t execute an AOF background rewriting. Please check the server logs for more information.');
    return;
  }
  r.simple('Background append only file rewriting started');
}

// LASTSAVE — unix time of the last successful save.
function cmdLastsave(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  r.int(srv.rdb.lastSave);
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the keyspace, load the file back. */
export function debugReload(srv: HostServer, args: Buffer[], r: Reply): void {
  let flush = true, save = true, merge = false;
  for (let i = 2; i < args.length; i++) {
    const opt = optText(args[i]);
    if (opt === 'merge') merge = true;
    else if (opt === 'noflush') flush = false;
    else if (opt === 'nosave') save = false;
    else { r.error('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.'); return; }
  }
  void merge;
  const rdb = srv.rdb;
  try {
    if (save) rdb.saveSync();
  } catch {
    r.error('ERR Error trying to save the DB.');
    return;
  }
  if (flush) srv.engine.x.flushAllDbs();
  try {
    rdb.loadFileSync(rdb.filePath());
  } catch (err: any) {
    r.error(`ERR Error trying to load the RDB dump, check server logs.`);
    srv.log('warning', `DEBUG RELOAD: ${err?.message ?? err}`);
    return;
  }
  srv.log('notice', 'DB reloaded by DEBUG RELOAD');
  r.ok();
}

export function register(): void {
  registerHost(CMD_SAVE, cmdSave);
  registerHost(CMD_BGSAVE, cmdBgsave);
  registerHost(CMD_BGREWRITEAOF, cmdBgrewriteaof);
  registerHost(CMD_LASTSAVE, cmdLastsave);
}
