// In-process RESP connections to an embedded store (Node only): a Duplex
// stream that existing clients can use instead of a TCP socket, and an IPC
// endpoint (a Unix socket or Windows pipe) for clients that can only
// connect by address.
//
//   ioredis:     new Redis({ Connector: db.ioredisConnector() })       (no socket at all)
//   node-redis:  createClient({ socket: { path: await db.listen(p) } }) (IPC, no TCP)
//
// Bytes written to the stream are the client's input, run exactly as a
// socket read on the server; the replies (and anything else the host sends
// the client: MONITOR lines, woken blocked commands) come out of its
// readable side. Backpressure works as on a socket: while the reader does
// not take the replies, the connection's further input waits.
import type { Duplex } from 'node:stream';
import type { Server as NetServer } from 'node:net';
import type { EmbeddedCore } from './store.js';
import type { ClientSocket, HostClient } from '../host/context.js';
import { nodeStream, nodeNet } from '../host/platform.js';
import { VermilionError } from './errors.js';

export interface EmbeddedSocket extends Duplex {
  /** Socket methods clients call on their stream; no-ops in-process. */
  setNoDelay(noDelay?: boolean): this;
  setKeepAlive(enable?: boolean, delay?: number): this;
  setTimeout(ms: number, cb?: () => void): this;
  ref(): this;
  unref(): this;
  readonly connecting: boolean;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

type Ctor = new (core: EmbeddedCore, name: string) => EmbeddedSocket;
let ctor: Ctor | null = null;

/** The stream class, made on first use (node:stream is loaded lazily: the browser build has none). */
function socketClass(): Ctor {
  if (ctor) return ctor;
  if (!nodeStream) throw new VermilionError('ENOTSUP', 'connection() needs Node streams');
  class Socket extends nodeStream.Duplex {
    readonly connecting = false;
    readonly remoteAddress: string;
    readonly remotePort = 0;
    private readonly c: HostClient;
    /** A write held back while the reader lags behind (backpressure). */
    private held: { chunk: Buffer; cb: (err?: Error | null) => void } | null = null;

    constructor(private core: EmbeddedCore, name: string) {
      super({ allowHalfOpen: false });
      this.remoteAddress = name;
      const stream = this;
      // The host writes replies here: they become this stream's readable data.
      const adapter: ClientSocket = {
        write: (data) => stream.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data),
        get writableLength() { return stream.readableLength; },
        isPaused: () => stream.held !== null,
        end: () => { stream.push(null); },
        destroy: () => { if (!stream.destroyed) { stream.push(null); stream.destroy(); } },
      };
      this.c = core.connect(adapter, name);
    }

    override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
      if (this.c.readPaused) {
        this.held = { chunk, cb };
        return;
      }
      this.run(chunk, cb);
    }

    private run(chunk: Buffer, cb: (err?: Error | null) => void): void {
      if (this.c.socket) this.core.onData(this.c, chunk, chunk.length);
      cb();
    }

    override _read(): void {
      this.c.readPaused = false;
      const h = this.held;
      if (h) {
        this.held = null;
        this.run(h.chunk, h.cb);
      }
    }

    override _final(cb: (err?: Error | null) => void): void {
      // The client is done writing: like a socket's FIN, the connection closes.
      this.core.closeClient(this.c);
      cb();
    }

    override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
      this.core.closeClient(this.c);
      cb(err);
    }

    setNoDelay(): this { return this; }
    setKeepAlive(): this { return this; }
    setTimeout(_ms: number, _cb?: () => void): this { return this; }
    ref(): this { return this; }
    unref(): this { return this; }
  }
  ctor = Socket as unknown as Ctor;
  return ctor;
}

/** A new in-process connection (CLIENT LIST shows it with addr `name:0`). */
export function openConnection(core: EmbeddedCore, name = 'embedded'): EmbeddedSocket {
  if (core.closed) throw new VermilionError('ECLOSED', 'the store is closed');
  return new (socketClass())(core, name);
}

/**
 * ioredis's `Connector` option: each (re)connect gets a fresh in-process
 * connection, so `new Redis({ Connector })` needs no host or port.
 */
export function ioredisConnector(core: EmbeddedCore): new (options: unknown) => unknown {
  return class EmbeddedConnector {
    connecting = false;
    private stream: EmbeddedSocket | null = null;
    check(): boolean { return true; }
    async connect(): Promise<EmbeddedSocket> {
      this.connecting = true;
      this.stream = openConnection(core, 'ioredis');
      return this.stream;
    }
    disconnect(): void {
      this.connecting = false;
      this.stream?.end();
      this.stream = null;
    }
  };
}

/**
 * Serves the store on an IPC path (Unix socket, Windows pipe) for clients
 * that connect by address (node-redis: `socket: { path }`). Each accepted
 * connection is piped to an in-process connection. Closed with the store.
 */
export async function listenIpc(core: EmbeddedCore, path: string): Promise<NetServer> {
  if (!nodeNet) throw new VermilionError('ENOTSUP', 'listen() needs Node');
  const server = nodeNet.createServer((sock) => {
    let conn: EmbeddedSocket;
    try {
      conn = openConnection(core, 'ipc');
    } catch {
      sock.destroy();
      return;
    }
    sock.pipe(conn).pipe(sock);
    sock.on('error', () => conn.destroy());
    sock.on('close', () => conn.destroy());
    conn.on('close', () => sock.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => { server.off('error', reject); resolve(); });
  });
  return server;
}
