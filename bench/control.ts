// The harness's own connection to a target, outside the measured path:
// INFO, FLUSHALL, probes, and preloading a workload's data.
import net from 'node:net';
import { encodeCommand, Arg, ReplyScanner } from './resp.js';
import { Template } from './template.js';

export type Reply = string | number | null | Reply[] | { error: string };

/** Parses one RESP2 reply at `pos`: [value, next] or null when incomplete. */
export function parseReply(buf: Buffer, pos: number): [Reply, number] | null {
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return null;
  const type = buf[pos];
  const line = buf.toString('latin1', pos + 1, nl);
  let next = nl + 2;
  switch (type) {
    case 0x2b: return [line, next]; // +
    case 0x2d: return [{ error: line }, next]; // -
    case 0x3a: return [Number(line), next]; // :
    case 0x24: { // $
      const len = Number(line);
      if (len < 0) return [null, next];
      if (next + len + 2 > buf.length) return null;
      return [buf.toString('utf8', next, next + len), next + len + 2];
    }
    case 0x2a: { // *
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, next);
        if (!r) return null;
        items.push(r[0]);
        next = r[1];
      }
      return [items, next];
    }
    default:
      throw new Error(`unexpected reply type byte ${type}`);
  }
}

export function isError(r: Reply): r is { error: string } {
  return r !== null && typeof r === 'object' && !Array.isArray(r) && 'error' in r;
}

export class Control {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  /** While preloading, bytes go to this scanner instead of the parser. */
  private bulk: ReplyScanner | null = null;
  private bulkWake: (() => void) | null = null;

  private constructor(private sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d) => this.data(d));
    const fail = (e: Error): void => {
      this.failure = e;
      for (const w of this.waiting.splice(0)) w.reject(e);
      this.wakeBulk();
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed by the server')));
  }

  private wakeBulk(): void {
    const w = this.bulkWake;
    this.bulkWake = null;
    w?.();
  }

  static connect(host: string, port: number, timeoutMs = 5000): Promise<Control> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      const t = setTimeout(() => { s.destroy(); reject(new Error(`${host}:${port}: connect timed out`)); }, timeoutMs);
      s.once('connect', () => { clearTimeout(t); s.removeAllListeners('error'); resolve(new Control(s)); });
      s.once('error', (e) => { clearTimeout(t); reject(new Error(`${host}:${port}: ${e.message}`)); });
    });
  }

  private data(d: Buffer): void {
    if (this.bulk) {
      this.bulk.feed(d);
      return;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let pos = 0;
    while (this.waiting.length) {
      const r = parseReply(this.buf, pos);
      if (!r) break;
      pos = r[1];
      this.waiting.shift()!.resolve(r[0]);
    }
    this.buf = this.buf.subarray(pos);
  }

  call(args: Arg[], timeoutMs = 30000): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${String(args[0])}: no reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({
        resolve: (r) => { clearTimeout(t); resolve(r); },
        reject: (e) => { clearTimeout(t); reject(e); },
      });
      this.sock.write(encodeCommand(args));
    });
  }

  /** INFO [section] as a map of its fields. */
  async info(section = 'everything'): Promise<Record<string, string>> {
    const r = await this.call(['INFO', section]);
    if (typeof r !== 'string') throw new Error(`INFO: ${JSON.stringify(r)}`);
    const out: Record<string, string> = {};
    for (const line of r.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
  }

  /**
   * Sends `count` requests from `template` (values from `bind(i)`), pipelined
   * in chunks with a bounded window. Returns the error texts of failed replies.
   */
  async load(template: Template, count: number, bind: (i: number) => Float64Array, onProgress?: (done: number) => void): Promise<Map<string, number>> {
    if (this.waiting.length) throw new Error('load() while calls are pending');
    const CHUNK = 1000;
    const WINDOW = 16;
    const scanner = new ReplyScanner();
    const perItem = template.commands;
    let replies = 0;
    scanner.onReply = () => {
      replies++;
      if (replies === count * perItem || replies % (CHUNK * perItem) === 0) this.wakeBulk();
    };
    this.bulk = scanner;
    try {
      const out = Buffer.alloc(template.maxLen * CHUNK);
      for (let i = 0; i < count;) {
        let pos = 0;
        const end = Math.min(count, i + CHUNK);
        for (; i < end; i++) pos = template.emit(out, pos, bind(i));
        // A copy: `out` is refilled before the kernel may have taken these bytes.
        this.sock.write(Buffer.from(out.subarray(0, pos)));
        while (i * perItem - replies > WINDOW * CHUNK * perItem) await this.waitBulk();
        onProgress?.(i);
      }
      while (replies < count * perItem) await this.waitBulk();
    } finally {
      this.bulk = null;
    }
    return scanner.errors;
  }

  private async waitBulk(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((r) => { this.bulkWake = r; });
    if (this.failure) throw this.failure;
  }

  close(): void { this.sock.destroy(); }
}
