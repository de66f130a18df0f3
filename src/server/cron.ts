// The server's periodic work, Redis's serverCron: active expiry within a
// time budget, incremental rehashing, client timeouts. Runs `hz` times a
// second.
import type { Server } from './server.js';
import { latencyAddSampleIfNeeded } from '../host/cmd-latency.js';
import { infoCron } from '../host/cmd-info.js';

// Redis gives active expiry 25% of each cron period.
const EXPIRE_CPU_SHARE = 0.25;

export class Cron {
  private timer: NodeJS.Timeout | null = null;
  constructor(private srv: Server) {
    // CONFIG SET hz takes effect at once, as Redis's next cron does.
    srv.config.onChange((name) => { if (name === 'hz' && this.timer) this.start(); });
  }

  start(): void {
    this.stop();
    const hz = Math.min(500, Math.max(1, this.srv.config.getInt('hz')));
    this.timer = setInterval(() => this.tick(), Math.round(1000 / hz));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick(): void {
    const x = this.srv.engine.x;
    const hz = this.srv.config.getInt('hz');
    const budgetMs = (1000 / hz) * EXPIRE_CPU_SHARE;
    const start = performance.now();
    // Redis expires nothing while clients are paused: the dataset must not
    // change under a CLIENT PAUSE (used for failover), nor under a script
    // that lets other clients in while it runs (it must look atomic).
    const scriptRunning = this.srv.scriptSuspended();
    if (!this.srv.paused && !scriptRunning) {
      while (x.cronExpire(Date.now(), 16) && performance.now() - start < budgetMs) { /* keep sampling */ }
      latencyAddSampleIfNeeded(this.srv, 'expire-cycle', performance.now() - start);
      // "expired" events of the keys the cycle removed.
      this.srv.publishKeyspaceEvents();
    }
    if (this.srv.config.getBool('activerehashing')) {
      const rehashStart = performance.now();
      while (x.cronRehash() && performance.now() - rehashStart < 1) { /* 1 ms, as Redis */ }
    }
    infoCron(this.srv);
    const timeout = this.srv.config.getInt('timeout');
    if (timeout > 0 && !scriptRunning) {
      const now = Date.now();
      for (const c of this.srv.clients.values()) {
        if (!c.monitor && !c.blocked && now - c.lastInteraction > timeout * 1000) c.kill();
      }
    }
  }
}
