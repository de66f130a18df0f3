// The RESP server: accepts connections, feeds each socket read to the engine
// in one `execute` call, runs handed-off commands in the host, and writes
// all replies of a read with one socket write.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  Engine, ST_HANDOFF, ST_CLOSE, ST_YIELD, ST_INPUT_FULL, ST_PAUSED, ST_BLOCKED, ST_READY, CF_REPLY_OFF, CF_REPLY_SKIP,
  CF_UNBLOCK_TIMEOUT, CF_UNBLOCK_ERROR, PAUSE_NONE, PAUSE_WRITE, PAUSE_ALL,
} from '../engine/engine.js';
import { Blocking } from '../host/blocking.js';

// notify-keyspace-events bits (assembly/db/notify.ts).
const NOTIFY_KEYSPACE = 1;
const NOTIFY_KEYEVENT = 2;
import { COMMANDS } from '../engine/commands.gen.js';
import { Config } from '../host/config.js';
import { Reply } from '../host/reply.js';
import { HostClient, HostServer, ServerStats, PendingReply, hostHandler } from '../host/context.js';
import { Scripting } from '../host/scripting/index.js';
import { registerHostCommands } from '../host/commands.js';
import { Cron } from './cron.js';
import { formatLogLine, logEnabled } from '../host/log.js';
import { MonitorFeed } from '../host/monitor.js';
import { noteCommandTime, noteEngineBatch, parseRequest, HOST_RUN } from '../host/timing.js';

export interface ServerOptions {
  config: Config;
  configFile?: string;
  engine?: Engine;
  log?: (level: string, msg: string) => void;
}


const kAdopted = Symbol('vermilion.adopted');
const kClient = Symbol('vermilion.client');

/** Starts (again) reading a socket, adopted or plain. */
function resumeReading(s: net.Socket): void {
  if (!(s as any)[kAdopted]) {
    s.resume();
    return;
  }
  const h = (s as any)._handle;
  if (h && !h.reading) {
    h.reading = true;
    h.readStart();
  }
}

const E_DENIED = 'DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. ' +
  'In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis ' +
  'you may adopt one of the following solutions: 1) Just disable protected mode sending the command \'CONFIG SET protected-mode no\' ' +
  'from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly ' +
  'accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the ' +
  'protected mode by editing the Redis configuration file, and setting the protected mode option to \'no\', and then restarting the server. ' +
  '3) If you started the server manually just for testing, restart it with the \'--protected-mode no\' option. 4) Setup a an ' +
  'authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start ' +
  'accepting connections from the outside.';

export class Server implements HostServer {
  engine: Engine;
  config: Config;
  clients = new Map<number, HostClient>();
  startedAt = Date.now();
  runId = randomBytes(20).toString('hex');
  port = 0;
  configFile: string;
  stats: ServerStats;
  private servers: net.Server[] = [];
  /** client-query-buffer-limit, cached: it is checked on every read. */
  private queryBufLimit = 1 << 30;
  /** Every adopted socket reads into this one buffer; its bytes are copied into the engine at once. */
  private readonly readBuf = Buffer.allocUnsafe(64 * 1024);
  /** Addresses given to listen() explicitly (tests), kept across a port change. */
  private listenHosts: string[] | undefined;
  private listening = false;
  private nextClientId = 1;
  private cron: Cron;
  private logSink: (level: string, msg: string) => void;
  private closed = false;
  monitors: MonitorFeed;
  /** Clients whose next command waits for CLIENT UNPAUSE, in arrival order. */
  private pausedClients: HostClient[] = [];
  private blocking!: Blocking;
  private servingReady = false;
  private pauseTimer: NodeJS.Timeout | null = null;
  onShutdown: (() => void) | null = null;
  scripting: Scripting | null = null;
  scriptingReady: Promise<Scripting>;
  /** Work put off while a script is suspended, which must look atomic: blocked clients' wake-ups. */
  private afterScript: (() => void)[] = [];

  constructor(opts: ServerOptions) {
    this.config = opts.config;
    this.configFile = opts.configFile ?? '';
    this.engine = opts.engine ?? new Engine({ databases: this.config.getInt('databases') });
    this.logSink = opts.log ?? ((level, msg) => {
      if (logEnabled(level, this.config.get('loglevel'))) process.stdout.write(formatLogLine(level, msg));
    });
    const n = COMMANDS.length;
    this.stats = {
      totalConnections: 0, rejectedConnections: 0, netInputBytes: 0, netOutputBytes: 0,
      commandUsec: new Float64Array(n), commandHostCalls: new Float64Array(n),
      commandHostFailed: new Float64Array(n), commandHostRejected: new Float64Array(n), hostErrors: new Map(),
      pausedUntil: 0, pauseWritesOnly: false,
    };
    registerHostCommands();
    // The Lua VM loads asynchronously; listen() waits for it, and a script
    // command that comes earlier waits for it too (cmd-scripting.ts).
    this.scriptingReady = Scripting.create(this);
    this.scriptingReady.then((sc) => { this.scripting = sc; },
      (err) => this.log('warning', `Lua scripting is unavailable: ${err?.message ?? err}`));
    this.applyEngineConfig();
    this.config.onChange(() => this.applyEngineConfig());
    this.config.onChange((name) => {
      if ((name === 'port' || name === 'bind') && this.listening) void this.rebind(name);
    });
    this.cron = new Cron(this);
    this.blocking = new Blocking(this.engine, (c) => this.unblockClient(c, false));
    this.monitors = new MonitorFeed(this);
  }

  /** Pushes the settings the engine enforces itself. */
  private applyEngineConfig(): void {
    const x = this.engine.x;
    this.queryBufLimit = this.config.getInt('client-query-buffer-limit');
    x.setMaxBulkLen(this.config.getInt('proto-max-bulk-len'));
    x.setRequirePass(this.config.get('requirepass') !== '' ? 1 : 0);
    const policy = this.config.get('maxmemory-policy');
    x.setEvictionBits(policy.includes('lfu') ? 1 : 0, this.config.getInt('lfu-log-factor'), this.config.getInt('lfu-decay-time'));
    x.setKeyspaceEvents(this.config.keyspaceEventFlags());
    const n = (name: string) => this.config.getInt(name);
    x.setEncodingLimits(n('list-max-listpack-size'), n('list-compress-depth'),
      n('hash-max-listpack-entries'), n('hash-max-listpack-value'), n('set-max-intset-entries'),
      n('zset-max-listpack-entries'), n('zset-max-listpack-value'));
  }

  log(level: 'debug' | 'verbose' | 'notice' | 'warning', msg: string): void {
    this.logSink(level, msg);
  }

  async listen(port = this.config.getInt('port'), hosts?: string[]): Promise<number> {
    await this.scriptingReady.catch(() => undefined);
    this.listenHosts = hosts;
    this.listening = true;
    const bound = await this.bindAll(port, hosts ?? this.config.bindAddresses());
    this.port = bound;
    this.cron.start();
    return bound;
  }

  /**
   * CONFIG SET port/bind: listen on the new address first, then close the
   * old listeners; existing connections stay. On failure the old listeners
   * keep serving (Redis refuses the CONFIG SET; we can only log, because
   * binding in Node completes after the reply).
   */
  private async rebind(what: string): Promise<void> {
    if (what === 'bind') this.listenHosts = undefined;
    const old = this.servers;
    this.servers = [];
    try {
      this.port = await this.bindAll(this.config.getInt('port'), this.listenHosts ?? this.config.bindAddresses());
      for (const s of old) s.close();
    } catch (err: any) {
      for (const s of this.servers) s.close();
      this.servers = old;
      this.log('warning', `Failed to ${what === 'port' ? 'listen on port' : 'bind to'} the new address: ${err?.message ?? err}`);
    }
  }

  private async bindAll(port: number, binds: string[]): Promise<number> {
    const addrs = binds.map((h) => h.replace(/^-/, ''));
    // Redis's default "* -::*": all IPv4, and IPv6 when available.
    const targets = addrs.map((a) => (a === '*' ? '0.0.0.0' : a === '::*' ? '::' : a));
    let bound = port;
    for (const [i, host] of targets.entries()) {
      const optional = binds[i].startsWith('-');
      const srv = net.createServer({ noDelay: true, pauseOnConnect: true }, (s) => this.accept(this.adopt(s)));
      try {
        bound = await new Promise<number>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ port: bound, host, ipv6Only: host === '::' }, () => {
            srv.off('error', reject);
            resolve((srv.address() as net.AddressInfo).port);
          });
        });
        this.servers.push(srv);
      } catch (err) {
        if (!optional) throw err;
      }
    }
    return bound;
  }

  private accept(socket: net.Socket): void {
    const maxclients = this.config.getInt('maxclients');
    this.stats.totalConnections++;
    if (this.clients.size >= maxclients) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    if (this.deniedByProtectedMode(socket)) {
      socket.end(`-${E_DENIED}\r\n`);
      return;
    }
    const keepalive = this.config.getInt('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    socket.setNoDelay(true);
    const slot = this.engine.x.newClient();
    const now = Date.now();
    const c: HostClient = {
      slot, id: this.nextClientId++, name: '',
      addr: `${socket.remoteAddress?.replace(/^::ffff:/, '')}:${socket.remotePort}`,
      laddr: `${socket.localAddress?.replace(/^::ffff:/, '')}:${socket.localPort}`,
      fd: (socket as any)._handle?.fd ?? -1,
      createdAt: now, lastInteraction: now, socket, lastCmd: 'NULL',
      monitor: false, noEvict: false, closeAfterReply: false,
      pendingOut: () => socket.writableLength,
      kill: () => this.closeClient(c),
    };
    this.clients.set(c.id, c);
    if ((socket as any)[kAdopted]) (socket as any)[kClient] = c;
    else socket.on('data', (chunk: Buffer) => this.onData(c, chunk, chunk.length));
    socket.on('error', () => this.closeClient(c));
    socket.on('close', () => this.closeClient(c));
    socket.on('drain', () => {
      c.readPaused = false;
      resumeReading(socket);
    });
    resumeReading(socket);
  }

  /**
   * Moves an accepted connection's handle into a socket that reads with
   * `onread` (Node's documented user-buffer mode): each read lands in one
   * shared buffer and goes straight to the engine, skipping the Readable
   * stream machinery, which is most of the host's cost when a read holds a
   * single command. Falls back to the plain socket if the handle is not
   * where Node keeps it.
   */
  private adopt(orig: net.Socket): net.Socket {
    const handle = (orig as any)._handle;
    if (!handle || typeof handle.readStart !== 'function') return orig;
    (orig as any)._handle = null;
    orig.destroy();
    const s: net.Socket = new net.Socket({
      handle,
      onread: { buffer: this.readBuf, callback: (n: number, buf: Buffer) => this.onRead(s, n, buf) },
    } as net.SocketConstructorOpts);
    (s as any)[kAdopted] = true;
    return s;
  }

  /** onread callback: false tells Node to stop reading (output backpressure). */
  private onRead(s: net.Socket, n: number, buf: Buffer): boolean {
    const c: HostClient | undefined = (s as any)[kClient];
    if (!c) return true;
    this.onData(c, buf, n);
    return !c.readPaused;
  }

  /**
   * Redis 7.0's protected mode: with no password for the default user, only
   * loopback clients may connect, whatever `bind` says.
   */
  private deniedByProtectedMode(socket: net.Socket): boolean {
    if (!this.config.getBool('protected-mode') || this.config.get('requirepass') !== '') return false;
    const addr = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    return !(addr === '::1' || addr.startsWith('127.') || addr === '');
  }

  private closeClient(c: HostClient): void {
    if (!c.socket) return;
    const s = c.socket;
    c.socket = null;
    this.clients.delete(c.id);
    this.monitors.remove(c);
    this.blocking.unblock(c);
    const waiting = this.pausedClients.indexOf(c);
    if (waiting >= 0) this.pausedClients.splice(waiting, 1);
    this.engine.x.freeClient(c.slot);
    s.destroy();
  }

  private onData(c: HostClient, chunk: Uint8Array, n: number): void {
    // After QUIT or a protocol error nothing more is run, as in Redis.
    if (!c.socket || c.closeAfterReply) return;
    const now = Date.now();
    c.lastInteraction = now;
    this.stats.netInputBytes += n;
    const engine = this.engine;
    // A paused client's bytes still go into its input (as Redis keeps
    // reading into the query buffer); the engine stops again at the same
    // command while the pause lasts.
    const t0 = performance.now();
    let st: number;
    // While this client's script runs suspended, its next commands wait.
    if (c.held) {
      c.held.push(Buffer.from(chunk.subarray(0, n)));
      if (c.held.reduce((a, b) => a + b.length, 0) > this.queryBufLimit) {
        this.log('warning', `Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`);
        this.closeClient(c);
      }
      return;
    }
    try {
      // A blocked client's next commands wait in its input, unread, as in
      // Redis; the blocking command runs again when the client is woken.
      if (c.blocked) {
        if (engine.append(c.slot, chunk, n) === ST_INPUT_FULL || engine.x.clientQbuf(c.slot) > this.queryBufLimit) {
          this.log('warning', `Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`);
          this.closeClient(c);
        }
        return;
      }
      st = engine.feed(c.slot, chunk, now, n);
    } catch (err) {
      this.engineFailed(c, err);
      return;
    }
    if (st === ST_INPUT_FULL || engine.x.clientQbuf(c.slot) > this.queryBufLimit) {
      this.log('warning', `Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`);
      this.closeClient(c);
      return;
    }
    this.drive(c, st, t0);
  }

  /** Runs the client's input from an execute() status to the end of what can run now. */
  private drive(c: HostClient, st: number, t0: number, out: Buffer[] = []): void {
    const engine = this.engine;
    let ready = false;
    let suspended = false;
    try {
      // A woken client that did not block again is served: forget its wait.
      if (c.blocked && st !== ST_BLOCKED) this.blocking.unblock(c);
      for (;;) {
        const o = engine.takeOutput();
        if (o) out.push(o);
        this.account(c, t0, st === ST_HANDOFF, out);
        if (st === ST_HANDOFF) {
          if (!this.runHostCommand(c, out)) {
            suspended = true;
            break;
          }
          if (c.closeAfterReply || !c.socket) break;
        } else if (st === ST_BLOCKED) {
          if (!c.blocked) {
            const { keys, deadline } = engine.blockedOn();
            this.blocking.block(c, engine.x.clientDb(c.slot), keys, deadline);
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
          if (st === ST_PAUSED && !this.pausedClients.includes(c)) this.pausedClients.push(c);
          if (st === ST_CLOSE) c.closeAfterReply = true;
          break;
        }
        // After a hand-off, or when the engine yielded with large output:
        // each execute() is timed on its own.
        t0 = performance.now();
        st = engine.resume(c.slot, Date.now());
      }
    } catch (err) {
      this.engineFailed(c, err);
      return;
    }
    this.write(c, out);
    if (suspended) return;
    if (ready || this.blocking.count > 0) this.serveReady();
    this.publishKeyspaceEvents();
  }

  /**
   * A script is in progress while something else runs: it went on past
   * busy-reply-threshold and gave the event loop a turn. Nothing that could
   * interleave with it (serving blocked clients, publishing its keyspace
   * events, expiring keys) happens until it ends.
   */
  scriptSuspended(): boolean {
    return this.scripting?.running != null;
  }

  /** A host command answered after a pause (a busy script): reply, then go on with the client's input. */
  private hostCommandDone(c: HostClient, id: number, args: Buffer[], r: Reply, t0: number): void {
    const held = c.held ?? [];
    c.held = undefined;
    if (c.socket) {
      const out: Buffer[] = [];
      this.finishHostCommand(c, id, args, r, t0, out);
      const t1 = performance.now();
      let st: number;
      try {
        st = this.engine.resume(c.slot, Date.now());
      } catch (err) {
        this.engineFailed(c, err);
        return;
      }
      this.drive(c, st, t1, out);
      for (const chunk of held) {
        if (!c.socket || c.closeAfterReply) break;
        this.onData(c, chunk, chunk.length);
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
   * Publishes the keyspace events the engine recorded (notify-keyspace-events)
   * on __keyspace@<db>__:<key> and __keyevent@<db>__:<event>, as configured.
   */
  publishKeyspaceEvents(): void {
    if (this.scriptSuspended()) return;
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
  private serveReady(): void {
    if (this.servingReady || this.scriptSuspended()) return;
    this.servingReady = true;
    try {
      for (;;) {
        const keys = this.engine.takeReadyKeys();
        if (keys.length === 0) break;
        for (const k of keys) {
          for (const w of this.blocking.waitersOf(k)) {
            if (!w.blocked || !w.socket) continue;
            this.wake(w);
            if (w.blocked) break;
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
    const t0 = performance.now();
    let st: number;
    try {
      st = this.engine.resume(c.slot, Date.now());
    } catch (err) {
      this.engineFailed(c, err);
      return;
    }
    this.drive(c, st, t0);
  }

  blockedCount(): number { return this.blocking.count; }

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
   * The engine aborted: a bug, or a request it cannot hold (one reply over
   * its largest output block). Log it and drop that client; the server keeps
   * serving the others.
   */
  private engineFailed(c: HostClient, err: unknown): void {
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
  private account(c: HostClient, t0: number, handoff: boolean, out: Buffer[]): void {
    const batch = this.engine.batch();
    const n = batch.length >> 2;
    if (n === 0) return;
    let ran = 0;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const id = batch[i * 4];
      if (id >= 0 && !HOST_RUN[id]) {
        ran++;
        last = id;
      }
    }
    if (ran > 0) {
      const usec = ((performance.now() - t0) * 1000) / ran;
      const usecs = this.stats.commandUsec;
      for (let i = 0; i < n; i++) {
        const id = batch[i * 4];
        if (id >= 0 && !HOST_RUN[id]) usecs[id] += usec;
      }
      c.lastCmd = COMMANDS[last].name;
      noteEngineBatch(this, c, batch, n, usec, this.argsAt);
    }
    if (this.monitors.active) {
      for (let i = 0; i < n; i++) {
        if (handoff && i === n - 1) break;
        this.monitors.feedRaw(c, batch[i * 4], batch[i * 4 + 1], batch[i * 4 + 2], batch[i * 4 + 3], out);
      }
    }
  }

  /** Re-reads a command's arguments from the client's input (slow log only). */
  private readonly argsAt = (c: HostClient, start: number, end: number): Buffer[] =>
    parseRequest(this.engine.requestBytes(start, end));

  /** Runs the handed-off command; false if it answers later (PendingReply). */
  private runHostCommand(c: HostClient, out: Buffer[]): boolean {
    const engine = this.engine;
    const id = engine.x.handoffCmd();
    const args = engine.handoffArgs();
    const r = new Reply(engine.x.clientProto(c.slot));
    const fn = hostHandler(id);
    const t0 = performance.now();
    this.stats.commandHostCalls[id]++;
    // Set before running, as Redis does: CLIENT INFO reports itself.
    c.lastCmd = COMMANDS[id].name;
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
      c.held = [];
      pending.onDone(() => this.hostCommandDone(c, id, args, r, t0));
      return false;
    }
    this.finishHostCommand(c, id, args, r, t0, out);
    return true;
  }

  private finishHostCommand(c: HostClient, id: number, args: Buffer[], r: Reply, t0: number, out: Buffer[]): void {
    const engine = this.engine;
    const usec = (performance.now() - t0) * 1000;
    this.stats.commandUsec[id] += usec;
    // Host error replies count in INFO errorstats/commandstats like the engine's.
    for (const code of r.errorCodes) this.stats.hostErrors.set(code, (this.stats.hostErrors.get(code) ?? 0) + 1);
    if (r.errorCodes.length > 0 || r.failed) this.stats.commandHostFailed[id]++;
    noteCommandTime(this, c, id, usec, () => args);
    // The command closed its own connection (SHUTDOWN, CLIENT KILL of
    // itself): its engine slot is gone.
    if (!c.socket) return;
    const flags = engine.x.clientFlags(c.slot);
    if ((flags & (CF_REPLY_OFF | CF_REPLY_SKIP)) !== 0) {
      engine.x.setClientFlags(c.slot, flags & ~CF_REPLY_SKIP);
    } else if (!r.empty) {
      out.push(r.toBuffer());
    }
    if (this.monitors.active) this.monitors.feed(c, id, engine.x.clientDb(c.slot), args, out);
  }

  private write(c: HostClient, out: Buffer[]): void {
    const s = c.socket;
    if (!s) return;
    if (out.length > 0) {
      const buf = out.length === 1 ? out[0] : Buffer.concat(out);
      this.stats.netOutputBytes += buf.length;
      // Stop reading from a client that does not read its replies; 'drain'
      // starts it again.
      if (!s.write(buf)) {
        c.readPaused = true;
        if (!(s as any)[kAdopted]) s.pause();
      }
    }
    if (c.closeAfterReply) {
      s.end();
      this.closeClientLater(c);
    }
  }

  private closeClientLater(c: HostClient): void {
    const s = c.socket;
    if (!s) return;
    this.clients.delete(c.id);
    s.once('finish', () => this.closeClient(c));
    setTimeout(() => this.closeClient(c), 1000).unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scripting?.abort();
    this.cron.stop();
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    for (const c of [...this.clients.values()]) this.closeClient(c);
    await Promise.all(this.servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
  }

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
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    // setTimeout's limit is 2^31-1 ms; a longer pause re-arms on expiry.
    const wait = Math.min(Math.max(0, st.pausedUntil - Date.now()), 0x7fffffff);
    this.pauseTimer = setTimeout(() => this.pauseExpired(), wait);
    this.pauseTimer.unref();
  }

  get paused(): boolean { return this.stats.pausedUntil > 0; }

  private pauseExpired(): void {
    this.pauseTimer = null;
    const left = this.stats.pausedUntil - Date.now();
    if (left > 0) {
      this.pauseTimer = setTimeout(() => this.pauseExpired(), Math.min(left, 0x7fffffff));
      this.pauseTimer.unref();
      return;
    }
    this.unpauseClients();
  }

  /** CLIENT UNPAUSE (or the pause's end): runs the held commands in arrival order. */
  unpauseClients(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    this.stats.pausedUntil = 0;
    this.stats.pauseWritesOnly = false;
    this.engine.x.setClientPause(PAUSE_NONE);
    // Deferred so that the UNPAUSE reply goes out before the held commands'.
    setImmediate(() => this.resumePaused());
  }

  private resumePaused(): void {
    const waiting = this.pausedClients;
    this.pausedClients = [];
    for (const c of waiting) {
      if (!c.socket || c.closeAfterReply) continue;
      // A command run here may pause again; the rest then queue up anew.
      const t0 = performance.now();
      this.drive(c, this.engine.resume(c.slot, Date.now()), t0);
    }
  }

  /** Clients with a command held back by CLIENT PAUSE (CLIENT LIST flag b). */
  isPaused(c: HostClient): boolean { return this.pausedClients.includes(c); }

  shutdown(): void {
    this.log('warning', 'User requested shutdown...');
    void this.close().then(() => this.onShutdown?.());
  }
}
