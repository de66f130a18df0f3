// The host's time: what the engine gets as "now" for expiry, when blocked
// clients time out, when CLIENT PAUSE ends, and how often the cron runs.
// The server uses the real clock; an embedded store may be given a
// ManualClock that tests advance, so TTLs are tested without sleeping.
import { nowMicros } from './monitor.js';

export interface Clock {
  /** Unix time in milliseconds. */
  now(): number;
  /** Unix time in microseconds (TIME, MONITOR); derived from now() when absent. */
  micros?(): bigint;
  /**
   * Unix ms at a performance.now() reading the caller already took (to
   * time a command): one clock read serves both, as Redis's call() uses one
   * ustime() for the command's time and its duration. Absent: use now().
   */
  atPerf?(perfNow: number): number;
  /**
   * Calls `fn` once after `ms` of this clock's time. Only a timer someone
   * waits on (a blocked command's timeout) keeps a Node process alive; the
   * cron's and CLIENT PAUSE's do not, so an idle store lets it exit.
   */
  setTimer(fn: () => void, ms: number, keepAlive?: boolean): unknown;
  clearTimer(timer: unknown): void;
}

// setTimeout's limit; a longer wait re-arms when it fires.
const MAX_TIMER_MS = 0x7fffffff;

// Wall time = performance.now() + offset, the offset re-read from Date.now()
// at most every RESYNC_MS so that clock adjustments are followed.
const RESYNC_MS = 100;
let wallOffset = 0;
let lastSync = -Infinity;

/** Wall-clock time. */
export const realClock: Clock = {
  now: () => Date.now(),
  micros: nowMicros,
  atPerf(perfNow) {
    if (perfNow - lastSync > RESYNC_MS || perfNow < lastSync) {
      wallOffset = Date.now() - perfNow;
      lastSync = perfNow;
    }
    return Math.floor(wallOffset + perfNow);
  },
  setTimer(fn, ms, keepAlive = false) {
    const t: any = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    if (!keepAlive) t?.unref?.();
    return t;
  },
  clearTimer(t) { clearTimeout(t as any); },
};

export function clockMicros(clock: Clock): bigint {
  return clock.micros ? clock.micros() : BigInt(Math.floor(clock.now() * 1000));
}

interface ManualTimer { at: number; seq: number; fn: () => void; live: boolean }

/**
 * A clock that moves only when told. `advance(ms)` runs every timer that
 * falls due on the way, in deadline order, with `now()` reading each
 * timer's own deadline while it runs (so a cron that re-arms itself runs
 * once per period of the skipped time, as it would have in real time).
 */
export class ManualClock implements Clock {
  private t: number;
  private timers: ManualTimer[] = [];
  private seq = 0;

  constructor(startMs = Date.now()) { this.t = startMs; }

  now(): number { return this.t; }

  setTimer(fn: () => void, ms: number): unknown {
    const timer: ManualTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, live: true };
    this.timers.push(timer);
    return timer;
  }

  clearTimer(timer: unknown): void {
    const t = timer as ManualTimer;
    if (!t || !t.live) return;
    t.live = false;
    const i = this.timers.indexOf(t);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** Moves time forward by `ms`, running what falls due. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('ManualClock.advance: ms must be >= 0');
    this.advanceTo(this.t + ms);
  }

  /** Moves time forward to unix ms `target` (never backwards). */
  advanceTo(target: number): void {
    for (;;) {
      let next: ManualTimer | null = null;
      for (const t of this.timers) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.clearTimer(next);
      if (next.at > this.t) this.t = next.at;
      next.fn();
    }
    if (target > this.t) this.t = target;
  }

  /** Timers waiting to fire (tests). */
  get pending(): number { return this.timers.length; }
}
