// The progress line on stderr: redrawn in place on a terminal, a plain line
// per finished step otherwise (CI logs, pipes).

export class Progress {
  private readonly tty: boolean;
  private label = '';
  private base = 0;
  private total = 1;
  private last = 0;
  private began = Date.now();

  constructor(private readonly quiet: boolean, stream: NodeJS.WriteStream = process.stderr) {
    this.tty = !!stream.isTTY;
  }

  /** Step `index` of `total` starts. */
  step(index: number, total: number, label: string): void {
    this.base = index;
    this.total = total;
    this.label = label;
    this.draw(0, null);
  }

  /** Within the current step: `fraction` done, and an optional rate to show. */
  draw(fraction: number, opsPerSec: number | null): void {
    if (this.quiet || !this.tty) return;
    const t = Date.now();
    if (fraction > 0 && fraction < 1 && t - this.last < 100) return;
    this.last = t;
    const done = (this.base + fraction) / this.total;
    const width = 24;
    const full = Math.round(done * width);
    const bar = '█'.repeat(full) + '░'.repeat(width - full);
    const rate = opsPerSec !== null && Number.isFinite(opsPerSec) ? `  ${Math.round(opsPerSec).toLocaleString('en-US')} ops/s` : '';
    const spent = (t - this.began) / 1000;
    const left = done > 0.02 ? `  ~${clock((spent / done) * (1 - done))} left` : '';
    const text = `${bar} ${String(Math.round(done * 100)).padStart(3)}%  ${this.base + 1}/${this.total}  ${this.label}${rate}${left}`;
    const cols = process.stderr.columns || 120;
    process.stderr.write(`\r\x1b[2K${text.slice(0, cols - 1)}`);
  }

  /** A finished step's one-line summary. */
  line(text: string): void {
    if (this.quiet) return;
    if (this.tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`${text}\n`);
  }

  /** Restarts the clock of the time-left estimate (a new phase of the run). */
  restart(): void { this.began = Date.now(); }

  clear(): void {
    if (!this.quiet && this.tty) process.stderr.write('\r\x1b[2K');
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
