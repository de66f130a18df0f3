// Server commands the host runs: DEBUG, SHUTDOWN, TIME.
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import { CMD_DEBUG, CMD_SHUTDOWN, CMD_TIME } from '../engine/commands.gen.js';
import { DebugObject } from '../engine/engine.js';
import { replyHelp, subcommandSyntaxError } from './cmd-client.js';
import { E_BUSY_EVAL, E_BUSY_FUNCTION } from './scripting/flags.js';
import { clockMicros } from './clock.js';
import { debugReload } from './cmd-persist.js';
import { optText } from './optword.js';

const E_SYNTAX = 'ERR syntax error';
const E_NO_SUCH_KEY = 'ERR no such key';
const E_NO_SHUTDOWN = 'ERR No shutdown in progress.';
const E_DEBUG_NOT_ALLOWED = 'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", ' +
  'you can run it from a local connection, otherwise you need to set this option in the configuration file, ' +
  'and then restart the server.';
const E_PROTOCOL_TYPE = 'ERR Wrong protocol type name. Please use one of the following: ' +
  'string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false';
const E_PUSH_RESP2 = 'ERR RESP2 is not supported by this command';

// ---- TIME ------------------------------------------------------------------------

// TIME — array of two bulk strings: unix seconds and the microseconds within.
function cmdTime(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  const t = clockMicros(srv.clock);
  r.array(2).bulk(String(t / 1000000n)).bulk(String(t % 1000000n));
}

// ---- SHUTDOWN --------------------------------------------------------------------

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] — no reply: the server stops
// and every connection closes. ABORT only cancels a shutdown that waits for
// replicas, which never happens without replication, so it always errors.
// SAVE (or save points without NOSAVE) writes dump.rdb first.
function cmdShutdown(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  let save = false, nosave = false, force = false, other = false, abort = false;
  for (let i = 1; i < args.length; i++) {
    const opt = optText(args[i]);
    if (opt === 'nosave') nosave = true;
    else if (opt === 'save') save = true;
    else if (opt === 'force') force = other = true;
    else if (opt === 'now') other = true;
    else if (opt === 'abort') abort = true;
    else { r.error(E_SYNTAX); return; }
  }
  if ((abort && (save || nosave || other)) || (save && nosave)) { r.error(E_SYNTAX); return; }
  if (abort) { r.error(E_NO_SHUTDOWN); return; }
  // While a script runs past busy-reply-threshold only SHUTDOWN NOSAVE may stop the server.
  const script = srv.scripting?.running;
  if (script && !nosave) {
    r.error(script.call.kind === 'eval' ? E_BUSY_EVAL : E_BUSY_FUNCTION);
    return;
  }
  // A save first when asked, or when save points are configured; if it
  // fails (without FORCE) the server stays up.
  if (!srv.prepareForShutdown({ save, nosave, force })) r.error('ERR Errors trying to SHUTDOWN. Check logs.');
}

// ---- DEBUG -----------------------------------------------------------------------

/** enable-debug-command: no, yes, or local (loopback connections only). */
function debugAllowed(srv: HostServer, c: HostClient): boolean {
  const mode = srv.config.get('enable-debug-command');
  if (mode === 'yes') return true;
  if (mode !== 'local') return false;
  if (c.unixSocket) return true;
  const host = c.addr.slice(0, c.addr.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return host === '127.0.0.1' || host === '::1';
}

// Redis's object encoding numbers (OBJ_ENCODING_*), which the engine keeps.
const ENCODING_NAMES = ['raw', 'int', 'hashtable', 'zipmap', 'linkedlist', 'ziplist', 'intset', 'skiplist',
  'embstr', 'quicklist', 'stream', 'listpack'];
const ENC_INT = 1;
const TYPE_STRING = 0;
// Redis keeps one shared object for each of 0..9999 (OBJ_SHARED_INTEGERS)
// and uses it as the value unless maxmemory needs per-key LRU/LFU bits.
const SHARED_INTEGERS = 10000n;
const SHARED_REFCOUNT = 2147483647;

/** What the value takes in an RDB file (rdbSavedObjectLen), from the engine's serializer. */
function serializedLength(srv: HostServer, db: number, key: Buffer): number {
  const x = srv.engine.x;
  const p = x.rdbAlloc(key.length + 1) >>> 0;
  try {
    srv.engine.bytes().set(key, p);
    return Math.max(0, x.rdbSerializedLength(db, p, key.length));
  } finally {
    x.rdbFree(p);
    x.rdbOutRelease();
  }
}

function usesSharedIntegers(srv: HostServer): boolean {
  let maxmemory = '0';
  try { maxmemory = srv.config.get('maxmemory'); } catch { /* not configurable yet */ }
  const policy = srv.config.get('maxmemory-policy');
  return maxmemory === '0' || !(policy.includes('lru') || policy.includes('lfu'));
}

// DEBUG OBJECT key — status line with the key's internals.
function debugObject(srv: HostServer, c: HostClient, key: Buffer, r: Reply): void {
  const o = srv.engine.debugObject(srv.engine.x.clientDb(c.slot), key);
  if (!o) { r.error(E_NO_SUCH_KEY); return; }
  const shared = o.type === TYPE_STRING && o.encoding === ENC_INT && o.intValue >= 0n &&
    o.intValue < SHARED_INTEGERS && usesSharedIntegers(srv);
  const serialized = serializedLength(srv, srv.engine.x.clientDb(c.slot), key);
  r.simple(`Value at:0x${o.addr.toString(16)} refcount:${shared ? SHARED_REFCOUNT : 1} ` +
    `encoding:${ENCODING_NAMES[o.encoding] ?? 'unknown'} serializedlength:${serialized} ` +
    `lru:${o.lru} lru_seconds_idle:${o.idle}${o.quicklist ? quicklistFields(o.quicklist) : ''}`);
}

/** Redis's extra DEBUG OBJECT fields for a quicklist. */
function quicklistFields(q: NonNullable<DebugObject['quicklist']>): string {
  return ` ql_nodes:${q.nodes} ql_avg_node:${fixed2(q.count, q.nodes)} ql_listpack_max:${q.fill}` +
    ` ql_compressed:${q.compress !== 0 ? 1 : 0} ql_uncompressed_size:${q.bytes}`;
}

/** printf's "%.2f" of a / b: to nearest, ties to even (toFixed breaks ties upward). */
function fixed2(a: number, b: number): string {
  const n = a * 100;
  let q = Math.floor(n / b);
  const r = n - q * b;
  if (2 * r > b || (2 * r === b && q % 2 === 1)) q++;
  return `${Math.floor(q / 100)}.${String(q % 100).padStart(2, '0')}`;
}

/** Blocks the whole process, as Redis's DEBUG SLEEP blocks its event loop. */
function sleepBlocking(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** C's strtod prefix parse: the longest leading number, 0 if none. */
function strtod(s: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf(inity)?)/i.exec(s);
  return m ? Number(m[0].trim().replace(/inf(inity)?$/i, 'Infinity')) : 0;
}

/** C's atoi: leading integer, 0 if none. */
function atoi(s: string): number {
  const m = /^\s*[+-]?\d+/.exec(s);
  return m ? Number(m[0]) : 0;
}

// DEBUG PROTOCOL type — a sample reply of each RESP type, for client tests.
function debugProtocol(type: string, r: Reply): void {
  const p3 = r.proto === 3;
  switch (type) {
    case 'string': r.bulk('Hello World'); break;
    case 'integer': r.int(12345); break;
    case 'double': r.double('3.141'); break;
    case 'bignum':
      if (p3) r.raw(Buffer.from('(1234567999999999999999999999999999999\r\n'));
      else r.bulk('1234567999999999999999999999999999999');
      break;
    case 'null': r.nullBulk(); break;
    case 'array': r.array(3).int(0).int(1).int(2); break;
    case 'set': r.set(3).int(0).int(1).int(2); break;
    case 'map': r.map(3).int(0).bool(false).int(1).bool(true).int(2).bool(false); break;
    case 'attrib':
      if (p3) r.raw(Buffer.from('|1\r\n')).bulk('key-popularity').array(2).bulk('key:123').int(90);
      r.bulk('Some real reply following the attribute');
      break;
    case 'push':
      if (!p3) { r.error(E_PUSH_RESP2); break; }
      r.raw(Buffer.from('>2\r\n')).bulk('server-cpu-usage').int(42);
      r.bulk('Some real reply following the push reply');
      break;
    case 'verbatim': r.verbatim('This is a verbatim\nstring'); break;
    case 'true': r.bool(true); break;
    case 'false': r.bool(false); break;
    default: r.error(E_PROTOCOL_TYPE);
  }
}

// Redis 7.0's DEBUG HELP text, word for word. Of its subcommands this server
// runs HELP, SLEEP, SET-ACTIVE-EXPIRE, OBJECT, LOG, ERROR and PROTOCOL; the
// others (crashes, RDB/AOF reloads, allocator and encoding internals) reply
// as unknown.
const DEBUG_HELP = [
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid>',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key>',
  '    Like HTSTATS but for the hash table stored at <key>\'s value.',
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  '    Enables or disables checksum checks for RDB files and RESTORE\'s payload.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
];
// DEBUG subcommand [arg ...] — see DEBUG_HELP. PROTECTED: refused unless
// enable-debug-command allows this connection.
function cmdDebug(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  if (!debugAllowed(srv, c)) { r.error(E_DEBUG_NOT_ALLOWED); return; }
  const sub = optText(args[1]);
  const argc = args.length;
  if (sub === 'help' && argc === 2) {
    replyHelp(r, 'DEBUG', DEBUG_HELP);
  } else if (sub === 'sleep' && argc === 3) {
    // Seconds, decimals allowed; garbage sleeps 0 (strtod).
    sleepBlocking(Math.floor(strtod(args[2].toString('latin1')) * 1000000) / 1000);
    r.ok();
  } else if (sub === 'set-active-expire' && argc === 3) {
    srv.engine.x.setActiveExpireEnabled(atoi(args[2].toString('latin1')) !== 0 ? 1 : 0);
    r.ok();
  } else if (sub === 'object' && argc === 3) {
    debugObject(srv, c, args[2], r);
  } else if (sub === 'log' && argc === 3) {
    srv.log('warning', `DEBUG LOG: ${args[2].toString('latin1')}`);
    r.ok();
  } else if (sub === 'error' && argc === 3) {
    r.error(args[2].toString('latin1'));
  } else if (sub === 'protocol' && argc === 3) {
    debugProtocol(optText(args[2]), r);
  } else if (sub === 'reload') {
    debugReload(srv, args, r);
  } else if (sub === 'populate' && argc >= 3 && argc <= 5) {
    debugPopulate(srv, c, args, r);
  } else {
    subcommandSyntaxError(r, 'DEBUG', args[1]);
  }
}

/**
 * DEBUG POPULATE count [prefix] [size]: "<prefix>:<j>" keys (prefix "key")
 * holding "value:<j>", cut or zero-padded to size; existing keys are kept.
 */
function debugPopulate(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  const positive = (b: Buffer): number | null => {
    const t = b.toString('latin1');
    return /^(0|[1-9][0-9]*)$/.test(t) && Number(t) <= Number.MAX_SAFE_INTEGER ? Number(t) : null;
  };
  const count = positive(args[2]);
  const size = args.length === 5 ? positive(args[4]) : 0;
  if (count === null || size === null) {
    r.error('ERR value is out of range, must be positive');
    return;
  }
  const x = srv.engine.x;
  const prefix = args.length >= 4 ? args[3] : Buffer.from('key');
  const p = x.rdbAlloc(prefix.length + 1) >>> 0;
  try {
    srv.engine.bytes().set(prefix, p);
    x.debugPopulate(x.clientDb(c.slot), count, p, prefix.length, size);
  } finally {
    x.rdbFree(p);
  }
  r.ok();
}

export function register(): void {
  registerHost(CMD_DEBUG, cmdDebug);
  registerHost(CMD_SHUTDOWN, cmdShutdown);
  registerHost(CMD_TIME, cmdTime);
}
