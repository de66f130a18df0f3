// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, BLMPOP, BZMPOP, XREAD
// BLOCK ...). The engine decides that a command must wait (ST_BLOCKED) and
// which keys it waits on; this room keeps, per key, the clients waiting in
// arrival order, and each client's deadline. The server retries the waiters
// of keys the engine signals ready (server.ts serveReady), and ends waits
// on timeout, CLIENT UNBLOCK and disconnect.
//
// Invariant: a client is in `waiters` under each of its keys exactly while
// `c.blocked` is set; the engine records ready keys only while some client
// is blocked (setBlockedWatch).
import type { Engine } from '../engine/engine.js';
import type { HostClient } from './context.js';
import type { Clock } from './clock.js';

export interface BlockState {
  /** "db:key" (key bytes as latin1), as Engine.takeReadyKeys names them. */
  keys: string[];
  /** Unix ms; 0 waits forever. */
  deadline: number;
  /** Bytes of the waiting command's arguments (CLIENT LIST argv-mem). */
  argvMem: number;
  /**
   * Bytes of the waiting command itself, which stays unread in the input
   * until it runs again: CLIENT LIST's qbuf leaves them out, as Redis has
   * already parsed them.
   */
  cmdBytes: number;
  timer: unknown;
}

export class Blocking {
  private waiters = new Map<string, HostClient[]>();
  private blockedCount = 0;

  constructor(private engine: Engine, private clock: Clock, private onTimeout: (c: HostClient) => void) {}

  /** Clients blocked on keys (INFO blocked_clients). */
  get count(): number { return this.blockedCount; }

  block(c: HostClient, db: number, keys: Buffer[], deadline: number, argvMem = 0, cmdBytes = 0): void {
    const names = [...new Set(keys.map((k) => `${db}:${k.toString('latin1')}`))];
    for (const k of names) {
      const list = this.waiters.get(k);
      if (list) list.push(c);
      else this.waiters.set(k, [c]);
    }
    c.blocked = { keys: names, deadline, argvMem, cmdBytes, timer: null };
    this.arm(c);
    if (this.blockedCount++ === 0) this.engine.x.setBlockedWatch(1);
  }

  private arm(c: HostClient): void {
    const b = c.blocked;
    if (!b || b.deadline === 0) return;
    // A timer can fire early (setTimeout's range is capped): re-arm then.
    b.timer = this.clock.setTimer(() => {
      if (c.blocked !== b) return;
      if (this.clock.now() < b.deadline) {
        this.arm(c);
        return;
      }
      this.onTimeout(c);
    }, b.deadline - this.clock.now(), true);
  }

  /** Forgets the client's wait (served, timed out, unblocked or gone). */
  unblock(c: HostClient): void {
    const b = c.blocked;
    if (!b) return;
    c.blocked = undefined;
    if (b.timer) this.clock.clearTimer(b.timer);
    for (const k of b.keys) {
      const list = this.waiters.get(k);
      if (!list) continue;
      const i = list.indexOf(c);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.waiters.delete(k);
    }
    if (--this.blockedCount === 0) {
      this.engine.x.setBlockedWatch(0);
      this.engine.x.readyClear();
    }
  }

  /** The "db:key" names of database `db` that clients wait on. */
  keysInDb(db: number): string[] {
    const prefix = `${db}:`;
    return [...this.waiters.keys()].filter((k) => k.startsWith(prefix));
  }

  /** The clients waiting on a key, first arrival first (a copy). */
  waitersOf(key: string): HostClient[] {
    const list = this.waiters.get(key);
    return list ? list.slice() : [];
  }
}
