// Command lookup, the checks Redis makes before running a command (existence,
// arity, authentication), and the call into the family's handler or the
// hand-off to the host.

import {
  CMD_COUNT, CMD_NAMES, CMD_ARITY, CMD_FLAGS, CMD_HOST, CMD_CONTAINER, F_NO_AUTH,
  F_WRITE, F_READONLY, F_MAY_REPLICATE, F_NO_MULTI, F_DENYOOM, CMD_EXEC, CMD_DISCARD, CMD_MULTI, CMD_WATCH,
  CMD_QUIT, CMD_RESET, CMD_PING, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE, CMD_PSUBSCRIBE, CMD_PUNSUBSCRIBE,
  CMD_SSUBSCRIBE, CMD_SUNSUBSCRIBE, F_ALLOW_BUSY, F_LOADING,
} from "./table.gen";
import {
  Client, CF_AUTHED, CF_MONITOR, CF_MULTI, CF_DIRTY_EXEC, CF_IN_EXEC, CF_PUBSUB, CF_SCRIPT, CF_LOADER, argPtr, argLen, curArgc,
} from "../client";
import { memCalloc, memUsed } from "../ds/mem";
import { hashBytes } from "../ds/hash";
import { replyError, replyErrorBytes, replySimple, writeAscii, outMark } from "../resp/writer";
import {
  E_NOAUTH, E_MONITOR_KEYSPACE, E_NO_MULTI, E_OOM, E_OOM_HEAP, E_PUBSUB_CONTEXT_BEFORE, E_PUBSUB_CONTEXT_BEFORE_EXEC,
  E_PUBSUB_CONTEXT_AFTER, E_BUSY_EVAL, E_BUSY_FUNCTION,
} from "../resp/errors";
import { maxmemory, performEvictions } from "../db/evict";
import { heapWatch, heapRefusesCommand } from "../db/memstats";
import { authRequired } from "../resp/reader";
import { errorsSeen } from "../resp/stats";
import { discardTransaction } from "./multi";
import { dirty } from "../db/db";
import { callBegin, callEnd } from "../db/propagate";

export type Handler = () => void;

// A table entry marked "engine" without a registered handler is a build
// mistake; fail loudly in every build rather than leave the client waiting.
function cmdMissing(): void {
  abort("command has no engine handler");
}

export const handlers = new StaticArray<Handler>(CMD_COUNT);
for (let i = 0; i < CMD_COUNT; i++) handlers[i] = cmdMissing;

export function register(id: i32, fn: Handler): void {
  handlers[id] = fn;
}

// Per-command counters for INFO commandstats (usec is added by the host,
// which owns the clock).
export const statCalls = new StaticArray<u64>(CMD_COUNT);
export const statFailed = new StaticArray<u64>(CMD_COUNT);
export const statRejected = new StaticArray<u64>(CMD_COUNT);
export let statCommands: u64 = 0;

// ---- name lookup ------------------------------------------------------------
// Open addressing over lowercase names ("get", "object|encoding").

const NAME_MAX: usize = 64;
const LOOKUP_SIZE: u32 = 1024; // power of two, > 2 * CMD_COUNT
let lookupTab: usize = 0; // u32 slots of (id + 1), 0 = empty
let nameBytes: usize = 0; // NAME_MAX bytes per command
const scratch = memory.data(<i32>NAME_MAX * 2 + 2);

function nameAt(id: i32): usize { return nameBytes + <usize>id * NAME_MAX; }
function nameLen(id: i32): usize { return <usize>CMD_NAMES[id].length; }

export function initCommandLookup(): void {
  assert(<u32>CMD_COUNT * 2 < LOOKUP_SIZE);
  lookupTab = memCalloc(<usize>LOOKUP_SIZE << 2);
  nameBytes = memCalloc(<usize>CMD_COUNT * NAME_MAX);
  for (let id = 0; id < CMD_COUNT; id++) {
    const name = CMD_NAMES[id];
    const p = nameAt(id);
    for (let k = 0; k < name.length; k++) store<u8>(p + k, <u8>name.charCodeAt(k));
    let slot = hashBytes(p, name.length) & (LOOKUP_SIZE - 1);
    while (load<u32>(lookupTab + (<usize>slot << 2)) != 0) slot = (slot + 1) & (LOOKUP_SIZE - 1);
    store<u32>(lookupTab + (<usize>slot << 2), <u32>id + 1);
  }
}

/** Lowercases `len` bytes into scratch at `at`; false if too long for any name. */
function lowerInto(at: usize, ptr: usize, len: usize): bool {
  if (at + len > NAME_MAX) return false;
  for (let i: usize = 0; i < len; i++) {
    let b = load<u8>(ptr + i);
    if (b >= 65 && b <= 90) b += 32;
    store<u8>(scratch + at + i, b);
  }
  return true;
}

function findName(len: usize): i32 {
  let slot = hashBytes(scratch, len) & (LOOKUP_SIZE - 1);
  while (true) {
    const v = load<u32>(lookupTab + (<usize>slot << 2));
    if (v == 0) return -1;
    const id = <i32>v - 1;
    if (nameLen(id) == len && memory.compare(nameAt(id), scratch, len) == 0) return id;
    slot = (slot + 1) & (LOOKUP_SIZE - 1);
  }
}

// Pipelines repeat the same command: remember the last name exactly as the
// client spelled it, and skip lowercasing and hashing when it comes again.
const CACHE_MAX: usize = 24;
const cacheName = memory.data(<i32>CACHE_MAX);
let cacheLen: usize = 0;
let cacheId: i32 = -1;

/** The command id for a name (any case), or -1. */
export function lookupCommand(ptr: usize, len: usize): i32 {
  if (len == cacheLen && cacheId >= 0 && memory.compare(cacheName, ptr, len) == 0) return cacheId;
  if (!lowerInto(0, ptr, len)) return -1;
  const id = findName(len);
  if (id >= 0 && len <= CACHE_MAX) {
    memory.copy(cacheName, ptr, len);
    cacheLen = len;
    cacheId = id;
  }
  return id;
}

/** The subcommand id of container `parent` named by `ptr`, or -1. */
export function lookupSubcommand(parent: i32, ptr: usize, len: usize): i32 {
  const plen = nameLen(parent);
  memory.copy(scratch, nameAt(parent), plen);
  store<u8>(scratch + plen, 124); // '|'
  if (!lowerInto(plen + 1, ptr, len)) return -1;
  return findName(plen + 1 + len);
}

// ---- errors that quote the request ---------------------------------------------

const ERRBUF_MAX: usize = 1024;
const errBuf = memory.data(<i32>ERRBUF_MAX);
let errLen: usize = 0;

function errPutAscii(s: string): void {
  for (let i = 0; i < s.length && errLen < ERRBUF_MAX; i++) store<u8>(errBuf + errLen++, <u8>s.charCodeAt(i));
}
/** Appends at most `max` bytes, stopping at a NUL as Redis's "%.*s" does. */
function errPutBytes(ptr: usize, len: usize, max: usize): void {
  const n = len < max ? len : max;
  for (let i: usize = 0; i < n && errLen < ERRBUF_MAX; i++) {
    const b = load<u8>(ptr + i);
    if (b == 0) break;
    store<u8>(errBuf + errLen++, b);
  }
}

function replyUnknownCommand(): void {
  errLen = 0;
  errPutAscii("ERR unknown command '");
  errPutBytes(argPtr(0), argLen(0), 128);
  errPutAscii("', with args beginning with: ");
  // Redis appends "'arg' " while the list is under 128 bytes, each arg cut
  // to what is left of those 128.
  let argsLen: usize = 0;
  for (let i = 1; i < curArgc && argsLen < 128; i++) {
    const before = errLen;
    errPutAscii("'");
    errPutBytes(argPtr(i), argLen(i), 128 - argsLen);
    errPutAscii("' ");
    argsLen += errLen - before;
  }
  replyErrorBytes(errBuf, errLen);
}

function replyUnknownSubcommand(): void {
  errLen = 0;
  errPutAscii("ERR unknown subcommand '");
  errPutBytes(argPtr(1), argLen(1), 128);
  errPutAscii("'. Try ");
  const start = errLen;
  errPutBytes(argPtr(0), argLen(0), 128);
  for (let i = start; i < errLen; i++) {
    const b = load<u8>(errBuf + i);
    if (b >= 97 && b <= 122) store<u8>(errBuf + i, b - 32);
  }
  errPutAscii(" HELP.");
  replyErrorBytes(errBuf, errLen);
}

function replyPubsubContext(id: i32): void {
  errLen = 0;
  errPutAscii(id == CMD_EXEC ? E_PUBSUB_CONTEXT_BEFORE_EXEC : E_PUBSUB_CONTEXT_BEFORE);
  errPutAscii(CMD_NAMES[id]);
  errPutAscii(E_PUBSUB_CONTEXT_AFTER);
  replyErrorBytes(errBuf, errLen);
}

export function replyWrongArity(id: i32): void {
  replyError("ERR wrong number of arguments for '" + CMD_NAMES[id] + "' command");
}

/** What a RESP2 client may run while it has subscriptions (Redis's list). */
function allowedWhileSubscribed(id: i32): bool {
  return id == CMD_PING || id == CMD_SUBSCRIBE || id == CMD_UNSUBSCRIBE || id == CMD_PSUBSCRIBE ||
    id == CMD_PUNSUBSCRIBE || id == CMD_SSUBSCRIBE || id == CMD_SUNSUBSCRIBE || id == CMD_QUIT ||
    id == CMD_RESET;
}

// @ts-ignore: decorator
@inline function arityOk(id: i32, argc: i32): bool {
  const a = unchecked(CMD_ARITY[id]);
  return a >= 0 ? argc == a : argc >= -a;
}

export const DISPATCH_DONE: i32 = 0;
export const DISPATCH_HANDOFF: i32 = 1;
/** The command may not run now (CLIENT PAUSE); it was not consumed. */
export const DISPATCH_PAUSED: i32 = 2;
/** Inside MULTI: +QUEUED was replied; the caller appends the request to the queue. */
export const DISPATCH_QUEUED: i32 = 3;

// CLIENT PAUSE, set by the host: which commands must wait. Redis makes the
// check after the arity and auth checks, so a paused client still gets
// those errors at once.
export const PAUSE_NONE: i32 = 0;
export const PAUSE_WRITE: i32 = 1;
export const PAUSE_ALL: i32 = 2;
export let pauseMode: i32 = PAUSE_NONE;
export function setPauseMode(mode: i32): void { pauseMode = mode; }

// @ts-ignore: decorator
@inline function mustWait(id: i32, c: Client): bool {
  // WRITE mode holds back whatever could change the dataset or be
  // propagated (Redis: CMD_WRITE | CMD_MAY_REPLICATE, which covers EVAL,
  // PUBLISH...), and an EXEC whose queue holds such a command.
  const f = id == CMD_EXEC ? unchecked(CMD_FLAGS[id]) | c.multiFlags : unchecked(CMD_FLAGS[id]);
  return pauseMode == PAUSE_ALL || (pauseMode == PAUSE_WRITE && (f & (F_WRITE | F_MAY_REPLICATE)) != 0);
}

// A script running past busy-reply-threshold (set by the host while it
// lets other clients in): only ALLOW_BUSY commands run, the rest are
// refused with BUSY, as Redis's processCommand does. Which error depends on
// whether an EVAL or a function is running.
// stop-writes-on-bgsave-error: after a failed background save (with save
// points configured) the host sets this, and writes (and PING, as Redis)
// are refused with MISCONF until a save succeeds.
let diskError = false;
export function setDiskError(on: bool): void { diskError = on; }
// appendonly with a failed AOF write or fsync (until one succeeds): the
// same refusal with the AOF's own message (writeCommandsDeniedByDiskError).
let aofError: string = "";
// A plain flag for the hot check (a string compare would run per command).
let aofErrorOn = false;
export function setAofError(msg: string | null): void {
  aofErrorOn = msg != null;
  aofError = msg != null ? msg : "";
}
const E_MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
  "Commands that may modify the data set are disabled, because this instance is configured to report errors during " +
  "writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

// Loading an RDB file at startup: what Redis lets run while it loads
// (commands flagged `loading`: INFO, PING, CONFIG...) runs, the rest is
// refused with LOADING.
let loadingMode = false;
export function setLoadingMode(on: bool): void { loadingMode = on; }
const E_LOADING = "LOADING Redis is loading the dataset in memory";

export const BUSY_NONE: i32 = 0;
export const BUSY_EVAL: i32 = 1;
export const BUSY_FUNCTION: i32 = 2;
export let busyMode: i32 = BUSY_NONE;
export function setBusyMode(mode: i32): void { busyMode = mode; }

/** The command id of the last dispatched command (subcommand id for containers). */
export let lastCmd: i32 = -1;
/** Whether the last command was refused before it ran (arity, auth, ...). */
export let lastRejected: bool = false;

/**
 * Runs the current command (args bound in client.ts). Returns
 * DISPATCH_HANDOFF when the host must run it, DISPATCH_PAUSED when a
 * CLIENT PAUSE holds it back (nothing replied, nothing counted).
 */
/** A command refused before running; inside MULTI it makes EXEC fail (Redis's flagTransaction). */
function refused(c: Client): i32 {
  if ((c.flags & CF_MULTI) != 0) c.flags |= CF_DIRTY_EXEC;
  return DISPATCH_DONE;
}

/** Commands that run at once inside MULTI instead of being queued. */
function runsInMulti(id: i32): bool {
  return id == CMD_EXEC || id == CMD_DISCARD || id == CMD_MULTI || id == CMD_WATCH ||
    id == CMD_QUIT || id == CMD_RESET;
}

// Past the lookup `id` is a valid command id, so the hot path's table reads
// skip the bounds checks (unchecked): a check each, and a call each, as the
// checked accessors are not inlined, were a tenth of a GET's engine time.
export function dispatch(c: Client): i32 {
  const argc = curArgc;
  let id = lookupCommand(argPtr(0), argLen(0));
  lastCmd = -1;
  lastRejected = true;
  if (id < 0) {
    replyUnknownCommand();
    return refused(c);
  }
  if (unchecked(CMD_CONTAINER[id]) && argc >= 2) {
    const sub = lookupSubcommand(id, argPtr(1), argLen(1));
    if (sub < 0) {
      statRejected[id]++;
      replyUnknownSubcommand();
      return refused(c);
    }
    id = sub;
  }
  lastCmd = id;
  if (!arityOk(id, argc)) {
    statRejected[id]++;
    if (id == CMD_EXEC) {
      // A refused EXEC ends the transaction, saying why (execCommandAbort).
      replyError("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command");
      if ((c.flags & CF_MULTI) != 0) discardTransaction(c);
      return DISPATCH_DONE;
    }
    replyWrongArity(id);
    return refused(c);
  }
  if (authRequired && (c.flags & CF_AUTHED) == 0 && (unchecked(CMD_FLAGS[id]) & F_NO_AUTH) == 0) {
    statRejected[id]++;
    replyError(E_NOAUTH);
    return refused(c);
  }
  // RESP2 has no way to tell a message from a reply, so a subscriber may
  // only manage its subscriptions; RESP3 pushes make any command safe. The
  // commands of an EXEC are not checked again (Redis's exec calls them
  // directly): a queued SUBSCRIBE does not refuse the commands after it.
  if ((c.flags & (CF_PUBSUB | CF_IN_EXEC)) == CF_PUBSUB && c.proto == 2 && !allowedWhileSubscribed(id)) {
    statRejected[id]++;
    replyPubsubContext(id);
    // A refused EXEC ends the transaction and forgets watched keys, in
    // MULTI or not (execCommandAbort).
    if (id == CMD_EXEC) discardTransaction(c);
    return refused(c);
  }
  if ((c.flags & CF_MONITOR) != 0 && (unchecked(CMD_FLAGS[id]) & (F_WRITE | F_READONLY | F_MAY_REPLICATE)) != 0) {
    statRejected[id]++;
    replyError(E_MONITOR_KEYSPACE);
    return refused(c);
  }
  const inMulti = (c.flags & CF_MULTI) != 0;
  if (inMulti && (unchecked(CMD_FLAGS[id]) & F_NO_MULTI) != 0) {
    statRejected[id]++;
    replyError(E_NO_MULTI);
    return refused(c);
  }
  // maxmemory: evict first; if still over, refuse what would add data (and,
  // inside MULTI, any queuing but EXEC/DISCARD/QUIT/RESET, as Redis). Not
  // while a busy script holds the server (Redis skips it inside a yielding
  // command), nor for a script's own commands: EVAL was checked, and a
  // script's first write is checked by the host (scriptVerifyOOM).
  if (maxmemory != 0 && (c.flags & (CF_IN_EXEC | CF_SCRIPT | CF_LOADER)) == 0 && busyMode == BUSY_NONE && !performEvictions()) {
    const denyoom = (unchecked(CMD_FLAGS[id]) & F_DENYOOM) != 0 ||
      (id == CMD_EXEC && (c.multiFlags & F_DENYOOM) != 0) ||
      (inMulti && id != CMD_EXEC && id != CMD_DISCARD && id != CMD_QUIT && id != CMD_RESET);
    if (denyoom) {
      statRejected[id]++;
      replyError(E_OOM);
      return refused(c);
    }
  }
  // wasm32's 4 GiB: refuse what would add data before the allocator runs
  // out of room, whatever maxmemory says (db/memstats.ts, the heap ceiling).
  if (memUsed() >= heapWatch && (c.flags & CF_IN_EXEC) == 0 && heapRefusesCommand(c, id)) {
    statRejected[id]++;
    replyError(E_OOM_HEAP);
    return refused(c);
  }
  if ((diskError || aofErrorOn) && (c.flags & (CF_IN_EXEC | CF_LOADER)) == 0 &&
      ((unchecked(CMD_FLAGS[id]) & F_WRITE) != 0 || (id == CMD_EXEC && (c.multiFlags & F_WRITE) != 0) || id == CMD_PING)) {
    statRejected[id]++;
    // The RDB's message first, as Redis checks it first.
    replyError(diskError ? E_MISCONF : aofError);
    return refused(c);
  }
  if (loadingMode && (unchecked(CMD_FLAGS[id]) & F_LOADING) == 0 && (c.flags & CF_LOADER) == 0) {
    statRejected[id]++;
    replyError(E_LOADING);
    return refused(c);
  }
  if (busyMode != BUSY_NONE && (c.flags & CF_SCRIPT) == 0 && (unchecked(CMD_FLAGS[id]) & F_ALLOW_BUSY) == 0) {
    statRejected[id]++;
    const busy = busyMode == BUSY_EVAL ? E_BUSY_EVAL : E_BUSY_FUNCTION;
    if (id == CMD_EXEC) {
      // Redis's rejectCommand ends the transaction saying why (execCommandAbort).
      replyError("EXECABORT Transaction discarded because of: " + busy);
      if ((c.flags & CF_MULTI) != 0) discardTransaction(c);
      return DISPATCH_DONE;
    }
    replyError(busy);
    return refused(c);
  }
  lastRejected = false;
  // The queued commands of an EXEC run as one: a pause holds the EXEC
  // itself when the queue writes, never a command in the middle. A
  // script's commands are not held either: its EVAL was.
  if (pauseMode != PAUSE_NONE && (c.flags & (CF_IN_EXEC | CF_SCRIPT)) == 0 && mustWait(id, c)) return DISPATCH_PAUSED;
  if (inMulti && !runsInMulti(id)) {
    replySimple("QUEUED");
    return DISPATCH_QUEUED;
  }
  if (unchecked(CMD_HOST[id])) return DISPATCH_HANDOFF;
  statCommands++;
  unchecked(statCalls[id] = statCalls[id] + 1);
  const errorsBefore = errorsSeen;
  const dirtyBefore = dirty;
  callBegin();
  unchecked(handlers[id])();
  // EXEC is never an op itself: its commands are, wrapped when more than one.
  // A successful EXEC leaves CF_IN_EXEC set: its queue's ops flush at endExec.
  callEnd(c.db, dirty != dirtyBefore, id != CMD_EXEC, (c.flags & (CF_IN_EXEC | CF_SCRIPT)) == 0);
  if (errorsSeen != errorsBefore) statFailed[id]++;
  // Evict again right away, so that the memory figure is back under the
  // limit after every command, not only before the next one (not in the
  // middle of a script, whose keys must stay until it ends).
  if (maxmemory != 0 && (c.flags & CF_SCRIPT) == 0) performEvictions();
  return DISPATCH_DONE;
}

/** A command that blocked did not run yet: it is counted when it completes. */
export function undoCallStats(id: i32): void {
  statCommands--;
  statCalls[id]--;
}

export function resetCommandStats(): void {
  for (let i = 0; i < CMD_COUNT; i++) {
    statCalls[i] = 0;
    statFailed[i] = 0;
    statRejected[i] = 0;
  }
}

export { outMark, writeAscii };
