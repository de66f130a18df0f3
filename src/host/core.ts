// The host core: one engine, its configuration, statistics, cron, and the
// command loop that runs a client's input through the engine and the host
// commands (hand-offs, blocking, CLIENT PAUSE, MONITOR, timing). The TCP
// server (src/server/server.ts) drives it from sockets; the embedded store
// (src/embedded/store.ts) drives it from API calls and in-process streams.
// Neither adds command semantics of its own: both answer exactly alike.
//
// A client's connection is a ClientSocket (context.ts). Everything written
// to a client goes through its output queue (`write`), including output
// that is not a reply to its own command (MONITOR lines, woken blocked
// commands); pub/sub messages write that queue out before their own.
import {
  Engine, CF_AUTHED, ST_OK, ST_HANDOFF, ST_CLOSE, ST_YIELD, ST_INPUT_FULL, ST_PAUSED, ST_BLOCKED, ST_READY, CF_REPLY_OFF, CF_REPLY_SKIP,
  CF_UNBLOCK_TIMEOUT, CF_UNBLOCK_ERROR, CF_IN_EXEC, CF_CLOSE, PAUSE_NONE, PAUSE_WRITE, PAUSE_ALL,
} from '../engine/engine.js';
import { Blocking } from './blocking.js';
import { COMMANDS } from '../engine/commands.gen.js';
import { Config } from './config.js';
import { Reply } from './reply.js';
import { ClientSocket, HostClient, HostServer, ServerStats, PendingReply, hostHandler } from './context.js';
import type { Scripting } from './scripting/index.js';
import { RdbState } from '../persistence/rdb.js';
import { AofState } from '../persistence/aof.js';
import { registerHostCommands } from './commands.js';
import { Cron } from './cron.js';
import { MonitorFeed } from './monitor.js';
import { PubSub } from './pubsub.js';
import { noteCommandTime, noteEngineBatch, noteEngineCommand, parseRequest, timingSettings, TimingSettings, HOST_RUN } from './timing.js';
import { Clock, realClock } from './clock.js';
import { randomHex } from './platform.js';
import { bytesToHuman as formatBytes } from './cmd-info.js';
import { OutputPool } from './outpool.js';

// maxmemory-policy names in the engine's numbering (assembly/db/evict.ts POLICY_*).
const EVICTION_POLICIES = ['noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-lfu',
  'allkeys-random', 'volatile-random', 'volatile-ttl'];

// notify-keyspace-events bits (assembly/db/notify.ts).
const NOTIFY_KEYSPACE = 1;
const NOTIFY_KEYEVENT = 2;

/** setImmediate where there is one (Node), else a microtask (a browser). */
const defer: (fn: () => void) => void = (globalThis as any).setImmediate ?? queueMicrotask;

/** Blocked commands whose waiters are all retried when their key is ready (serveReady). */
const STREAM_WAITS = new Set(['xread', 'xreadgroup']);

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

export interface CoreOptions {
  config: Config;
  configFile?: string;
  engine?: Engine;
  log?: (level: string, msg: string) => void;
  clock?: Clock;
}

/** Where a new client comes from (CLIENT LIST addr/laddr/fd). */
export interface ClientOrigin {
  addr: string;
  laddr: string;
  fd: number;
  /** Came through the `unixsocket` listener. */
  unixSocket?: boolean;
}

/** Queued output past which a client's replies are written without waiting for the end of the turn. */
const DEFER_MAX_BYTES = 16 * 1024;

// Node's global `performance` is a lazy accessor: read once, not per command.
const perf = globalThis.performance;

/** account()'s output list when nothing can be added to it (no MONITOR client). */
const NO_OUTPUT: Buffer[] = [];

/** The table's names by id, one array (the table's entries differ in shape). */
const COMMAND_NAMES: string[] = COMMANDS.map((m) => m.name);

/**
 * The HostClient fields set only later (pub/sub, blocking, output queues),
 * present from the start: clients made with all their fields share one
 * object shape, so the per-request code reading them stays monomorphic
 * instead of meeting a new shape for every order fields were added in.
 */
const LATER_FIELDS = {
  libName: undefined, libVer: undefined, readPaused: undefined, subCount: undefined, psubCount: undefined,
  ssubCount: undefined, blocked: undefined, pubsub: undefined, replyQueue: undefined, outQueue: undefined,
  outBytes: undefined, outListed: undefined, pushRuns: undefined, pushBytes: undefined, pushListed: undefined,
  closeAsap: undefined, obufSoftSince: undefined, suspended: undefined, held: undefined, paused: undefined,
} satisfies { [K in keyof HostClient]?: undefined };

export abstract class HostCore implements HostServer {
  engine: Engine;
  config: Config;
  clock: Clock;
  clients = new Map<number, HostClient>();
  startedAt: number;
  runId = randomHex(20);
  port = 0;
  configFile: string;
  stats: ServerStats;
  monitors: MonitorFeed;
  pubsub: PubSub;
  /** client-query-buffer-limit, cached: it is checked on every read. */
  protected queryBufLimit = 1 << 30;
  protected cron: Cron;
  protected blocking: Blocking;
  private logSink: (level: string, msg: string) => void;
  private nextClientId = 1;
  /** Clients whose next command waits for CLIENT UNPAUSE, in arrival order. */
  private pausedClients: HostClient[] = [];
  private servingReady = false;
  private pauseTimer: unknown = null;
  scripting: Scripting | null = null;
  rdb: RdbState;
  aof: AofState;
  /** Set once startup has loaded the data: CONFIG SET appendonly acts from then on. */
  aofReady = false;
  scriptingReady: Promise<Scripting> | null = null;
  /** Work put off while a script is suspended, which must look atomic: blocked clients' wake-ups. */
  private afterScript: (() => void)[] = [];
  /** Replies are written at the end of the event-loop turn (the TCP server). */
  protected deferWrites = false;
  private pendingWrites: HostClient[] = [];
  /** The timing settings, kept current by CONFIG SET, for the per-command path. */
  protected readonly timing: TimingSettings;
  private writesScheduled = false;

  constructor(opts: CoreOptions) {
    this.config = opts.config;
    this.configFile = opts.configFile ?? '';
    this.clock = opts.clock ?? realClock;
    this.startedAt = this.clock.now();
    this.engine = opts.engine ?? new Engine({ databases: this.config.getInt('databases') });
    this.logSink = opts.log ?? (() => {});
    const n = COMMANDS.length;
    this.stats = {
      totalConnections: 0, rejectedConnections: 0, netInputBytes: 0, netOutputBytes: 0,
      commandUsec: new Float64Array(n), commandHostCalls: new Float64Array(n),
      commandHostFailed: new Float64Array(n), commandHostRejected: new Float64Array(n), hostErrors: new Map(),
      pausedUntil: 0, pauseWritesOnly: false,
    };
    registerHostCommands();
    this.rdb = new RdbState(this);
    this.aof = new AofState(this);
    this.applyEngineConfig();
    this.warnAboutCeiling();
    this.config.onChange(() => this.applyEngineConfig());
    // CONFIG SET appendonly: yes starts the AOF with a rewrite (a base of
    // the dataset as it is), no stops appending.
    this.config.onChange((name) => {
      if (name !== 'appendonly' || !this.aofReady) return;
      if (this.config.getBool('appendonly')) this.aof.enable(); else this.aof.disable();
    });
    this.cron = new Cron(this);
    this.blocking = new Blocking(this.engine, this.clock, (c) => this.unblockClient(c, false));
    this.monitors = new MonitorFeed(this);
    this.pubsub = new PubSub(this);
    this.publish = (channel, message) => this.pubsub.publish(channel, message);
    this.timing = timingSettings(this);
  }

  /** Pushes the settings the engine enforces itself. */
  protected applyEngineConfig(): void {
    const x = this.engine.x;
    this.queryBufLimit = this.config.getInt('client-query-buffer-limit');
    x.setMaxBulkLen(this.config.getInt('proto-max-bulk-len'));
    x.setRequirePass(this.config.get('requirepass') !== '' ? 1 : 0);
    const policy = this.config.get('maxmemory-policy');
    x.setEvictionBits(policy.includes('lfu') ? 1 : 0, this.config.getInt('lfu-log-factor'), this.config.getInt('lfu-decay-time'));
    x.setKeyspaceEvents(this.config.keyspaceEventFlags());
    const maxmemory = Number(this.config.get('maxmemory'));
    x.setMaxmemory(maxmemory, EVICTION_POLICIES.indexOf(policy), this.config.getInt('maxmemory-samples'));
    if (this.appliedMaxmemory !== undefined && maxmemory !== this.appliedMaxmemory) this.warnAboutCeiling();
    this.appliedMaxmemory = maxmemory;
    // A shared integer cannot carry per-key access bits (Redis stops sharing).
    x.setSharedIntegers(maxmemory === 0 || !(policy.includes('lru') || policy.includes('lfu')) ? 1 : 0);
    // A lower limit applies at once, as Redis evicts on CONFIG SET.
    if (maxmemory > 0 && !x.evictNow()) {
      this.log('warning', 'WARNING: the new maxmemory value set via CONFIG SET is smaller than the current memory usage and no key can be evicted');
    }
    this.publishKeyspaceEvents();
    x.setRdbCompression(this.config.getBool('rdbcompression') ? 1 : 0);
    x.setLazyfree(this.config.getBool('lazyfree-lazy-expire') ? 1 : 0, this.config.getBool('lazyfree-lazy-eviction') ? 1 : 0,
      this.config.getBool('lazyfree-lazy-user-del') ? 1 : 0);
    this.rdb?.applyDiskError();
    const n = (name: string) => this.config.getInt(name);
    x.setEncodingLimits(n('list-max-listpack-size'), n('list-compress-depth'),
      n('hash-max-listpack-entries'), n('hash-max-listpack-value'), n('set-max-intset-entries'),
      n('zset-max-listpack-entries'), n('zset-max-listpack-value'));
    x.setHllSparseMaxBytes(n('hll-sparse-max-bytes'));
    x.setStreamNodeLimits(n('stream-node-max-bytes'), n('stream-node-max-entries'));
  }

  /**
   * Gives the core its Lua scripting (the Lua VM loads asynchronously:
   * the TCP server attaches it and waits before listening; the embedded
   * store has none, keeping Lua out of the browser bundle).
   */
  protected attachScripting(ready: Promise<Scripting>): void {
    this.scriptingReady = ready;
    ready.then((sc) => { this.scripting = sc; },
      (err) => this.log('warning', `Lua scripting is unavailable: ${err?.message ?? err}`));
  }

  /**
   * A script is in progress while something else runs: it went on past
   * busy-reply-threshold and gave the event loop a turn. Nothing that could
   * interleave with it (serving blocked clients, expiring keys, client
   * timeouts) happens until it ends. Its keyspace events are published as
   * its commands make them (CommandBridge), as Redis does.
   */
  scriptSuspended(): boolean {
    return this.scripting?.running != null;
  }

  canSuspend(c: HostClient): boolean {
    return c.socket !== null && this.canDefer(c);
  }

  log(level: LogLevel, msg: string): void {
    this.logSink(level, msg);
  }

  // ---- the 4 GiB ceiling ------------------------------------------------------------

  /** maxmemory as last pushed to the engine (undefined before the first push). */
  private appliedMaxmemory: number | undefined;
  /** Whether the engine was refusing writes at its heap ceiling at the last cron tick. */
  private heapRefusing = false;

  /**
   * One engine addresses 4 GiB at most (wasm32) and refuses writes near it
   * (assembly/db/memstats.ts): say so when maxmemory does not keep the
   * dataset beneath that, as Redis warns a 32-bit instance without a limit.
   */
  private warnAboutCeiling(): void {
    const x = this.engine.x;
    const maxmemory = Number(this.config.get('maxmemory'));
    const ceiling = x.heapCeilingBytes();
    const limit = formatBytes(x.heapLimitBytes());
    const advice = `Set maxmemory to ${formatBytes(ceiling * 0.8)} or less (with an eviction policy for a cache).`;
    if (maxmemory === 0) {
      this.log('warning', `WARNING: no maxmemory set. One engine addresses at most ${limit} (wasm32) ` +
        `and refuses writes with an OOM error once its data nears ${formatBytes(ceiling)}. ${advice}`);
    } else if (maxmemory > ceiling) {
      this.log('warning', `WARNING: maxmemory ${formatBytes(maxmemory)} is above what one engine can hold: it addresses at most ` +
        `${limit} (wasm32) and refuses writes once its data nears ${formatBytes(ceiling)}. ${advice}`);
    }
  }

  /** Cron: logs when the engine starts and stops refusing writes at its heap ceiling. */
  watchHeapCeiling(): void {
    const x = this.engine.x;
    const refusing = x.heapRefusingWrites() !== 0;
    if (refusing === this.heapRefusing) return;
    this.heapRefusing = refusing;
    if (refusing) {
      this.log('warning', `WARNING: the engine is near the end of its address space (${formatBytes(x.usedMemory())} in use, ` +
        `${formatBytes(x.heapRoomBytes())} of contiguous room left, ceiling ${formatBytes(x.heapCeilingBytes())} of ` +
        `${formatBytes(x.heapLimitBytes())}): write commands are refused with OOM until memory is freed. Set maxmemory to keep it lower.`);
    } else {
      this.log('notice', `The engine has room again (${formatBytes(x.usedMemory())} in use): write commands are accepted.`);
    }
  }

  /** True while CLIENT PAUSE holds commands (the cron expires nothing then). */
  get paused(): boolean { return this.stats.pausedUntil > 0; }

  // ---- clients -----------------------------------------------------------------

  /** Registers a connection: a new engine client slot and CLIENT ID. */
  protected addClient(socket: ClientSocket, origin: ClientOrigin): HostClient {
    const slot = this.engine.x.newClient();
    const now = this.clock.now();
    const c: HostClient = {
      slot, id: this.nextClientId++, name: '',
      addr: origin.addr, laddr: origin.laddr, fd: origin.fd, unixSocket: origin.unixSocket,
      createdAt: now, lastInteraction: now, socket, lastCmd: 'NULL',
      monitor: false, noEvict: false, closeAfterReply: false,
      pendingOut: () => socket.writableLength + (c.pushBytes ?? 0) + (c.outBytes ?? 0),
      kill: () => this.closeClient(c),
      ...LATER_FIELDS,
    };
    this.clients.set(c.id, c);
    return c;
  }

  /** Forgets a client and frees its engine slot; its socket is destroyed. */
  closeClient(c: HostClient): void {
    if (!c.socket) return;
    const s = c.socket;
    c.socket = null;
    this.clients.delete(c.id);
    this.monitors.remove(c);
    this.pubsub.dropClient(c);
    this.blocking.unblock(c);
    const waiting = this.pausedClients.indexOf(c);
    if (waiting >= 0) this.pausedClients.splice(waiting, 1);
    this.engine.x.freeClient(c.slot);
    s.destroy();
  }

  /**
   * After QUIT, a protocol error or CLIENT KILL of itself: ends the
   * connection once its last output is written. The server overrides this
   * to wait for the socket to flush.
   */
  protected endClient(c: HostClient): void {
    c.socket?.end();
    this.closeClient(c);
  }

  /** The client's socket did not take the output at once: stop reading it until it drains. */
  protected onBackpressure(c: HostClient): void {
    c.readPaused = true;
  }

  // ---- the command loop -----------------------------------------------------------

  /** Runs `n` bytes of `chunk` that arrived from client `c`. */
  onData(c: HostClient, chunk: Uint8Array, n: number): void {
    // After QUIT or a protocol error nothing more is run, as in Redis; nor
    // for a client being closed for its output buffer limit.
    if (!c.socket || c.closeAfterReply || c.closeAsap) return;
    // One clock read: the command's start (for its duration) and the time
    // the engine sees, as Redis's call() takes one ustime() for both.
    const t0 = perf.now();
    const now = this.wallAt(t0);
    c.lastInteraction = now;
    this.stats.netInputBytes += n;
    this.runInputAt(c, chunk, n, t0, now);
  }

  /** Unix ms at the perf.now() reading `t0`. */
  private wallAt(t0: number): number {
    const clock = this.clock;
    return clock.atPerf ? clock.atPerf(t0) : clock.now();
  }

  /** Runs input already accounted (a new read, or input held behind a script). */
  private runInput(c: HostClient, chunk: Uint8Array, n: number): void {
    const t0 = perf.now();
    this.runInputAt(c, chunk, n, t0, this.wallAt(t0));
  }

  private runInputAt(c: HostClient, chunk: Uint8Array, n: number, t0: number, now: number): void {
    const engine = this.engine;
    // A paused client's bytes still go into its input (as Redis keeps
    // reading into the query buffer); the engine stops again at the same
    // command while the pause lasts.
    let st: number;
    // Behind a suspended script inside an EXEC, input waits host-side (the
    // engine's input is the transaction's queue until the EXEC ends).
    if (c.held) {
      c.held.push(Buffer.from(chunk.subarray(0, n)));
      if (c.held.reduce((a, b) => a + b.length, 0) > this.queryBufLimit) this.closeOverInput(c, false);
      return;
    }
    try {
      // A blocked client's next commands wait in its input, unread, as in
      // Redis; the blocking command runs again when the client is woken.
      // So do the commands behind a host command that answers later (deferReply).
      if (c.blocked || c.suspended) {
        const full = engine.append(c.slot, chunk, n) === ST_INPUT_FULL;
        if (full || engine.x.clientQbuf(c.slot) > this.queryBufLimit) this.closeOverInput(c, full);
        return;
      }
      st = engine.feed(c.slot, chunk, now, n);
    } catch (err) {
      this.engineFailed(c, err);
      return;
    }
    this.afterExecute(c, st, t0);
  }

  /**
   * Goes on from an execute() status for input already in the client's
   * engine buffer (the embedded API writes its commands there itself).
   */
  afterExecute(c: HostClient, st: number, t0: number): void {
    if (st === ST_INPUT_FULL || this.engine.lastQbuf() > this.queryBufLimit) {
      this.closeOverInput(c, st === ST_INPUT_FULL);
      return;
    }
    this.drive(c, st, t0);
  }

  /** A client whose input the engine cannot (or may not) buffer: closed, as Redis closes one over its query buffer limit. */
  private closeOverInput(c: HostClient, engineRefused: boolean): void {
    if (engineRefused && this.engine.x.inputRefusedForRoom()) {
      this.log('warning', `Closing client whose request does not fit in the engine's address space (wasm32, ` +
        `${formatBytes(this.engine.x.heapRoomBytes())} of contiguous room left): id=${c.id} addr=${c.addr}`);
    } else {
      this.log('warning', `Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`);
    }
    this.closeClient(c);
  }

  /** Runs the client's input from an execute() status to the end of what can run now. */
  protected drive(c: HostClient, st: number, t0: number): void {
    const engine = this.engine;
    if (st === ST_OK && !c.blocked && !this.monitors.active && !(c.pushRuns && c.pushRuns.length > 0)) {
      // The usual read: its commands all ran in the engine, and nothing
      // else waits to go to c first. The general path below, without
      // gathering one reply in an array of its own.
      const o = engine.lastOutput(this.outPool);
      this.account(c, t0, false, NO_OUTPUT);
      if (o) this.enqueueReply(c, o);
      this.endWrite(c);
      if (this.blocking.count > 0) this.serveReady();
      if (engine.lastNotifyLen() > 0) this.publishKeyspaceEvents();
      return;
    }
    const out: Buffer[] = [];
    // Messages already queued for c go first; those published to it while
    // it runs queue behind its replies.
    this.pubsub.takePending(c, out);
    c.replyQueue = out;
    let ready = false;
    let handedOff = false;
    // Where the replies stop when a host command inside an EXEC closed its
    // own connection (CLIENT KILL of itself); -1 otherwise.
    let cut = -1;
    try {
      // A woken client that did not block again is served: forget its wait.
      if (c.blocked && st !== ST_BLOCKED) this.blocking.unblock(c);
      for (;;) {
        // What the execute() call just left (its record: engine.last*()).
        const o = engine.lastOutput(this.outPool);
        if (o) out.push(o);
        this.account(c, t0, st === ST_HANDOFF, out);
        if (st === ST_HANDOFF) {
          handedOff = true;
          this.runHostCommand(c, out);
          if (!c.socket || c.suspended) break;
          if (c.closeAfterReply) {
            if ((engine.x.clientFlags(c.slot) & CF_IN_EXEC) === 0) break;
            // As Redis: the rest of the transaction runs, unanswered, and
            // nothing after the EXEC is read (the engine stops at its end).
            engine.x.setClientFlags(c.slot, engine.x.clientFlags(c.slot) | CF_CLOSE);
            if (cut < 0) cut = out.length;
          }
        } else if (st === ST_BLOCKED) {
          if (!c.blocked) {
            const { keys, deadline } = engine.blockedOn();
            // As in Redis, a waiting client shows its command in CLIENT LIST
            // (cmd=, argv-mem=) while it waits.
            c.lastCmd = COMMAND_NAMES[engine.x.handoffCmd()];
            const argvMem = engine.handoffArgs().reduce((n, a) => n + a.length, 0);
            this.blocking.block(c, engine.x.clientDb(c.slot), keys, deadline, argvMem, engine.x.blockCmdLen());
          }
          break;
        } else if (st === ST_READY) {
          ready = true;
          // Redis serves blocked clients after each command, before the
          // next one of this client's pipeline runs.
          this.write(c, out.splice(0));
          this.serveReady();
          if (!c.socket || c.closeAfterReply) break;
        } else if (st !== ST_YIELD) {
          if (st === ST_PAUSED && !this.pausedClients.includes(c)) {
            this.pausedClients.push(c);
            c.paused = { argvMem: engine.handoffArgs().reduce((n, a) => n + a.length, 0), cmdBytes: engine.x.blockCmdLen() };
          }
          if (st === ST_CLOSE) c.closeAfterReply = true;
          break;
        }
        // After a hand-off, or when the engine yielded with large output:
        // each execute() is timed on its own.
        t0 = perf.now();
        st = engine.resume(c.slot, this.wallAt(t0));
      }
    } catch (err) {
      c.replyQueue = undefined;
      this.engineFailed(c, err);
      return;
    }
    c.replyQueue = undefined;
    if (cut >= 0) out.length = cut;
    this.write(c, out);
    if (ready || this.blocking.count > 0) this.serveReady();
    // Host commands may leave events too; otherwise the last record says.
    if (handedOff || engine.lastNotifyLen() > 0) this.publishKeyspaceEvents();
  }

  /**
   * Publishes the keyspace events the engine recorded (notify-keyspace-events)
   * on __keyspace@<db>__:<key> and __keyevent@<db>__:<event>, as configured.
   */
  publishKeyspaceEvents(): void {
    const events = this.engine.takeKeyspaceEvents();
    if (events.length === 0 || !this.publish) return;
    const flags = this.config.keyspaceEventFlags();
    for (const { db, event, key } of events) {
      if (flags & NOTIFY_KEYSPACE) {
        this.publish(Buffer.concat([Buffer.from(`__keyspace@${db}__:`), key]), Buffer.from(event));
      }
      if (flags & NOTIFY_KEYEVENT) this.publish(Buffer.from(`__keyevent@${db}__:${event}`), key);
    }
  }

  /** Delivers a message to a channel's subscribers (set by the pub/sub room); returns receivers. */
  publish: ((channel: Buffer, message: Buffer) => number) | null = null;

  /**
   * Retries the clients blocked on keys the engine signalled ready, first
   * arrival first. A client that blocks again found all its keys empty, so
   * the rest of that key's waiters are left waiting. Serving a client can
   * make more keys ready (BLMOVE pushes): loop until none are left.
   */
  protected serveReady(): void {
    if (this.servingReady || this.scriptSuspended()) return;
    this.servingReady = true;
    try {
      for (;;) {
        const ready = this.engine.takeReadyKeys();
        if (ready.length === 0) break;
        // A bare db number (SWAPDB) readies every key waited on in that db.
        const keys = ready.flatMap((k) => (k.includes(':') ? [k] : this.blocking.keysInDb(Number(k))));
        for (const k of keys) {
          for (const w of this.blocking.waitersOf(k)) {
            if (!w.blocked || !w.socket) continue;
            this.wake(w);
            // A list or sorted-set waiter that waits on found the key empty, so
            // the ones behind it would too. Not so for streams: an XREADGROUP
            // of another group, or any waiter of a stream key that was deleted
            // (which errors XREADGROUP clients only), may still be served.
            if (w.blocked && !STREAM_WAITS.has(w.lastCmd)) break;
          }
        }
      }
    } finally {
      this.servingReady = false;
    }
  }

  /** Runs a blocked client's command again (served, timed out or unblocked). */
  private wake(c: HostClient): void {
    if (this.scriptSuspended()) {
      this.afterScript.push(() => { if (c.blocked && c.socket) this.wake(c); });
      return;
    }
    this.resumeClient(c);
  }

  /** Lets the engine go on with a client where it stopped (engine.resume), timed, and handles the outcome. */
  private resumeClient(c: HostClient): void {
    const t0 = perf.now();
    let st: number;
    try {
      st = this.engine.resume(c.slot, this.clock.now());
    } catch (err) {
      this.engineFailed(c, err);
      return;
    }
    this.drive(c, st, t0);
  }

  blockedCount(): number { return this.blocking.count; }

  /** Whether a host command may answer this client later; the TCP server says yes (deferReply). */
  protected canDefer(_c: HostClient): boolean { return false; }

  deferReply(c: HostClient): ((r: Reply) => void) | null {
    const x = this.engine.x;
    if (!c.socket || !this.canDefer(c) || (x.clientFlags(c.slot) & CF_IN_EXEC) !== 0) return null;
    // CLIENT REPLY OFF/SKIP applies to this command, whenever it answers.
    const silent = (x.clientFlags(c.slot) & (CF_REPLY_OFF | CF_REPLY_SKIP)) !== 0;
    c.suspended = true;
    return (r: Reply) => {
      if (!c.suspended) return;
      c.suspended = false;
      if (!c.socket || c.closeAfterReply) return;
      if (!silent && !r.empty) this.write(c, [r.toBuffer()]);
      this.resumeClient(c);
    };
  }

  unblockClient(c: HostClient, withError: boolean): boolean {
    if (!c.blocked || !c.socket) return false;
    const x = this.engine.x;
    x.setClientFlags(c.slot, x.clientFlags(c.slot) | (withError ? CF_UNBLOCK_ERROR : CF_UNBLOCK_TIMEOUT));
    // Answered after the current command (CLIENT UNBLOCK may run inside an
    // EXEC, which nothing may interleave with), as Redis queues it for
    // beforeSleep. If a push serves it first, the engine drops the request.
    queueMicrotask(() => {
      if (c.blocked && c.socket) this.wake(c);
    });
    return true;
  }

  /**
   * Ends a client's wait at once with its timeout answer: for a caller
   * that cannot wait (the embedded API's synchronous calls), outside any
   * command, so nothing is interleaved.
   */
  timeOutNow(c: HostClient): void {
    if (!c.blocked || !c.socket) return;
    const x = this.engine.x;
    x.setClientFlags(c.slot, x.clientFlags(c.slot) | CF_UNBLOCK_TIMEOUT);
    this.wake(c);
  }

  /**
   * The engine aborted: a bug, or a request it cannot hold (one reply over
   * its largest output block). Log it and drop that client; the others
   * keep being served.
   */
  protected engineFailed(c: HostClient, err: unknown): void {
    this.log('warning', `Engine error while serving client id=${c.id} addr=${c.addr}: ${(err as Error)?.message ?? err}`);
    this.closeClient(c);
  }

  /**
   * Adds this execute() call's time to the engine commands it ran
   * (commandstats, latency, slow log) and shows them to MONITOR clients.
   * The engine does not time single commands, so each gets an equal share
   * of the call: exact for one command, an average over a pipelined batch.
   * Host command records are skipped for timing: a handed-off one is timed
   * exactly by runHostCommand (which also shows it to MONITOR after it has
   * run, as Redis does), any other was rejected before running.
   */
  protected account(c: HostClient, t0: number, handoff: boolean, out: Buffer[]): void {
    const engine = this.engine;
    const n = engine.lastBatchCount();
    if (n === 0) return;
    // The records are read in place (4 i32 each from `at`).
    const recs = engine.ints();
    const at = engine.lastBatchAt();
    if (n === 1 && !this.monitors.active) {
      // One command (every request at -P1): nothing allocated for it.
      this.accountOne(c, t0, recs, at);
      return;
    }
    let ran = 0;
    for (let i = 0; i < n; i++) {
      const id = recs[at + i * 4];
      if (id >= 0 && !HOST_RUN[id]) ran++;
    }
    if (ran > 0) {
      const usec = ((perf.now() - t0) * 1000) / ran;
      const usecs = this.stats.commandUsec;
      for (let i = 0; i < n; i++) {
        const id = recs[at + i * 4];
        if (id >= 0 && !HOST_RUN[id]) usecs[id] += usec;
      }
      noteEngineBatch(this, c, recs, at, n, usec, this.argsAt, this.timing);
    }
    if (this.monitors.active) {
      for (let i = 0; i < n; i++) {
        if (handoff && i === n - 1) break;
        const r = at + i * 4;
        this.monitors.feedRaw(c, recs[r], recs[r + 1], recs[r + 2], recs[r + 3], out);
      }
    }
  }

  /**
   * account() for a call that ran one command, with no MONITOR client:
   * `i32` views the engine's memory, `rec` is the batch record's i32 index.
   * Allocates nothing (the per-request path of the server and the embedded API).
   */
  protected accountOne(c: HostClient, t0: number, i32: Int32Array, rec: number): void {
    const id = i32[rec];
    // Refused before running (arity, auth), or a host command (timed by
    // runHostCommand): not timed here.
    if (id < 0 || HOST_RUN[id]) return;
    const usec = (perf.now() - t0) * 1000;
    this.stats.commandUsec[id] += usec;
    noteEngineCommand(this, c, id, i32[rec + 2], i32[rec + 3], usec, this.argsAt, this.timing);
  }

  /**
   * A host write command that succeeded (FUNCTION LOAD/DELETE/FLUSH/RESTORE)
   * propagates as itself, into the engine's stream so that it keeps its
   * place among the engine's ops (inside an EXEC, with them).
   */
  private propagateHostCommand(c: HostClient, args: Buffer[]): void {
    const x = this.engine.x;
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
    const bytes = Buffer.concat(parts);
    const p = x.hostArg(bytes.length) >>> 0;
    this.engine.bytes().set(bytes, p);
    x.propRaw(x.clientDb(c.slot), p, bytes.length, (x.clientFlags(c.slot) & CF_IN_EXEC) === 0 ? 1 : 0);
  }

  // ---- a client with no connection (AOF loading) --------------------------------------

  /** An authenticated client whose replies go nowhere: replays commands read from a file. */
  fakeClient(): HostClient {
    const x = this.engine.x;
    const slot = x.newClient();
    x.setClientFlags(slot, x.clientFlags(slot) | CF_AUTHED);
    const now = this.clock.now();
    const socket: ClientSocket = { write: () => true, writableLength: 0, isPaused: () => false, end: () => {}, destroy: () => {} };
    const c: HostClient = {
      slot, id: 0, name: '', addr: '', laddr: '', fd: -1,
      createdAt: now, lastInteraction: now, socket, lastCmd: 'NULL',
      monitor: false, noEvict: false, closeAfterReply: false,
      pendingOut: () => 0, kill: () => {},
      ...LATER_FIELDS,
    };
    return c;
  }

  dropFakeClient(c: HostClient): void {
    this.engine.x.freeClient(c.slot);
  }

  /**
   * Goes on with a fake client's input to its end: runs the host commands
   * it hands off, past yields and ready signals, dropping every reply.
   */
  runHandoffsQuietly(c: HostClient, st: number): number {
    for (;;) {
      this.engine.takeOutput();
      if (st === ST_HANDOFF) this.runHostCommand(c, []);
      else if (st !== ST_YIELD && st !== ST_READY) return st;
      st = this.engine.resume(c.slot, this.clock.now());
    }
  }

  /** Re-reads a command's arguments from the client's input (slow log only). */
  protected readonly argsAt = (c: HostClient, start: number, end: number): Buffer[] =>
    parseRequest(this.engine.requestBytes(start, end));

  protected runHostCommand(c: HostClient, out: Buffer[]): void {
    const engine = this.engine;
    const id = engine.x.handoffCmd();
    const args = engine.handoffArgs();
    const r = new Reply(engine.x.clientProto(c.slot));
    const fn = hostHandler(id);
    const t0 = perf.now();
    // Set before running, as Redis does: CLIENT INFO reports itself.
    c.lastCmd = COMMAND_NAMES[id];
    let pending: PendingReply | void = undefined;
    if (!fn) {
      r.error(`ERR command '${COMMANDS[id].name}' is not available`);
    } else {
      try {
        pending = fn(this, c, args, r);
      } catch (err: any) {
        this.log('warning', `host command ${COMMANDS[id].name} failed: ${err?.stack ?? err}`);
        r.error(`ERR ${err?.message ?? err}`);
      }
    }
    if (pending) {
      // A script went on past busy-reply-threshold: the client's next
      // commands wait (drive stops at `suspended`) until it answers.
      c.suspended = true;
      if ((engine.x.clientFlags(c.slot) & CF_IN_EXEC) !== 0) c.held = [];
      pending.onDone(() => this.hostCommandDone(c, id, args, r, t0));
      return;
    }
    this.finishHostCommand(c, id, args, r, t0, out);
  }

  /** Accounts a host command that has answered and queues its reply. */
  private finishHostCommand(c: HostClient, id: number, args: Buffer[], r: Reply, t0: number, out: Buffer[]): void {
    const engine = this.engine;
    const usec = (perf.now() - t0) * 1000;
    // Host error replies count in INFO errorstats/commandstats like the engine's.
    for (const code of r.errorCodes) this.stats.hostErrors.set(code, (this.stats.hostErrors.get(code) ?? 0) + 1);
    if (r.rejected) {
      // Not run (processCommand's refusal): neither a call nor timed, nor shown to MONITOR.
      this.stats.commandHostRejected[id]++;
    } else {
      // Counted once it has run, as Redis's call() does: INFO does not see
      // itself, CONFIG RESETSTAT counts itself after the reset.
      this.stats.commandHostCalls[id]++;
      this.stats.commandUsec[id] += usec;
      if (r.errorCodes.length > 0 || r.failed) this.stats.commandHostFailed[id]++;
      else if (this.aof.enabled && COMMANDS[id].command_flags?.includes('WRITE')) this.propagateHostCommand(c, args);
      noteCommandTime(this, c, id, usec, () => args);
    }
    // The command closed its own connection (SHUTDOWN, CLIENT KILL of
    // itself): its engine slot is gone.
    if (!c.socket) return;
    const flags = engine.x.clientFlags(c.slot);
    if ((flags & (CF_REPLY_OFF | CF_REPLY_SKIP)) !== 0) {
      engine.x.setClientFlags(c.slot, flags & ~CF_REPLY_SKIP);
      if (r.sendWhenOff && !r.empty) out.push(r.toBuffer());
    } else if (!r.empty) {
      out.push(r.toBuffer());
    }
    if (this.monitors.active && !r.rejected) this.monitors.feed(c, id, engine.x.clientDb(c.slot), args, out);
  }

  /** A host command that answered after a pause (a busy script): reply, then go on with the client's input. */
  private hostCommandDone(c: HostClient, id: number, args: Buffer[], r: Reply, t0: number): void {
    const held = c.held ?? [];
    c.held = undefined;
    c.suspended = false;
    // Accounted even if the client left meanwhile (its reply goes nowhere).
    const out: Buffer[] = [];
    this.finishHostCommand(c, id, args, r, t0, out);
    if (c.socket) this.write(c, out);
    if (c.socket && !c.closeAfterReply) {
      this.resumeClient(c);
      // Held again if a new script suspends.
      for (const chunk of held) {
        if (!c.socket || c.closeAfterReply || c.closeAsap) break;
        this.runInput(c, chunk, chunk.length);
      }
    }
    if (this.scriptSuspended()) return;
    const later = this.afterScript;
    this.afterScript = [];
    for (const f of later) f();
    this.serveReady();
    this.publishKeyspaceEvents();
  }

  /**
   * Queues a client's output. With `deferWrites` (the TCP server) the
   * queue is written once the event loop has run every read of this turn,
   * as Redis writes its clients' buffers in beforeSleep: one write per
   * client per turn, and the peers are woken after the work, not in the
   * middle of it. Otherwise it is written at once.
   */
  protected write(c: HostClient, out: Buffer[]): void {
    for (const b of out) this.enqueueReply(c, b);
    this.endWrite(c);
  }

  /** Queues one reply buffer for c (write() without its end: endWrite). */
  private enqueueReply(c: HostClient, b: Buffer): void {
    if (!c.socket || c.closeAsap) return;
    const q = (c.outQueue ??= []);
    q.push(b);
    c.outBytes = (c.outBytes ?? 0) + b.length;
  }

  /** After queuing replies: write them now or at the end of the turn, and close after QUIT. */
  private endWrite(c: HostClient): void {
    const s = c.socket;
    if (!s || c.closeAsap) return;
    if (c.outBytes) {
      // Large output, or a socket already backed up, is written at once:
      // the write's backpressure then stops reading this client before
      // the turn reads more of its pipeline.
      if (!this.deferWrites || c.closeAfterReply || c.outBytes >= DEFER_MAX_BYTES || s.writableLength > 0) {
        this.aof.beforeReply();
        this.writeQueued(c);
      } else {
        if (!c.outListed) {
          c.outListed = true;
          this.pendingWrites.push(c);
        }
        this.scheduleFlush();
      }
      this.pubsub.checkOutputLimit(c);
    }
    if (c.closeAfterReply) this.endClient(c);
  }

  send(c: HostClient, buf: Buffer): void { this.write(c, [buf]); }

  /** Runs flushWrites once the event loop has run every read of this turn. */
  scheduleFlush(): void {
    if (!this.writesScheduled) {
      this.writesScheduled = true;
      setImmediate(this.flushWrites);
    }
  }

  /**
   * The end of a turn (Redis's beforeSleep): the propagation stream reaches
   * the AOF (fsynced first under appendfsync always) before anything
   * leaves; then the replies (handleClientsWithPendingWrites), so a
   * publisher hears back before its messages are copied to every
   * subscriber; then the subscribers' messages, a keyspace notification
   * never ahead of the write it reports.
   */
  readonly flushWrites = (): void => {
    this.writesScheduled = false;
    this.aof.endOfTurn();
    const list = this.pendingWrites;
    this.pendingWrites = [];
    for (const c of list) this.writeQueued(c);
    this.pubsub.flush();
  };

  /** Writes c's queued replies now (before anything else is written to it). */
  writeQueued(c: HostClient): void {
    c.outListed = false;
    const q = c.outQueue;
    if (!q || q.length === 0) return;
    const s = c.socket;
    const pool = this.outPool;
    let buf: Buffer;
    if (q.length === 1) {
      buf = q[0];
    } else {
      buf = Buffer.concat(q, c.outBytes);
      for (const b of q) pool.give(b);
    }
    q.length = 0;
    c.outBytes = 0;
    if (!s || c.closeAsap) return;
    this.stats.netOutputBytes += buf.length;
    // Stop reading from a client that does not read its replies; its
    // socket's 'drain' starts it again.
    if (!s.write(buf)) this.onBackpressure(c);
    // Written out whole during write(): the socket keeps no reference.
    else if (s.writableLength === 0 && this.writesSynchronously(s)) pool.give(buf);
  }

  /** Large reply buffers, reused once written (outpool.ts). */
  protected readonly outPool = new OutputPool();

  /**
   * Whether a write() that leaves nothing queued has handed the bytes to
   * the kernel, keeping no reference to the buffer (plain TCP and unix
   * sockets; not TLS, not the embedded API's in-process sockets).
   */
  protected writesSynchronously(_s: ClientSocket): boolean { return false; }

  // ---- CLIENT PAUSE ----------------------------------------------------------

  /**
   * CLIENT PAUSE: holds back all commands, or only writes, until `untilMs`.
   * A second pause keeps the later end and the stricter mode, as Redis.
   */
  pauseClients(untilMs: number, writesOnly: boolean): void {
    const st = this.stats;
    const active = st.pausedUntil > 0;
    st.pauseWritesOnly = active ? st.pauseWritesOnly && writesOnly : writesOnly;
    st.pausedUntil = Math.max(active ? st.pausedUntil : 0, untilMs);
    this.engine.x.setClientPause(st.pauseWritesOnly ? PAUSE_WRITE : PAUSE_ALL);
    if (this.pauseTimer) this.clock.clearTimer(this.pauseTimer);
    this.pauseTimer = this.clock.setTimer(() => this.pauseExpired(), st.pausedUntil - this.clock.now());
  }

  private pauseExpired(): void {
    this.pauseTimer = null;
    const left = this.stats.pausedUntil - this.clock.now();
    if (left > 0) {
      this.pauseTimer = this.clock.setTimer(() => this.pauseExpired(), left);
      return;
    }
    this.unpauseClients();
  }

  /** CLIENT UNPAUSE (or the pause's end): runs the held commands in arrival order. */
  unpauseClients(): void {
    if (this.pauseTimer) this.clock.clearTimer(this.pauseTimer);
    this.pauseTimer = null;
    this.stats.pausedUntil = 0;
    this.stats.pauseWritesOnly = false;
    this.engine.x.setClientPause(PAUSE_NONE);
    // Deferred so that the UNPAUSE reply goes out before the held commands'.
    defer(() => this.resumePaused());
  }

  private resumePaused(): void {
    const waiting = this.pausedClients;
    this.pausedClients = [];
    for (const c of waiting) {
      c.paused = undefined;
      if (!c.socket || c.closeAfterReply) continue;
      // A command run here may pause again; the rest then queue up anew.
      this.resumeClient(c);
    }
  }

  /** Clients with a command held back by CLIENT PAUSE (CLIENT LIST flag b). */
  isPaused(c: HostClient): boolean { return this.pausedClients.includes(c); }

  /** Stops the cron and the pause timer and closes every client. */
  protected stopCore(): void {
    this.scripting?.abort();
    this.cron.stop();
    if (this.pauseTimer) this.clock.clearTimer(this.pauseTimer);
    this.pauseTimer = null;
    for (const c of [...this.clients.values()]) this.closeClient(c);
  }

  /**
   * Redis's prepareForShutdown, for SHUTDOWN and SIGTERM/SIGINT: its steps
   * and log lines in its order (children stopped, the AOF fsynced, the final
   * save when asked or when save points are set, unless NOSAVE), then
   * shutdown(). False, and the server stays up, when that save fails
   * without FORCE.
   */
  prepareForShutdown(opts: { save?: boolean; nosave?: boolean; force?: boolean } = {}): boolean {
    // Stopping while a dataset loads saves nothing, whatever was asked: the
    // half-loaded keys would replace the file being loaded (Redis forces NOSAVE).
    if (this.rdb.loading) opts = { ...opts, save: false, nosave: true };
    this.log('warning', 'User requested shutdown...');
    // A running BGSAVE or rewrite dies with the server (Redis kills its child): no temp file left.
    this.rdb.stopBgsave('shutdown', 'There is a child saving an .rdb. Killing it!');
    this.aof.stopRewrite('shutdown', false, 'There is a child rewriting the AOF. Killing it!');
    // What the AOF has not written yet is written and fsynced first, as Redis.
    if (this.aof.enabled) {
      this.log('notice', 'Calling fsync() on the AOF file.');
      this.aof.close();
    }
    if (!opts.nosave && (opts.save || this.rdb.hasSavePoints())) {
      this.log('notice', 'Saving the final RDB snapshot before exiting.');
      try {
        this.rdb.saveSync();
      } catch {
        if (!opts.force) {
          this.log('warning', 'Error trying to save the DB, can\'t exit.');
          this.log('warning', 'Errors trying to shut down the server. Check the logs for more information.');
          return false;
        }
        this.log('warning', 'Error trying to save the DB. Exit anyway.');
      }
    }
    this.shutdown();
    return true;
  }

  /** The end of a shutdown, once prepareForShutdown has saved: what stopping means depends on who runs the core. */
  abstract shutdown(): void;
}
