// The host's reply writer, for commands the host runs (HELLO, CLIENT,
// CONFIG, INFO, ...). Same shapes as the engine's writer: RESP2 or RESP3 by
// the client's protocol, so host code never branches on it.

import { BufferClass } from './platform.js';

export type Bytes = Buffer | string;

/** An error a host command replies with; `message` is the full text ("ERR ..."). */
export class ReplyError extends Error {}

/**
 * ":n\r\n" for the integers most replies carry (PUBLISH's receiver count,
 * flags, small counts), made once and shared by every reply, as a pub/sub
 * frame is shared by its subscribers: a reply buffer is never changed once
 * made, here or by whoever receives it (the embedded API's streams hand them
 * on as they are).
 */
const SMALL_INTS: Buffer[] = Array.from({ length: 1024 }, (_, n) => Buffer.from(`:${n}\r\n`, 'latin1'));

export class Reply {
  private chunks: Buffer[] = [];
  /** Codes ("ERR", "WRONGPASS"...) of the errors written, for INFO errorstats. */
  readonly errorCodes: string[] = [];
  /**
   * Errors were counted while the command ran even if its own reply is not
   * one (a script whose redis.call failed): the command's failed_calls.
   */
  failed = false;
  /** Refused before running (a script's DENYOOM over maxmemory): rejected_calls, not calls. */
  rejected = false;
  /**
   * Sent even under CLIENT REPLY OFF/SKIP: pub/sub confirmations are
   * pushes, which Redis 7.0 delivers whatever the reply mode.
   */
  sendWhenOff = false;
  constructor(public proto: number) {}

  private put(s: string): this {
    this.chunks.push(BufferClass.from(s, 'utf8'));
    return this;
  }

  simple(s: string): this { return this.put(`+${s}\r\n`); }
  ok(): this { return this.put('+OK\r\n'); }
  /** `msg` starts with its code: "ERR ...", "NOAUTH ...". CR/LF become spaces, as in Redis. */
  error(msg: string): this {
    const sp = msg.indexOf(' ');
    this.errorCodes.push(sp < 0 ? msg : msg.slice(0, sp));
    return this.put(`-${msg.replace(/[\r\n]/g, ' ')}\r\n`);
  }
  int(n: number | bigint): this {
    if (typeof n === 'number' && n >= 0 && n < SMALL_INTS.length && Number.isInteger(n)) {
      this.chunks.push(SMALL_INTS[n]);
      return this;
    }
    return this.put(`:${n}\r\n`);
  }
  bulk(b: Bytes): this {
    const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
    this.put(`$${buf.length}\r\n`);
    this.chunks.push(buf);
    return this.put('\r\n');
  }
  nullBulk(): this { return this.put(this.proto === 3 ? '_\r\n' : '$-1\r\n'); }
  nullArray(): this { return this.put(this.proto === 3 ? '_\r\n' : '*-1\r\n'); }
  array(n: number): this { return this.put(`*${n}\r\n`); }
  map(n: number): this { return this.put(this.proto === 3 ? `%${n}\r\n` : `*${n * 2}\r\n`); }
  set(n: number): this { return this.put(this.proto === 3 ? `~${n}\r\n` : `*${n}\r\n`); }
  bool(b: boolean): this { return this.proto === 3 ? this.put(b ? '#t\r\n' : '#f\r\n') : this.int(b ? 1 : 0); }
  /** A double already formatted the Redis way. */
  double(text: string): this { return this.proto === 3 ? this.put(`,${text}\r\n`) : this.bulk(text); }
  /** Verbatim text (INFO, CLIENT LIST...): `=` in RESP3, bulk in RESP2. */
  verbatim(text: string): this {
    if (this.proto !== 3) return this.bulk(text);
    const body = Buffer.from(`txt:${text}`, 'utf8');
    this.put(`=${body.length}\r\n`);
    this.chunks.push(body);
    return this.put('\r\n');
  }
  bulkArray(items: Bytes[]): this {
    this.array(items.length);
    for (const it of items) this.bulk(it);
    return this;
  }
  raw(b: Buffer): this { this.chunks.push(b); return this; }

  get empty(): boolean { return this.chunks.length === 0; }
  toBuffer(): Buffer { return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks); }
}
