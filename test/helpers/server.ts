// Starts a Vermilion server in-process on a free loopback port, and (for
// differential tests) a real redis-server, and speaks raw RESP to either.
import net from 'node:net';
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from '../../src/server/server.js';
import { Config } from '../../src/host/config.js';
import { encodeCommand, parseReply, RespValue } from './resp.js';

export async function startServer(options: Record<string, string> = {}): Promise<{ server: Server; port: number }> {
  const config = new Config();
  for (const [k, v] of Object.entries({ dir: mkdtempSync(join(tmpdir(), 'vermilion-')), ...options })) config.set(k, v);
  const server = new Server({ config, log: () => {} });
  const port = await server.listen(0, ['127.0.0.1']);
  return { server, port };
}

export function redisServerPath(): string | null {
  try {
    return execFileSync('which', ['redis-server']).toString().trim() || null;
  } catch {
    return null;
  }
}

/** Starts a real redis-server on a free port (no persistence). */
export async function startRedis(extra: string[] = []): Promise<{ proc: ChildProcess; port: number; stop: () => void }> {
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-ref-'));
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--enable-debug-command', 'yes', ...extra], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      const c = await RawClient.connect(port);
      c.close();
      return { proc, port, stop: () => proc.kill('SIGKILL') };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  proc.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A raw RESP connection: send commands or bytes, read replies in order. */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(public socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** A connection to a unix socket (`unixsocket`). */
  static connectPath(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ path }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(bytes: Buffer | string): void { this.socket.write(bytes); }

  send(...args: (string | Buffer | number)[]): void { this.write(encodeCommand(args)); }

  /** Next reply, parsed; rejects after `ms` or if the socket closes first. */
  async read(ms = 5000): Promise<RespValue> {
    return (await this.next(ms))[0];
  }

  /** Next reply as raw bytes (one complete reply). */
  async readRaw(ms = 5000): Promise<Buffer> {
    return (await this.next(ms))[1];
  }

  private async next(ms: number): Promise<[RespValue, Buffer]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = parseReply(this.buf, 0);
      if (r) {
        const raw = this.buf.subarray(0, r[1]);
        this.buf = this.buf.subarray(r[1]);
        return [r[0], raw];
      }
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for reply');
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => { clearTimeout(t); res(); });
      });
    }
  }

  async cmd(...args: (string | Buffer | number)[]): Promise<RespValue> {
    this.send(...args);
    return this.read();
  }

  /** Resolves when the server has closed the connection. */
  async waitClosed(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise<void>((res) => { const t = setTimeout(res, 50); this.waiters.push(() => { clearTimeout(t); res(); }); });
    }
  }

  close(): void { this.socket.destroy(); }
}
