/**
 * One loss-landscape computation in its own worker (the training worker's bundle, started with a
 * `landscape` message instead of `start`), so a long evaluation never blocks the extension host and
 * a cancel is the shared stop flag, backed by `terminate()`. Never throws: `done` always resolves.
 */
import { Worker } from 'node:worker_threads';
import type { LandscapeRecord, StartLandscape, WorkerData } from '../shared/protocol';
import { errorMessage } from './workerRun';

export type LandscapeJobEnd =
  | { kind: 'done'; records: LandscapeRecord[] }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

export interface LandscapeJobOptions {
  workerPath: string;
  start: StartLandscape;
  onProgress?: (done: number, total: number) => void;
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** After a cancel, how long the worker gets to answer before it is terminated. */
  cancelGraceMs?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class LandscapeJob {
  readonly done: Promise<LandscapeJobEnd>;
  private readonly stopFlag: Int32Array;
  private worker: Worker | undefined;
  private ended = false;
  private cancelled = false;
  private resolve!: (e: LandscapeJobEnd) => void;

  constructor(private readonly opts: LandscapeJobOptions) {
    this.done = new Promise((r) => (this.resolve = r));
    const shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    this.stopFlag = new Int32Array(shared);
    const workerData: WorkerData = { stopFlag: shared };
    try {
      this.worker = new Worker(opts.workerPath, { workerData, stdout: false, stderr: false });
    } catch (err) {
      this.end({ kind: 'failed', message: `Could not start the landscape worker: ${errorMessage(err)}` });
      return;
    }
    this.worker.on('message', (m: unknown) => this.onMessage(m));
    this.worker.on('error', (err) => this.end({ kind: 'failed', message: `Landscape worker crashed: ${errorMessage(err)}` }));
    this.worker.on('exit', (code) => this.end(this.cancelled ? { kind: 'cancelled' } : { kind: 'failed', message: `Landscape worker exited (code ${code}) without a result.` }));
    this.worker.postMessage(opts.start);
  }

  cancel(): void {
    if (this.ended || this.cancelled) return;
    this.cancelled = true;
    Atomics.store(this.stopFlag, 0, 1);
    setTimeout(() => this.end({ kind: 'cancelled' }), this.opts.cancelGraceMs ?? 500).unref?.();
  }

  private onMessage(m: unknown): void {
    if (this.ended || !isRecord(m)) return;
    switch (m.type) {
      case 'landscapeProgress':
        if (typeof m.done === 'number' && typeof m.total === 'number') this.opts.onProgress?.(m.done, m.total);
        break;
      case 'landscapeResult':
        if (m.stopped === true) this.end({ kind: 'cancelled' });
        else if (Array.isArray(m.records)) this.end({ kind: 'done', records: m.records.filter((r): r is LandscapeRecord => isRecord(r) && r.kind === 'landscape') });
        break;
      case 'log':
        if ((m.level === 'info' || m.level === 'warn' || m.level === 'error') && typeof m.message === 'string') this.opts.onLog?.(m.level, m.message);
        break;
      case 'failed':
        this.end({ kind: 'failed', message: typeof m.message === 'string' ? m.message : 'the landscape job failed' });
        break;
      default:
        break;
    }
  }

  private end(e: LandscapeJobEnd): void {
    if (this.ended) return;
    this.ended = true;
    if (this.worker) void this.worker.terminate().catch(() => undefined);
    this.resolve(e);
  }
}
