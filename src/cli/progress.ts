/**
 * Live progress on stderr. On a terminal: one line redrawn with `\r` (bar, steps/total, %, loss,
 * steps/s, ETA), at most ~10 times a second. Elsewhere (CI logs, pipes): a plain line at every
 * 10 % so logs stay readable.
 */
import { clock, num } from './format';

export interface ProgressOptions {
  write: (s: string) => void;
  isTTY: boolean;
  columns?: number;
  now: () => number;
}

export class Progress {
  private total = 0;
  private startedAt = 0;
  private lastDraw = -Infinity;
  private lastDecile = -1;
  private drawn = false;

  constructor(private readonly o: ProgressOptions) {}

  start(total: number): void {
    this.total = Math.max(0, total);
    this.startedAt = this.o.now();
  }

  /** `step` = updates done so far. */
  update(step: number, loss: number | undefined): void {
    const now = this.o.now();
    const frac = this.total > 0 ? Math.min(1, step / this.total) : 0;
    if (this.o.isTTY) {
      if (now - this.lastDraw < 100 && step < this.total) return;
      this.lastDraw = now;
      this.o.write(`\r${this.line(step, loss, frac, now)}\x1b[K`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor(frac * 10);
    if (decile > this.lastDecile && step > 0) {
      this.lastDecile = decile;
      this.o.write(`${this.line(step, loss, frac, now)}\n`);
    }
  }

  /** Clears the live line so the summary starts on a clean line. */
  end(): void {
    if (this.o.isTTY && this.drawn) this.o.write('\r\x1b[K');
    this.drawn = false;
  }

  private line(step: number, loss: number | undefined, frac: number, now: number): string {
    const elapsed = Math.max(1e-3, (now - this.startedAt) / 1000);
    const rate = step / elapsed;
    const eta = rate > 0 ? (this.total - step) / rate : Infinity;
    const pct = `${Math.floor(frac * 100)}%`.padStart(4);
    const counts = `${step}/${this.total}`;
    const tail = `${pct}  ${counts} steps  loss ${num(loss)}  ${rate >= 100 ? Math.round(rate) : rate.toFixed(1)} steps/s  ETA ${clock(eta)}`;
    if (!this.o.isTTY) return `progress ${tail}`;
    const width = Math.max(10, Math.min(30, (this.o.columns ?? 80) - tail.length - 4));
    const filled = Math.round(frac * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${tail}`;
  }
}
