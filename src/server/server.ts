// The RESP server: accepts connections and feeds each socket read to the
// host core (src/host/core.ts) in one `execute` call; the core runs
// handed-off commands and writes all replies of a read with one socket
// write. This file is only about sockets: listening, rebinding, reading,
// backpressure and closing.
import net from 'node:net';
import type { Engine } from '../engine/engine.js';
import { Config } from '../host/config.js';
import { ClientSocket, HostClient } from '../host/context.js';
import { HostCore } from '../host/core.js';
import { formatLogLine, logEnabled } from '../host/log.js';
import { Scripting } from '../host/scripting/index.js';

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

export class Server extends HostCore {
  private servers: net.Server[] = [];
  /** Every adopted socket reads into this one buffer; its bytes are copied into the engine at once. */
  private readonly readBuf = Buffer.allocUnsafe(64 * 1024);
  /** Addresses given to listen() explicitly (tests), kept across a port change. */
  private listenHosts: string[] | undefined;
  private listening = false;
  private closed = false;
  onShutdown: (() => void) | null = null;

  constructor(opts: ServerOptions) {
    super({
      ...opts,
      log: opts.log ?? ((level, msg) => {
        if (logEnabled(level, opts.config.get('loglevel'))) process.stdout.write(formatLogLine(level, msg));
      }),
    });
    this.config.onChange((name) => {
      if ((name === 'port' || name === 'bind') && this.listening) void this.rebind(name);
    });
    this.deferWrites = true;
    // The Lua VM loads asynchronously; listen() waits for it, and a script
    // command that comes earlier waits for it too (cmd-scripting.ts).
    this.attachScripting(Scripting.create(this));
    // Save points (`save <seconds> <changes>`): the server's own dump.rdb.
    this.cron.onTick = () => this.rdb.cron();
  }

  async listen(port = this.config.getInt('port'), hosts?: string[]): Promise<number> {
    await this.scriptingReady?.catch(() => undefined);
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
    const c = this.addClient(socket, {
      addr: `${socket.remoteAddress?.replace(/^::ffff:/, '')}:${socket.remotePort}`,
      laddr: `${socket.localAddress?.replace(/^::ffff:/, '')}:${socket.localPort}`,
      fd: (socket as any)._handle?.fd ?? -1,
    });
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

  /** A socket can take a reply later: MEMORY PREFIXES walks in slices between other clients' reads. */
  protected canDefer(_c: HostClient): boolean { return true; }

  /** An adopted socket is a plain TCP or unix handle: a write that leaves nothing queued went to the kernel. */
  protected writesSynchronously(s: ClientSocket): boolean { return (s as any)[kAdopted] === true; }

  /** Stops reading from a client that does not read its replies; 'drain' starts it again. */
  protected onBackpressure(c: HostClient): void {
    c.readPaused = true;
    const s = c.socket as net.Socket;
    if (!(s as any)[kAdopted]) s.pause();
  }

  /** Ends the connection once the socket has flushed its output (or after a second). */
  protected endClient(c: HostClient): void {
    const s = c.socket as net.Socket | null;
    if (!s) return;
    s.end();
    this.clients.delete(c.id);
    s.once('finish', () => this.closeClient(c));
    setTimeout(() => this.closeClient(c), 1000).unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopCore();
    await Promise.all(this.servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
  }

  shutdown(): void {
    this.log('warning', 'User requested shutdown...');
    // Replies of this turn leave before the sockets close.
    this.flushWrites();
    // A running BGSAVE dies with the server (Redis kills its child): no temp file left.
    this.rdb.stopBgsave('shutdown');
    this.aof.stopRewrite('shutdown');
    // What the AOF has not written yet is written and fsynced first, as Redis.
    if (this.aof.enabled) {
      this.log('notice', 'Calling fsync() on the AOF file.');
      this.aof.close();
    }
    void this.close().then(() => this.onShutdown?.());
  }
}
