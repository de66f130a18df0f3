// Runs commands in-process through the engine (debug build), with a fake
// clock, for table-driven command tests. Host commands (HELLO, CONFIG...)
// are not available here: test them over TCP (test/helpers/server.ts).
import { Engine, ST_HANDOFF } from '../../src/engine/engine.js';
import { encodeCommand, parseAll, RespValue } from './resp.js';

export class TestEngine {
  engine: Engine;
  client: number;
  /** The fake clock, unix ms. Advance it with `advance(ms)`. */
  now = 1_700_000_000_000;

  constructor(opts: { databases?: number; debug?: boolean } = {}) {
    this.engine = new Engine({ databases: opts.databases ?? 16, debug: opts.debug ?? true, hashSeed: 1, randomSeed: 1n });
    this.client = this.engine.x.newClient();
  }

  advance(ms: number): void { this.now += ms; }

  /** Sends raw bytes; returns the raw reply bytes. Throws on hand-off. */
  raw(bytes: Buffer | string, client = this.client): Buffer {
    const st = this.engine.feed(client, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'), this.now);
    if (st === ST_HANDOFF) throw new Error(`command handed off to host: id ${this.engine.x.handoffCmd()}`);
    return this.engine.takeOutput() ?? Buffer.alloc(0);
  }

  /** Runs one command and returns its parsed reply. */
  cmd(...args: (string | Buffer | number)[]): RespValue {
    const replies = parseAll(this.raw(encodeCommand(args)));
    if (replies.length !== 1) throw new Error(`expected one reply, got ${replies.length}`);
    return replies[0];
  }

  /** Runs one command and returns the raw RESP reply as a latin1 string. */
  rawCmd(...args: (string | Buffer | number)[]): string {
    return this.raw(encodeCommand(args)).toString('latin1');
  }

  setProto(p: 2 | 3): void { this.engine.x.setClientProto(this.client, p); }

  newClient(): number { return this.engine.x.newClient(); }
}
