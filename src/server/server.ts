// The RESP server: accepts connections and feeds each socket read to the
// host core (src/host/core.ts) in one `execute` call; the core runs
// handed-off commands and writes all replies of a read with one socket
// write. This file is only about sockets: listening, rebinding, reading,
// backpressure and closing.
import net from 'node:net';
import { chmodSync, unlinkSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { Config, strerror } from '../host/config.js';
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

/** sockaddr_un's sun_path holds 108 bytes with its terminating NUL. */
const SUN_PATH_SIZE = 108;

/**
 * The unix socket could not be opened; the message is Redis's anetUnixServer
 * error ("bind: No such file or directory"), which the caller prints after
 * "Failed opening Unix socket: ".
 */
export class UnixSocketError extends Error {}

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
  /** The TCP listeners (port and bind); CONFIG SET port/bind replaces them. */
  private servers: net.Server[] = [];
  /** The `unixsocket` listener, when configured; it stays for the server's life. */
  private unixServer: net.Server | null = null;
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

  /**
   * Opens the TCP listeners, then the unix socket, as Redis's initServer
   * does. Without an explicit `port` the config's is used, and `port 0`
   * there means no TCP at all (Redis); an explicit 0 (tests) takes any
   * free port. Resolves with the TCP port, 0 when there is none.
   */
  async listen(port?: number, hosts?: string[]): Promise<number> {
    await this.scriptingReady?.catch(() => undefined);
    this.listenHosts = hosts;
    this.listening = true;
    const tcpPort = port ?? this.config.getInt('port');
    if (port !== undefined || tcpPort !== 0) this.port = await this.bindAll(tcpPort, hosts ?? this.config.bindAddresses());
    const path = this.config.get('unixsocket');
    if (path !== '') await this.bindUnix(path, this.config.getInt('unixsocketperm'));
    this.cron.start();
    return this.port;
  }

  /** Whether anything listens (TCP or unix): Redis refuses to run reachable by no one. */
  get listensAnywhere(): boolean {
    return this.servers.length > 0 || this.unixServer !== null;
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
    const port = this.config.getInt('port');
    try {
      // Port 0 closes the TCP listeners, as Redis's changeListenPort.
      this.port = port === 0 ? 0 : await this.bindAll(port, this.listenHosts ?? this.config.bindAddresses());
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

  /**
   * Redis's anetUnixServer after its unlink(): a stale socket file (or
   * anything else at the path) goes first, whatever it is, then bind, then
   * chmod to `unixsocketperm` when it is not 0.
   */
  private async bindUnix(path: string, perm: number): Promise<void> {
    const len = Buffer.byteLength(path);
    // libuv would silently bind a truncated path.
    if (len > SUN_PATH_SIZE - 1) throw new UnixSocketError(`unix socket path too long (${len}), must be under ${SUN_PATH_SIZE}`);
    try { unlinkSync(path); } catch { /* Redis does not care either */ }
    const srv = net.createServer({ pauseOnConnect: true }, (s) => this.accept(this.adopt(s), path));
    try {
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ path }, () => {
          srv.off('error', reject);
          resolve();
        });
      });
    } catch (err: any) {
      throw new UnixSocketError(`bind: ${bindError(unixBindErrno(err, path))}`);
    }
    this.unixServer = srv;
    if (perm !== 0) {
      try { chmodSync(path, perm); } catch { /* Redis ignores chmod's result too */ }
    }
  }

  /** `unixPath` is the socket a unix client came through (its addr and laddr), absent for TCP. */
  private accept(socket: net.Socket, unixPath?: string): void {
    const maxclients = this.config.getInt('maxclients');
    this.stats.totalConnections++;
    if (this.clients.size >= maxclients) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    // Protected mode and keepalive are about TCP peers; a unix socket is local by nature.
    if (unixPath === undefined) {
      if (this.deniedByProtectedMode(socket)) {
        socket.end(`-${E_DENIED}\r\n`);
        return;
      }
      const keepalive = this.config.getInt('tcp-keepalive');
      if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
      socket.setNoDelay(true);
    }
    const fd = (socket as any)._handle?.fd ?? -1;
    // Redis names both ends of a unix connection after the socket path, port 0.
    const c = this.addClient(socket, unixPath !== undefined ? { addr: `${unixPath}:0`, laddr: `${unixPath}:0`, fd, unixSocket: true } : {
      addr: `${socket.remoteAddress?.replace(/^::ffff:/, '')}:${socket.remotePort}`,
      laddr: `${socket.localAddress?.replace(/^::ffff:/, '')}:${socket.localPort}`,
      fd,
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
    // Closing the unix listener also unlinks its file (libuv does).
    const all = this.unixServer ? [...this.servers, this.unixServer] : this.servers;
    await Promise.all(all.map((s) => new Promise<void>((res) => s.close(() => res()))));
  }

  shutdown(): void {
    // Replies of this turn leave before the sockets close.
    this.flushWrites();
    // Redis's finishShutdown, past the save: the pid file, then the listening
    // sockets (closeListeningSockets(1): the unix socket's file goes too).
    const pidfile = this.config.get('pidfile');
    if (pidfile !== '') {
      this.log('notice', 'Removing the pid file.');
      try { unlinkSync(pidfile); } catch { /* not written, or already gone */ }
    }
    const unixPath = this.config.get('unixsocket');
    if (this.unixServer && unixPath !== '') {
      this.log('notice', 'Removing the unix socket file.');
      try {
        unlinkSync(unixPath);
      } catch (err) {
        this.log('warning', `Error removing the unix socket file: ${strerror(err)}`);
      }
    }
    this.log('warning', 'Redis is now ready to exit, bye bye...');
    void this.close().then(() => this.onShutdown?.());
  }
}

/**
 * The errno of a failed unix bind. libuv reports ENOENT as EACCES (for
 * Windows' sake); Redis prints bind(2)'s own, so a missing or non-directory
 * parent is asked for again.
 */
function unixBindErrno(err: any, path: string): any {
  if (err?.code !== 'EACCES') return err;
  try {
    if (!statSync(dirname(path)).isDirectory()) return { code: 'ENOTDIR' };
  } catch (e: any) {
    if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') return e;
  }
  return err;
}

/** The C library's text for a failed bind(), as Redis prints it. */
export function bindError(err: any): string {
  switch (err?.code) {
    case 'EADDRINUSE': return 'Address already in use';
    case 'EADDRNOTAVAIL': return 'Cannot assign requested address';
    default: return strerror(err);
  }
}
