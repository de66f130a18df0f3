// The host's periodic work, Redis's serverCron: active expiry within a
// time budget, incremental rehashing, client timeouts. Runs `hz` times a
// second of the core's clock: real timers for the server and an embedded
// store, or each period of a ManualClock's advance() in tests.
import type { HostCore } from './core.js';
import { latencyAddSampleIfNeeded } from './cmd-latency.js';
import { infoCron } from './cmd-info.js';
import { hostPendingBytes, samplePeak, scriptCaches } from './memory-figures.js';

// Redis gives active expiry 25% of each cron period.
const EXPIRE_CPU_SHARE = 0.25;

export class Cron {
  private timer: unknown = null;
  private running = false;
  /** Extra work an owner runs at the end of each tick (the embedded store's save points). */
  onTick: (() => void) | null = null;

  constructor(private srv: HostCore) {
    // CONFIG SET hz takes effect at once, as Redis's next cron does.
    srv.config.onChange((name) => { if (name === 'hz' && this.running) this.start(); });
  }

  private period(): number {
    const hz = Math.min(500, Math.max(1, this.srv.config.getInt('hz')));
    return Math.round(1000 / hz);
  }

  start(): void {
    this.stop();
    this.running = true;
    this.arm();
  }

  private arm(): void {
    this.timer = this.srv.clock.setTimer(() => {
      this.timer = null;
      if (!this.running) return;
      try {
        this.tick();
      } finally {
        if (this.running && this.timer === null) this.arm();
      }
    }, this.period());
  }

  stop(): void {
    this.running = false;
    if (this.timer) this.srv.clock.clearTimer(this.timer);
    this.timer = null;
  }

  tick(): void {
    const x = this.srv.engine.x;
    const hz = this.srv.config.getInt('hz');
    const budgetMs = (1000 / hz) * EXPIRE_CPU_SHARE;
    const start = performance.now();
    const now = this.srv.clock.now();
    // Redis expires nothing while clients are paused: the dataset must not
    // change under a CLIENT PAUSE (used for failover), nor under a script
    // that lets other clients in while it runs (it must look atomic).
    const scriptRunning = this.srv.scriptSuspended();
    // Nor while the dataset loads (Redis runs only whileBlockedCron then).
    if (!this.srv.paused && !scriptRunning && !this.srv.rdb.loading) {
      while (x.cronExpire(now, 16) && performance.now() - start < budgetMs) { /* keep sampling */ }
      latencyAddSampleIfNeeded(this.srv, 'expire-cycle', performance.now() - start);
      // "expired" events of the keys the cycle removed.
      this.srv.publishKeyspaceEvents();
    }
    if (this.srv.config.getBool('activerehashing')) {
      const rehashStart = performance.now();
      while (x.cronRehash() && performance.now() - rehashStart < 1) { /* 1 ms, as Redis */ }
    }
    infoCron(this.srv);
    this.srv.aof.cron();
    // Replies waiting in sockets count against maxmemory, as Redis's client
    // output buffers do, and so do the script caches.
    const caches = scriptCaches(this.srv);
    const hostBytes = hostPendingBytes(this.srv) + caches.lua + caches.functions;
    x.setHostBytes(hostBytes);
    samplePeak(this.srv, hostBytes);
    this.srv.watchHeapCeiling();
    const timeout = this.srv.config.getInt('timeout');
    if (timeout > 0 && !scriptRunning) {
      for (const c of this.srv.clients.values()) {
        if (!c.monitor && !c.blocked && now - c.lastInteraction > timeout * 1000) c.kill();
      }
    }
    this.onTick?.();
  }
}
