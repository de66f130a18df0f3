// The RESP server: accepts connections, feeds each socket read to the engine
// in one `execute` call, runs handed-off commands in the host, and writes
// all replies of a read with one socket write.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { Engine, ST_HANDOFF, ST_CLOSE, CF_REPLY_OFF, CF_REPLY_SKIP, CF_REPLY_SKIP_NEXT } from '../engine/engine.js';
import { COMMANDS } from '../engine/commands.gen.js';
import { Config } from '../host/config.js';
import { Reply } from '../host/reply.js';
import { HostClient, HostServer, ServerStats, hostHandler } from '../host/context.js';
import { registerHostCommands } from '../host/commands.js';
import { Cron } from './cron.js';
import { noteCommandTime, parseRequest } from '../host/timing.js';

export interface ServerOptions {
  config: Config;
  configFile?: string;
  engine?: Engine;
  log?: (level: string, msg: string) => void;
}

const LEVELS = ['debug', 'verbose', 'notice', 'warning'];

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
  private nextClientId = 1;
  private cron: Cron;
  private logSink: (level: string, msg: string) => void;
  private closed = false;
  onShutdown: (() => void) | null = null;

  constructor(opts: ServerOptions) {
    this.config = opts.config;
    this.configFile = opts.configFile ?? '';
    this.engine = opts.engine ?? new Engine({ databases: this.config.getInt('databases') });
    this.logSink = opts.log ?? ((level, msg) => {
      if (LEVELS.indexOf(level) >= LEVELS.indexOf(this.config.get('loglevel'))) {
        const d = new Date();
        process.stdout.write(`${process.pid}:M ${d.toUTCString()} ${level === 'warning' ? '#' : '*'} ${msg}\n`);
      }
    });
    const n = COMMANDS.length;
    this.stats = {
      totalConnections: 0, rejectedConnections: 0, netInputBytes: 0, netOutputBytes: 0,
      commandUsec: new Float64Array(n), commandHostCalls: new Float64Array(n),
      commandHostFailed: new Float64Array(n), hostErrors: new Map(), pausedUntil: 0, pauseWritesOnly: false,
    };
    registerHostCommands();
    this.applyEngineConfig();
    this.config.onChange(() => this.applyEngineConfig());
    this.cron = new Cron(this);
  }

  /** Pushes the settings the engine enforces itself. */
  private applyEngineConfig(): void {
    const x = this.engine.x;
    x.setMaxBulkLen(this.config.getInt('proto-max-bulk-len'));
    x.setRequirePass(this.config.get('requirepass') !== '' ? 1 : 0);
    const policy = this.config.get('maxmemory-policy');
    x.setEvictionBits(policy.includes('lfu') ? 1 : 0, this.config.getInt('lfu-log-factor'), this.config.getInt('lfu-decay-time'));
  }

  log(level: 'debug' | 'verbose' | 'notice' | 'warning', msg: string): void {
    this.logSink(level, msg);
  }

  async listen(port = this.config.getInt('port'), hosts?: string[]): Promise<number> {
    const binds = hosts ?? this.config.get('bind').split(/\s+/).filter(Boolean);
    const addrs = binds.map((h) => h.replace(/^-/, ''));
    // Redis's default "* -::*": all IPv4, and IPv6 when available.
    const targets = addrs.map((a) => (a === '*' ? '0.0.0.0' : a === '::*' ? '::' : a));
    let bound = port;
    for (const [i, host] of targets.entries()) {
      const optional = binds[i].startsWith('-');
      const srv = net.createServer({ noDelay: true }, (s) => this.accept(s));
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
    this.port = bound;
    this.cron.start();
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
    socket.on('data', (chunk: Buffer) => this.onData(c, chunk));
    socket.on('error', () => this.closeClient(c));
    socket.on('close', () => this.closeClient(c));
    socket.on('drain', () => socket.resume());
  }

  private closeClient(c: HostClient): void {
    if (!c.socket) return;
    const s = c.socket;
    c.socket = null;
    this.clients.delete(c.id);
    this.engine.x.freeClient(c.slot);
    s.destroy();
  }

  private onData(c: HostClient, chunk: Buffer): void {
    if (!c.socket) return;
    const now = Date.now();
    c.lastInteraction = now;
    this.stats.netInputBytes += chunk.length;
    const engine = this.engine;
    let t0 = process.hrtime.bigint();
    let st = engine.feed(c.slot, chunk, now);
    const out: Buffer[] = [];
    for (;;) {
      const o = engine.takeOutput();
      if (o) out.push(o);
      this.account(c, t0);
      if (st === ST_HANDOFF) {
        this.runHostCommand(c, out);
        if (c.closeAfterReply || !c.socket) break;
        // Each execute() is timed on its own; the host command timed itself.
        t0 = process.hrtime.bigint();
        st = engine.resume(c.slot, Date.now());
        continue;
      }
      if (st === ST_CLOSE) c.closeAfterReply = true;
      break;
    }
    this.write(c, out);
  }

  /**
   * Adds this execute() call's time to the engine commands it ran
   * (commandstats, latency, slow log). The engine does not time single
   * commands, so each gets an equal share of the call: exact for one command,
   * an average over a pipelined batch. Host command records are skipped:
   * a handed-off one is timed exactly by runHostCommand, any other was
   * rejected before running (arity, auth).
   */
  private account(c: HostClient, t0: bigint): void {
    const batch = this.engine.batch();
    const n = batch.length >> 2;
    if (n === 0) return;
    let ran = 0;
    for (let i = 0; i < n; i++) if (batch[i * 4] >= 0 && COMMANDS[batch[i * 4]].handler !== 'host') ran++;
    if (ran === 0) return;
    const usec = Number(process.hrtime.bigint() - t0) / 1000 / ran;
    for (let i = 0; i < n; i++) {
      const id = batch[i * 4];
      if (id >= 0 && COMMANDS[id].handler !== 'host') {
        this.stats.commandUsec[id] += usec;
        c.lastCmd = COMMANDS[id].name;
        const start = batch[i * 4 + 2];
        const end = batch[i * 4 + 3];
        noteCommandTime(this, c, id, usec, () => parseRequest(this.engine.inputSlice(c.slot, start, end)));
      }
    }
  }

  private runHostCommand(c: HostClient, out: Buffer[]): void {
    const engine = this.engine;
    const id = engine.x.handoffCmd();
    const args = engine.handoffArgs();
    const r = new Reply(engine.x.clientProto(c.slot));
    const fn = hostHandler(id);
    const t0 = process.hrtime.bigint();
    this.stats.commandHostCalls[id]++;
    if (!fn) {
      r.error(`ERR command '${COMMANDS[id].name}' is not available`);
    } else {
      try {
        fn(this, c, args, r);
      } catch (err: any) {
        this.log('warning', `host command ${COMMANDS[id].name} failed: ${err?.stack ?? err}`);
        r.error(`ERR ${err?.message ?? err}`);
      }
    }
    const usec = Number(process.hrtime.bigint() - t0) / 1000;
    this.stats.commandUsec[id] += usec;
    c.lastCmd = COMMANDS[id].name;
    // Host error replies count in INFO errorstats/commandstats like the engine's.
    for (const code of r.errorCodes) this.stats.hostErrors.set(code, (this.stats.hostErrors.get(code) ?? 0) + 1);
    if (r.errorCodes.length > 0) this.stats.commandHostFailed[id]++;
    noteCommandTime(this, c, id, usec, () => args);
    const flags = engine.x.clientFlags(c.slot);
    if ((flags & (CF_REPLY_OFF | CF_REPLY_SKIP)) !== 0) {
      engine.x.setClientFlags(c.slot, flags & ~CF_REPLY_SKIP);
      return;
    }
    if (!r.empty) out.push(r.toBuffer());
  }

  private write(c: HostClient, out: Buffer[]): void {
    const s = c.socket;
    if (!s) return;
    if (out.length > 0) {
      const buf = out.length === 1 ? out[0] : Buffer.concat(out);
      this.stats.netOutputBytes += buf.length;
      if (!s.write(buf)) s.pause();
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
    this.cron.stop();
    for (const c of [...this.clients.values()]) this.closeClient(c);
    await Promise.all(this.servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
  }

  shutdown(): void {
    this.log('warning', 'User requested shutdown...');
    void this.close().then(() => this.onShutdown?.());
  }
}
