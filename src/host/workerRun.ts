/**
 * One run = one `worker_threads` Worker. Training never touches the extension host's thread,
 * an out-of-memory kills only the worker (resourceLimits), and stopping is a shared flag the
 * engine polls every step, backed by `terminate()` if the worker does not answer in time.
 * A watchdog terminates a worker that stops talking (an endless loop in a step or in a custom
 * model module): see `WatchdogOptions` for why its defaults are generous.
 * This class never throws: every way a run can end resolves `done`.
 */
import { Worker } from 'node:worker_threads';
import type { EngineEvent, HostToWorker, RunSummary, WorkerData } from '../shared/protocol';
import { isEngineEvent } from './messages';

export type WorkerRunEnd =
  /** The engine ended the run and said how. */
  | { kind: 'finished'; summary: RunSummary }
  /** The engine could not run it (bad experiment, missing data file...). */
  | { kind: 'failed'; message: string; path?: string }
  /** Stop was asked and the worker did not finish in time, so it was terminated. */
  | { kind: 'terminated'; message: string }
  /** The worker died: uncaught error, out of memory, or exit without a result. */
  | { kind: 'crashed'; message: string }
  /** The watchdog saw no message for too long and terminated the worker. */
  | { kind: 'hung'; message: string };

/**
 * A busy worker cannot say "still working" (a step is one synchronous call), so a hang is told
 * from a slow step only by time. The engine posts metrics every ~50 ms while steps complete, so
 * silence means one step (or the setup) is taking long. Defaults: setup (backend, data, model)
 * gets 120 s; after that a run is killed after 60 s of silence, or 10× the longest silence seen
 * so far in this run if that is longer — a model whose steps legitimately take 20 s is allowed
 * 200 s per step, while an endless loop in a 1 ms/step run goes after a minute.
 */
export interface WatchdogOptions {
  /** Silence allowed before `started` (backend selection, data loading, model building). */
  setupMs?: number;
  /** Silence allowed after `started`, at least. */
  stallMs?: number;
  /** ... or this many times the longest silence seen so far, whichever is longer. */
  factor?: number;
}

export const WATCHDOG_DEFAULTS: Required<WatchdogOptions> = { setupMs: 120_000, stallMs: 60_000, factor: 10 };

/**
 * The `optimizerDebugger.watchdogSeconds` setting: 0 turns the watchdog off; N > 0 allows N s of
 * silence during training (still at least 10× the longest silence seen) and max(120 s, 2N) for
 * the setup, so raising it for a slow model also covers that model's slow setup. Anything that is
 * not a finite number ≥ 0 means the defaults.
 */
export function watchdogFromSetting(seconds: unknown): WatchdogOptions | false {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return { ...WATCHDOG_DEFAULTS };
  if (seconds === 0) return false;
  const stallMs = Math.round(seconds * 1000);
  return { ...WATCHDOG_DEFAULTS, stallMs, setupMs: Math.max(WATCHDOG_DEFAULTS.setupMs, 2 * stallMs) };
}

export interface WorkerRunOptions {
  workerPath: string;
  start: HostToWorker;
  /** Non-terminal events (`started`, `metrics`, `diagnostics`, `log`), in order. */
  onEvent: (e: EngineEvent) => void;
  /** How long the worker gets to finish after a stop before it is terminated. */
  stopGraceMs?: number;
  /** Heap limit of the worker: an OOM ends the worker, not the host. */
  maxOldGenerationSizeMb?: number;
  /** Hang detection (defaults: `WATCHDOG_DEFAULTS`); `false` turns it off. */
  watchdog?: WatchdogOptions | false;
}

export class WorkerRun {
  readonly done: Promise<WorkerRunEnd>;
  private readonly worker: Worker;
  private readonly stopFlag: Int32Array;
  private ended = false;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdogTimer: ReturnType<typeof setInterval> | undefined;
  private started = false;
  private lastMessageAt = Date.now();
  private longestGapMs = 0;
  private resolveDone!: (end: WorkerRunEnd) => void;

  constructor(private readonly opts: WorkerRunOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    this.stopFlag = new Int32Array(shared);
    const workerData: WorkerData = { stopFlag: shared };
    let worker: Worker;
    try {
      worker = new Worker(opts.workerPath, {
        workerData,
        resourceLimits: { maxOldGenerationSizeMb: opts.maxOldGenerationSizeMb ?? 4096 },
        stdout: false,
        stderr: false,
      });
    } catch (err) {
      // A missing or unreadable bundle: report it like any crash.
      this.worker = undefined as unknown as Worker;
      this.end({ kind: 'crashed', message: `Could not start the training worker: ${errorMessage(err)}` });
      return;
    }
    this.worker = worker;
    worker.on('message', (m: unknown) => this.onMessage(m));
    worker.on('error', (err) => this.end({ kind: 'crashed', message: `Training worker crashed: ${errorMessage(err)}` }));
    worker.on('messageerror', (err) => this.end({ kind: 'crashed', message: `Unreadable message from the training worker: ${errorMessage(err)}` }));
    worker.on('exit', (code) => this.end({ kind: 'crashed', message: `Training worker exited (code ${code}) before the run ended.` }));
    worker.postMessage(opts.start);
    this.startWatchdog();
  }

  get stopRequested(): boolean {
    return Atomics.load(this.stopFlag, 0) !== 0;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Ask the engine to stop; terminate the worker if it has not finished within the grace time. */
  stop(): void {
    if (this.ended) return;
    Atomics.store(this.stopFlag, 0, 1);
    if (this.stopTimer === undefined) {
      const grace = this.opts.stopGraceMs ?? 500;
      this.stopTimer = setTimeout(() => {
        this.end({ kind: 'terminated', message: `Stopped: the worker did not finish within ${grace} ms and was terminated.` });
      }, grace);
    }
  }

  private startWatchdog(): void {
    if (this.opts.watchdog === false) return;
    const w = { ...WATCHDOG_DEFAULTS, ...this.opts.watchdog };
    this.lastMessageAt = Date.now();
    const every = Math.max(10, Math.min(1000, Math.min(w.setupMs, w.stallMs) / 4));
    this.watchdogTimer = setInterval(() => {
      const silent = Date.now() - this.lastMessageAt;
      const limit = this.started ? Math.max(w.stallMs, w.factor * this.longestGapMs) : w.setupMs;
      if (silent <= limit) return;
      const what = this.started ? 'during training' : 'while setting up the run';
      this.end({
        kind: 'hung',
        message:
          `The training worker sent nothing for ${seconds(silent)} ${what} and was terminated (watchdog limit ${seconds(limit)}). ` +
          'A step, the data loading or a custom model module may be stuck in an endless loop.',
      });
    }, every);
    // The watchdog must never keep a host (or a test runner) alive on its own.
    this.watchdogTimer.unref?.();
  }

  private onMessage(m: unknown): void {
    if (this.ended) return;
    const now = Date.now();
    if (this.started) this.longestGapMs = Math.max(this.longestGapMs, now - this.lastMessageAt);
    this.lastMessageAt = now;
    if (isEngineEvent(m) && m.type === 'started') this.started = true;
    if (!isEngineEvent(m)) {
      this.opts.onEvent({ type: 'log', runId: this.opts.start.runId, level: 'warn', message: 'Ignored a malformed message from the training worker.' });
      return;
    }
    // `more`: a compare group goes on with its next variant in this worker.
    if (m.type === 'finished' && m.more === true) this.opts.onEvent(m);
    else if (m.type === 'finished') this.end({ kind: 'finished', summary: m.summary });
    else if (m.type === 'failed') this.end({ kind: 'failed', message: m.message, ...(m.path !== undefined ? { path: m.path } : {}) });
    else this.opts.onEvent(m);
  }

  private end(result: WorkerRunEnd): void {
    if (this.ended) return;
    this.ended = true;
    if (this.stopTimer !== undefined) clearTimeout(this.stopTimer);
    if (this.watchdogTimer !== undefined) clearInterval(this.watchdogTimer);
    // The result is in; a worker kept alive by tfjs internals must not linger.
    if (this.worker) void this.worker.terminate().catch(() => undefined);
    this.resolveDone(result);
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
