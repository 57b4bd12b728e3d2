/**
 * Merges metrics batches per run and hands them on at most once per interval, so the webview
 * receives a few dozen messages per second whatever the step rate.
 */
import { emptyBatch, type MetricsBatch } from '../shared/protocol';

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function appendBatch(into: MetricsBatch, from: MetricsBatch): void {
  // push(...) on huge arrays can overflow the call stack; a loop cannot.
  for (const s of from.steps) into.steps.push(s);
  for (const e of from.epochs) into.epochs.push(e);
  for (const h of from.histograms) into.histograms.push(h);
  if (from.probes?.length) (into.probes ??= []).push(...from.probes);
}

export class MetricsCoalescer {
  private pending = new Map<string, MetricsBatch>();
  private timer: unknown;
  private lastFlush = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly sink: (runId: string, batch: MetricsBatch) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  push(runId: string, batch: MetricsBatch): void {
    let b = this.pending.get(runId);
    if (!b) {
      b = emptyBatch();
      this.pending.set(runId, b);
    }
    appendBatch(b, batch);
    if (this.timer === undefined) {
      const wait = Math.max(0, this.lastFlush + this.intervalMs - this.timers.now());
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
    }
  }

  /** Hand on everything pending now (call before any message that must follow the metrics). */
  flush(): void {
    this.cancelTimer();
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    this.lastFlush = this.timers.now();
    for (const [runId, batch] of pending) this.sink(runId, batch);
  }

  /** Drop everything pending (the receiver is about to get the full state anyway). */
  clear(): void {
    this.cancelTimer();
    this.pending.clear();
  }

  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  dispose(): void {
    this.clear();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
