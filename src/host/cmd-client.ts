// Client commands the host runs: CLIENT (ID INFO LIST GETNAME SETNAME KILL
// REPLY NO-EVICT PAUSE UNPAUSE HELP) and MONITOR. Connection state lives in
// the HostClient (server/server.ts) and the engine's client record (db,
// protocol, flags, query buffer); CLIENT LIST reads both.
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import {
  COMMANDS, CMD_CLIENT_GETNAME, CMD_CLIENT_HELP, CMD_CLIENT_ID, CMD_CLIENT_INFO, CMD_CLIENT_KILL, CMD_CLIENT_LIST,
  CMD_CLIENT_NO_EVICT, CMD_CLIENT_PAUSE, CMD_CLIENT_REPLY, CMD_CLIENT_SETNAME, CMD_CLIENT_SETINFO, CMD_CLIENT_UNPAUSE, CMD_CLIENT_UNBLOCK, CMD_MONITOR,
} from '../engine/commands.gen.js';
import { CF_REPLY_OFF, CF_REPLY_SKIP, CF_REPLY_SKIP_NEXT, CF_DIRTY_CAS, CF_IN_EXEC } from '../engine/engine.js';
import { validateClientName } from './cmd-connection.js';
import { optText } from './optword.js';

const E_SYNTAX = 'ERR syntax error';
const E_NO_SUCH_CLIENT = 'ERR No such client';
const E_INVALID_ID = 'ERR Invalid client ID';
const E_KILL_ID = 'ERR client-id should be greater than 0';
const E_PAUSE_MODE = 'ERR CLIENT PAUSE mode must be WRITE or ALL';
const E_TIMEOUT_INT = 'ERR timeout is not an integer or out of range';
const E_TIMEOUT_NEG = 'ERR timeout is negative';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** Redis's string2ll: a canonical 64-bit decimal (no '+', no leading zeros, no spaces), or null. */
export function parseStrictI64(b: Buffer): bigint | null {
  const s = b.toString('latin1');
  if (!/^(0|-?[1-9][0-9]*)$/.test(s) || s.length > 20) return null;
  const v = BigInt(s);
  return v < LLONG_MIN || v > LLONG_MAX ? null : v;
}

/** Redis's addReplyHelp: the header, the lines, then HELP's own two lines, as status replies. */
export function replyHelp(r: Reply, command: string, lines: string[]): void {
  r.array(lines.length + 3);
  r.simple(`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) r.simple(l);
  r.simple('HELP');
  r.simple('    Prints this help.');
}

/** Redis's addReplySubcommandSyntaxError (a known subcommand with the wrong arguments). */
export function subcommandSyntaxError(r: Reply, command: string, sub: Buffer): void {
  r.error(`ERR unknown subcommand or wrong number of arguments for '${sub.toString('latin1').slice(0, 128)}'. Try ${command} HELP.`);
}

// ---- client types and the CLIENT LIST line --------------------------------------

// Redis's getClientTypeByName: "slave" and "replica" are one type.
const CLIENT_TYPES = new Set(['normal', 'master', 'slave', 'replica', 'pubsub']);

function clientType(srv: HostServer, c: HostClient): string {
  if (srv.engine.x.clientFlags(c.slot) & CF_MASTER_FLAG) return 'master';
  if ((c.subCount ?? 0) + (c.psubCount ?? 0) + (c.ssubCount ?? 0) > 0) return 'pubsub';
  // MONITOR clients are replicas to Redis internally, but listed as normal.
  return 'normal';
}

// assembly/client.ts CF_MASTER: the connection to our primary.
const CF_MASTER_FLAG = 64;

function typeMatches(srv: HostServer, c: HostClient, type: string): boolean {
  const t = type === 'slave' ? 'replica' : type;
  return clientType(srv, c) === t;
}

/**
 * Redis 7.0's flag letters, in its order (O/S M P x b t R B d c u A U r e);
 * N when none applies. S (replica), t R B (tracking), u (unblocked, only
 * inside one event-loop turn) and r (READONLY, cluster mode) have no state
 * here to show.
 */
function flagLetters(srv: HostServer, c: HostClient): string {
  const x = srv.engine.x;
  const flags = x.clientFlags(c.slot);
  let f = '';
  if (c.monitor) f += 'O';
  if (flags & CF_MASTER_FLAG) f += 'M';
  if ((c.subCount ?? 0) + (c.psubCount ?? 0) + (c.ssubCount ?? 0) > 0) f += 'P';
  // Also while EXEC runs its queue: Redis leaves MULTI once it has run it all.
  if (x.clientMultiCount(c.slot) >= 0) f += 'x';
  if (c.paused || c.blocked) f += 'b';
  if (flags & CF_DIRTY_CAS) f += 'd';
  if (c.closeAfterReply) f += 'c';
  if (c.closeAsap) f += 'A';
  if (c.unixSocket) f += 'U';
  if (c.noEvict) f += 'e';
  return f === '' ? 'N' : f;
}

/**
 * One CLIENT LIST / CLIENT INFO line, Redis 7.0's fields in Redis's order
 * (7.2's watch=, lib-name= and lib-ver= are not 7.0's). `self` is the client
 * asking: its current command's arguments count as argv-mem, and its qbuf
 * holds the whole read its command came in (Redis trims the query buffer
 * once the read's commands have run). A client blocked or held by CLIENT
 * PAUSE shows its waiting command as argv-mem, not qbuf, as Redis has
 * parsed it already.
 *
 * The memory figures are this server's own, not Redis's allocations:
 * qbuf-free is the room left in the engine's input buffer; argv-mem the
 * arguments' bytes (Redis's argv_len_sum; 4, EXEC's, while EXEC runs, as
 * Redis keeps EXEC's sum); multi-mem the queued requests' bytes (Redis adds
 * a pointer per argument); tot-mem what the engine holds for the
 * connection (clientMemory: input and argument buffers, MULTI queue, WATCH
 * list) plus the replies waiting to be written. Replies go straight to the
 * socket: there is no per-client reply buffer (rbs, rbp, obl), and what
 * waits is one block (oll).
 */
function clientLine(srv: HostServer, c: HostClient, self: HostClient | null, args: Buffer[], now: number): string {
  const x = srv.engine.x;
  const inExec = (x.clientFlags(c.slot) & CF_IN_EXEC) !== 0;
  const waiting = c.blocked ?? c.paused;
  const qbuf = c === self ? x.clientQbufHeld(c.slot) : x.clientQbuf(c.slot) - (waiting?.cmdBytes ?? 0);
  const qcap = x.clientQbufCap(c.slot);
  let argvMem = waiting?.argvMem ?? 0;
  if (c === self) argvMem = inExec ? 4 : args.reduce((n, a) => n + a.length, 0);
  const omem = c.pendingOut();
  const events = (c.socket && !c.socket.isPaused() ? 'r' : '') + (omem > 0 ? 'w' : '');
  const totMem = x.memClient(c.slot) + omem;
  const idle = c === self ? 0 : Math.floor((now - c.lastInteraction) / 1000);
  const cmd = x.clientLastCmd(c.slot);
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name}` +
    ` age=${Math.floor((now - c.createdAt) / 1000)} idle=${idle} flags=${flagLetters(srv, c)}` +
    ` db=${x.clientDb(c.slot)} sub=${c.subCount ?? 0} psub=${c.psubCount ?? 0} ssub=${c.ssubCount ?? 0}` +
    ` multi=${x.clientMultiCount(c.slot)} qbuf=${qbuf} qbuf-free=${qcap - qbuf} argv-mem=${argvMem}` +
    ` multi-mem=${x.clientMultiMem(c.slot)} rbs=0 rbp=0 obl=0 oll=${omem > 0 ? 1 : 0} omem=${omem} tot-mem=${totMem}` +
    ` events=${events} cmd=${cmd < 0 ? 'NULL' : COMMANDS[cmd].name} user=default redir=-1 resp=${x.clientProto(c.slot)}\n`;
}

/** Redis's catClientInfoString: the CLIENT LIST line without its newline (log lines). */
export function clientInfoString(srv: HostServer, c: HostClient): string {
  return clientLine(srv, c, null, [], Date.now()).slice(0, -1);
}

// ---- CLIENT ----------------------------------------------------------------------

// CLIENT ID — integer: this connection's id.
function cmdClientId(_srv: HostServer, c: HostClient, _args: Buffer[], r: Reply): void {
  r.int(c.id);
}

// CLIENT INFO — verbatim string: this connection's CLIENT LIST line.
function cmdClientInfo(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  r.verbatim(clientLine(srv, c, c, args, Date.now()));
}

// CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id [id ...]] — verbatim
// string, one line per client. Redis 7.0 takes one filter: TYPE with exactly
// one name, or ID with one or more ids (non-positive ids match nothing).
function cmdClientList(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  let type: string | null = null;
  let ids: Set<number> | null = null;
  if (args.length === 4 && optText(args[2]) === 'type') {
    type = optText(args[3]);
    if (!CLIENT_TYPES.has(type)) {
      r.error(`ERR Unknown client type '${args[3].toString('latin1')}'`);
      return;
    }
  } else if (args.length >= 4 && optText(args[2]) === 'id') {
    ids = new Set();
    for (let j = 3; j < args.length; j++) {
      const v = parseStrictI64(args[j]);
      if (v === null) { r.error(E_INVALID_ID); return; }
      ids.add(Number(v));
    }
  } else if (args.length !== 2) {
    r.error(E_SYNTAX);
    return;
  }
  const now = Date.now();
  let text = '';
  for (const o of srv.clients.values()) {
    if (type !== null && !typeMatches(srv, o, type)) continue;
    if (ids !== null && !ids.has(o.id)) continue;
    text += clientLine(srv, o, c, args, now);
  }
  r.verbatim(text);
}

// CLIENT GETNAME — bulk string, or null when unnamed.
function cmdClientGetname(_srv: HostServer, c: HostClient, _args: Buffer[], r: Reply): void {
  if (c.name === '') r.nullBulk();
  else r.bulk(c.name);
}

// CLIENT SETNAME name — OK; an empty name removes it.
function cmdClientSetname(_srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  const err = validateClientName(args[2]);
  if (err) { r.error(err); return; }
  c.name = args[2].toString('latin1');
  r.ok();
}

// CLIENT SETINFO LIB-NAME|LIB-VER value — OK. Redis 7.2's command, taken
// here because ioredis and node-redis send it on every connect.
function cmdClientSetinfo(_srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  const attr = args[2].toString('latin1');
  const which = attr.toLowerCase();
  if (which !== 'lib-name' && which !== 'lib-ver') {
    r.error(`ERR Unrecognized option '${attr}'`);
    return;
  }
  if (validateClientName(args[3])) {
    r.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
    return;
  }
  if (which === 'lib-name') c.libName = args[3].toString('latin1');
  else c.libVer = args[3].toString('latin1');
  r.ok();
}

interface KillFilter {
  id: number; addr: string | null; laddr: string | null; type: string | null; user: string | null; skipme: boolean;
}

// CLIENT KILL ip:port — OK, or "No such client".
// CLIENT KILL <ID id | ADDR ip:port | LADDR ip:port | TYPE type | USER name |
//   SKIPME yes|no> ... — integer: how many were killed. SKIPME defaults to yes.
// A client killing itself gets its reply first, then is closed.
function cmdClientKill(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  const f: KillFilter = { id: 0, addr: null, laddr: null, type: null, user: null, skipme: true };
  if (args.length === 3) {
    f.addr = args[2].toString('latin1');
    f.skipme = false;
  } else {
    for (let i = 2; i < args.length; i += 2) {
      const opt = optText(args[i]);
      const val = args[i + 1];
      if (val === undefined) { r.error(E_SYNTAX); return; }
      const v = val.toString('latin1');
      if (opt === 'id') {
        const n = parseStrictI64(val);
        if (n === null || n < 1n) { r.error(E_KILL_ID); return; }
        f.id = Number(n);
      } else if (opt === 'type') {
        const t = v.toLowerCase();
        if (!CLIENT_TYPES.has(t)) { r.error(`ERR Unknown client type '${v}'`); return; }
        f.type = t;
      } else if (opt === 'addr') {
        f.addr = v;
      } else if (opt === 'laddr') {
        f.laddr = v;
      } else if (opt === 'user') {
        // Only the default user exists until ACLs do.
        if (v !== 'default') { r.error(`ERR No such user '${v}'`); return; }
        f.user = v;
      } else if (opt === 'skipme') {
        const y = v.toLowerCase();
        if (y !== 'yes' && y !== 'no') { r.error(E_SYNTAX); return; }
        f.skipme = y === 'yes';
      } else {
        r.error(E_SYNTAX);
        return;
      }
    }
  }
  let killed = 0;
  let killSelf = false;
  for (const o of [...srv.clients.values()]) {
    if (f.addr !== null && o.addr !== f.addr) continue;
    if (f.laddr !== null && o.laddr !== f.laddr) continue;
    if (f.type !== null && !typeMatches(srv, o, f.type)) continue;
    if (f.id !== 0 && o.id !== f.id) continue;
    if (o === c && f.skipme) continue;
    if (o === c) killSelf = true;
    else o.kill();
    killed++;
  }
  if (args.length === 3) {
    if (killed === 0) r.error(E_NO_SUCH_CLIENT);
    else r.ok();
  } else {
    r.int(killed);
  }
  if (killSelf) c.closeAfterReply = true;
}

// CLIENT REPLY ON|OFF|SKIP — OK for ON; OFF and SKIP reply nothing. SKIP
// silences the next command only (ignored while OFF).
function cmdClientReply(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  const x = srv.engine.x;
  const mode = optText(args[2]);
  const flags = x.clientFlags(c.slot);
  if (mode === 'on') {
    x.setClientFlags(c.slot, flags & ~(CF_REPLY_OFF | CF_REPLY_SKIP | CF_REPLY_SKIP_NEXT));
    r.ok();
  } else if (mode === 'off') {
    x.setClientFlags(c.slot, flags | CF_REPLY_OFF);
  } else if (mode === 'skip') {
    if (!(flags & CF_REPLY_OFF)) x.setClientFlags(c.slot, flags | CF_REPLY_SKIP_NEXT);
  } else {
    r.error(E_SYNTAX);
  }
}

// CLIENT NO-EVICT ON|OFF — OK.
function cmdClientNoEvict(_srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  const v = optText(args[2]);
  if (v === 'on') c.noEvict = true;
  else if (v === 'off') c.noEvict = false;
  else { r.error(E_SYNTAX); return; }
  r.ok();
}

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR] — 1 if the client was blocked on
// keys and is now answered (its timeout reply, or the UNBLOCKED error), else 0.
function cmdClientUnblock(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  let withError = false;
  if (args.length === 4) {
    const m = optText(args[3]);
    if (m === 'error') withError = true;
    else if (m !== 'timeout') { r.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR'); return; }
  }
  const id = parseStrictI64(args[2]);
  if (id === null) { r.error('ERR value is not an integer or out of range'); return; }
  const target = srv.clients.get(Number(id));
  r.int(target && srv.unblockClient(target, withError) ? 1 : 0);
}

// CLIENT PAUSE timeout [WRITE|ALL] — OK. Holds back every client's commands
// (or only those that write) for `timeout` ms; the mode is checked first.
function cmdClientPause(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  if (args.length > 4) { subcommandSyntaxError(r, 'CLIENT', args[1]); return; }
  let writesOnly = false;
  if (args.length === 4) {
    const m = optText(args[3]);
    if (m === 'write') writesOnly = true;
    else if (m !== 'all') { r.error(E_PAUSE_MODE); return; }
  }
  const t = parseStrictI64(args[2]);
  if (t === null) { r.error(E_TIMEOUT_INT); return; }
  if (t < 0n) { r.error(E_TIMEOUT_NEG); return; }
  srv.pauseClients(srv.clock.now() + Number(t), writesOnly);
  r.ok();
}

// CLIENT UNPAUSE — OK; held commands then run in arrival order.
function cmdClientUnpause(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  srv.unpauseClients();
  r.ok();
}

// Redis 7.0's CLIENT HELP text, word for word (it lists subcommands this
// server does not have yet, as the help of a 7.0 server does).
const CLIENT_HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];
// CLIENT HELP — array of status lines.
function cmdClientHelp(_srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  replyHelp(r, 'CLIENT', CLIENT_HELP);
}

// ---- MONITOR ---------------------------------------------------------------------

// MONITOR — OK, then every command the server runs, as status lines
// (host/monitor.ts). A second MONITOR on the same connection replies nothing.
function cmdMonitor(srv: HostServer, c: HostClient, _args: Buffer[], r: Reply): void {
  if (c.monitor) return;
  srv.monitors.add(c);
  r.ok();
}

export function register(): void {
  registerHost(CMD_CLIENT_ID, cmdClientId);
  registerHost(CMD_CLIENT_INFO, cmdClientInfo);
  registerHost(CMD_CLIENT_LIST, cmdClientList);
  registerHost(CMD_CLIENT_GETNAME, cmdClientGetname);
  registerHost(CMD_CLIENT_SETNAME, cmdClientSetname);
  registerHost(CMD_CLIENT_SETINFO, cmdClientSetinfo);
  registerHost(CMD_CLIENT_KILL, cmdClientKill);
  registerHost(CMD_CLIENT_REPLY, cmdClientReply);
  registerHost(CMD_CLIENT_NO_EVICT, cmdClientNoEvict);
  registerHost(CMD_CLIENT_PAUSE, cmdClientPause);
  registerHost(CMD_CLIENT_UNPAUSE, cmdClientUnpause);
  registerHost(CMD_CLIENT_UNBLOCK, cmdClientUnblock);
  registerHost(CMD_CLIENT_HELP, cmdClientHelp);
  registerHost(CMD_MONITOR, cmdMonitor);
}
