/**
 * Collects step, epoch and histogram records and hands them on as one `metrics` batch at most
 * every `flushMs`, so consumers see a few dozen messages per second whatever the step rate.
 */
import type { EpochRecord, HistogramRecord, MetricsBatch, ProbeRecord, StepRecord } from '../shared/protocol';

export class Coalescer {
  private batch: MetricsBatch = { steps: [], epochs: [], histograms: [] };
  private last: number;

  constructor(
    private readonly flushMs: number,
    private readonly send: (batch: MetricsBatch) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = now();
  }

  step(r: StepRecord): void {
    this.batch.steps.push(r);
    this.maybeFlush();
  }

  epoch(r: EpochRecord): void {
    this.batch.epochs.push(r);
    this.maybeFlush();
  }

  histograms(rs: HistogramRecord[]): void {
    this.batch.histograms.push(...rs);
    this.maybeFlush();
  }

  probe(r: ProbeRecord): void {
    (this.batch.probes ??= []).push(r);
    this.maybeFlush();
  }

  /** Sends whatever is pending (always call before the run's final event). */
  flush(): void {
    this.last = this.now();
    const b = this.batch;
    if (b.steps.length + b.epochs.length + b.histograms.length + (b.probes?.length ?? 0) === 0) return;
    this.batch = { steps: [], epochs: [], histograms: [] };
    this.send(b);
  }

  private maybeFlush(): void {
    if (this.now() - this.last >= this.flushMs) this.flush();
  }
}
